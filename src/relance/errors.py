"""The exceptions Relance raises, in one documented tree.

Batches (imports, parsers, the daily run) return ``(results, errors)`` so one
bad row never stops the others (errors are :class:`RowError` values, defined at
the end); single commands raise one of these. The web,
API and CLI layers translate them into a status code and a message in the
user's language.

    RelanceError
    ├── InputError            bad input from a user or a file (HTTP 400, exit 2)
    │   ├── FormatError       a whole file cannot be read: wrong format, encoding, columns
    │   ├── ScenarioError     a scenario or policy file with a wrong entry or field
    │   └── TemplateError     a template that does not render or leaves a placeholder
    ├── NotFound              no such object in this organization (HTTP 404)
    ├── RateMissing           the penalty rate table lacks a needed semester (HTTP 409)
    └── DeliveryError         a message could not be delivered
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass


class RelanceError(Exception):
    """Base of every error Relance raises on purpose."""


class InputError(RelanceError):
    """Bad input: the message names the file, row or field and what was expected."""


class FormatError(InputError):
    """A file that cannot be read at all; nothing from it is written.

    ``code`` and ``params`` say why, as a row's problem does (the whole-file codes of
    ``relance.formats.problems.FILE``), so the page and the CLI word it in the reader's
    language; ``str()`` is the English sentence, for logs. A reader builds one with
    ``relance.formats.problems.unreadable``.
    """

    def __init__(self, message: str, code: str = "",
                 params: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message, self.code, self.params = message, code, dict(params or {})


class ScenarioError(InputError):
    """A scenario/policy definition with a wrong entry or field."""


class TemplateError(InputError):
    """A message template that cannot be rendered completely."""


class NotFound(RelanceError):
    """The object does not exist in the current organization."""


class RateMissing(RelanceError):
    """The rate table has no value for a semester a computation needs; ``semester``
    names it (``2026 H2``) for a page to say it in its reader's language."""

    def __init__(self, message: str, semester: str = "") -> None:
        super().__init__(message)
        self.semester = semester


class DeliveryError(RelanceError):
    """A message could not be handed to the mail system."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One row of a file that could not be used (the batch channel); the others still are.

    ``message`` is English: it is what logs, report files and ``str()`` show. A reader
    that knows the problem as data also gives ``code`` and ``params`` (the text found,
    the column, the expected format…, every value a string) so that the web page and
    the CLI word it in the user's language (``relance.imports.wording``); a problem
    without a code is shown by its message. ``severity`` ``"warning"`` marks a problem
    whose rows were used all the same and that a person should look at (a statement
    whose balances do not add up), as opposed to a row left out.
    """

    line: int | None
    message: str
    field: str | None = None
    code: str = ""
    # Not hashed: a dict is not hashable, and the code already tells problems apart.
    params: Mapping[str, str] = dataclasses.field(default_factory=dict, hash=False)
    severity: str = "error"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"
