"""What can be wrong in a bank statement, said as a code and its values.

A reader raises :class:`Problem` (a ``ValueError``) where it finds a value it cannot
use, or builds the :class:`RowError` at once with :func:`row_error`. The error keeps:

* ``code``, one key of :data:`ENGLISH`, and ``params``, its values as strings: the text
  found (``text``), the expected date format as a ``strftime`` pattern (``format``), the
  amounts of a balance check with their ``currency``…;
* ``message``, the English sentence of :data:`ENGLISH`, for logs, the watched folder's
  report files and any caller that only knows ``str(error)``.

The web page and the CLI word the code in the user's language
(``relance.imports.wording``), with the date format shown as a person writes it
(:func:`date_pattern`: ``JJ/MM/AAAA`` or ``DD/MM/YYYY``, never ``%d/%m/%Y``).

A problem of :data:`WARNINGS` leaves the lines imported (severity ``"warning"``): a
statement whose balances do not add up has all its movements, but one may be missing
or the file edited, so a person has to look.
"""

from __future__ import annotations

import re

from relance.errors import RowError

#: The English sentence of each problem; ``pattern`` is filled from ``format``.
ENGLISH: dict[str, str] = {
    # Dates and amounts, in every format.
    "not_a_date": "not a date in the format {pattern}: {text!r}",
    "not_an_amount": "not an amount: {text!r}",
    "amount_cut": "a digit is missing before or after the decimal mark (a cut column?): "
                  "{text!r}",
    "zero_amount": "the amount is zero: {text!r}",
    "amount_out_of_range": "amount out of range: {text!r}",
    "too_many_decimals": "{value} has more decimals than {currency} allows",
    "debit_and_credit": "a row needs exactly one of debit ({debit_column}) and credit "
                        "({credit_column})",
    "missing_amount": "amount missing",
    "missing_booking_date": "booking date missing",
    # A statement as a whole.
    "balance_mismatch": "account {account}: opening balance {opening} + movements "
                        "{movements} = {expected}, but the closing balance is {closing}",
    "missing_balance": "statement without balance :{tag}:",
    "no_closing_record": "account {account}: no closing 07 record",
    # camt.05x
    "bad_direction": "CdtDbtInd must be CRDT or DBIT, not {text!r}",
    "not_booked": "entry with status {status} is not booked; left out",
    "batch_mismatch": "the transactions of this batch add up to {total}, not the entry "
                      "amount {amount}; kept as one line",
    # CFONB 120
    "record_too_long": "record longer than {length} characters",
    "unknown_record": "unknown record code {record!r}",
    "record_outside_statement": "record {record} outside a statement (no 01 record before it)",
    "other_account": "account {found} differs from the statement's account {account}",
    "complement_alone": "05 complement without a 04 movement before it",
    "bad_decimals": "number of decimals (position 20) is {text!r}",
    # MT940
    "field_outside_statement": ":{tag}: before any :20:",
    "not_a_balance": "not a balance (mark, YYMMDD, currency, amount): {text!r}",
    "not_a_statement_line": "not a statement line: {text!r}",
}

#: Problems reported while the lines are imported all the same.
WARNINGS = frozenset({"balance_mismatch", "batch_mismatch"})

# strftime directives as a person writes them, per language (JJ/MM/AAAA in French).
_DIRECTIVES = {
    "en": {"d": "DD", "m": "MM", "Y": "YYYY", "y": "YY", "j": "DDD", "b": "MMM",
           "B": "MMMM", "H": "hh", "M": "mm", "S": "ss", "%": "%"},
    "fr": {"d": "JJ", "m": "MM", "Y": "AAAA", "y": "AA", "j": "JJJ", "b": "MMM",
           "B": "MMMM", "H": "hh", "M": "mm", "S": "ss", "%": "%"},
}


def date_pattern(date_format: str, language: str = "en") -> str:
    """``date_format`` (a ``strftime`` pattern) as a person writes it.

    >>> date_pattern("%d/%m/%Y", "fr")
    'JJ/MM/AAAA'
    >>> date_pattern("%y%m%d")
    'YYMMDD'
    """
    names = _DIRECTIVES.get(language, _DIRECTIVES["en"])
    return re.sub(r"%(.)", lambda match: names.get(match[1], match[0]), date_format)


def english(code: str, params: dict[str, str]) -> str:
    """The English sentence of ``code`` with its values."""
    values = dict(params)
    if "format" in values:
        values["pattern"] = date_pattern(values["format"], "en")
    return ENGLISH[code].format(**values)


class Problem(ValueError):
    """A value a reader cannot use; ``field`` names where, when the reader knows better
    than the caller (the CSV column, the camt element)."""

    def __init__(self, code: str, field: str | None = None, **params: object):
        self.code, self.field = code, field
        self.params = {name: str(value) for name, value in params.items()}
        super().__init__(english(code, self.params))

    def row_error(self, line: int | None, field: str | None = None) -> RowError:
        severity = "warning" if self.code in WARNINGS else "error"
        return RowError(line, str(self), self.field or field, self.code, self.params, severity)


def row_error(line: int | None, code: str, field: str | None = None,
              **params: object) -> RowError:
    """The :class:`RowError` of problem ``code`` at ``line``."""
    return Problem(code, field, **params).row_error(line)


def as_row_error(exc: ValueError, line: int | None, field: str | None = None) -> RowError:
    """``exc`` as a row error: structured when it is a :class:`Problem`, else its text."""
    if isinstance(exc, Problem):
        return exc.row_error(line, field)
    return RowError(line, str(exc), field)
