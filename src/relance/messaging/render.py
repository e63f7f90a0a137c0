"""Render a reminder message from its template: French or English, plain text.

Templates are Jinja2 run in a :class:`~jinja2.sandbox.SandboxedEnvironment`, because
users edit them (PRODUCT.md, capability 6): a template cannot reach Python internals
(``{{ ''.__class__ }}`` fails). ``StrictUndefined`` makes a missing value an error, and
the rendered text is checked once more for anything that still looks like a
placeholder, so a message never goes out with a hole or a ``{{ … }}`` in it: every such
case raises :class:`relance.errors.TemplateError` naming the template and the value.

The packaged templates (``templates/<language>/<step>.subject.j2`` and ``.body.j2``)
follow the standard scenario of spec/dunning-rules.md; a caller may pass its own
sources per (language, step), which then take precedence. Two filters format values at
this edge with Babel: ``money`` (``1 234,56 €``) and ``date`` (``12 mars 2026``), see
:mod:`relance.messaging.formatting`. Pure: no Django, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any

import jinja2
from jinja2 import StrictUndefined, Undefined, meta, nodes, pass_context
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from relance.errors import TemplateError
from relance.messaging.context import (
    MessageContext,
    MessageInvoice,
    MessageTemplate,
    RenderedMessage,
    Signature,
)
from relance.messaging.formatting import format_day, format_money
from relance.messaging.placeholders import FIELDS, FILTERS, PLACEHOLDERS, Placeholder

__all__ = [
    "FILTERS", "PLACEHOLDERS", "MessageContext", "MessageInvoice", "MessageTemplate",
    "Placeholder", "RenderedMessage", "Signature", "TemplateSource", "check_template",
    "packaged_template", "render",
]

# Caller-supplied templates, keyed by (language, step); the others come from the package.
type TemplateSource = Mapping[tuple[str, str], MessageTemplate]

# What must never survive rendering: Jinja delimiters, and ``{name}`` / ``%(name)s``
# placeholders pasted from other tools that Jinja would leave as literal text.
_LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\{\s*[A-Za-z_][\w.]*\s*\}|%\([A-Za-z_]\w*\)s")
_STEP_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


def _defined(value: Any) -> Any:
    """The value, or raise Jinja's own error naming the missing placeholder."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value


@pass_context
def _money_filter(context: Context, amount: Any, currency: str | None = None) -> str:
    return format_money(_defined(amount), currency or context["currency"], context["language"])


@pass_context
def _date_filter(context: Context, day: Any) -> str:
    day = _defined(day)
    if not isinstance(day, date):
        raise TypeError(f"the date filter needs a date, not {type(day).__name__}")
    return format_day(day, context["language"])


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
    )
    env.filters.update(money=_money_filter, date=_date_filter)
    return env


_ENV = _environment()


def render(ctx: MessageContext, templates: TemplateSource | None = None) -> RenderedMessage:
    """The subject and plain-text body of the message ``ctx`` describes.

    Raises :class:`TemplateError` when there is no template for the step, when a
    template uses a value the context lacks, or when anything placeholder-like is left.
    """
    name = f"{ctx.language}/{ctx.step}"
    source = _source(ctx.language, ctx.step, templates)
    variables = _variables(ctx)
    subject = _one_line(_render(source.subject, variables, f"{name}.subject"))
    text = _tidy(_render(source.body, variables, f"{name}.body"))
    if not subject or not text.strip():
        raise TemplateError(f"template {name}: the subject or the body renders empty")
    _refuse_leftovers(subject, f"{name}.subject")
    _refuse_leftovers(text, f"{name}.body")
    return RenderedMessage(subject, text)


def check_template(source: str) -> list[str]:
    """Names a template uses that are not documented placeholders, sorted.

    Reports unknown variables (``unknown``), unknown fields of invoices and of the
    signature (``invoice.colour``), unknown filters (``|shout``) and tests (``is late``), private
    attributes (``__class__``). An empty list means the template only uses
    :data:`PLACEHOLDERS`. A template that does not parse raises :class:`TemplateError`.
    """
    try:
        tree = _ENV.parse(source)
        filters = {f.name for f in tree.find_all(nodes.Filter)} - _ENV.filters.keys()
        tests = {t.name for t in tree.find_all(nodes.Test)} - _ENV.tests.keys()
        names = meta.find_undeclared_variables(_lenient(filters, tests).parse(source))
    except TemplateSyntaxError as exc:
        raise TemplateError(f"template, line {exc.lineno}: {exc.message}") from None
    unknown = (set(names) - PLACEHOLDERS.keys()) | _unknown_fields(tree)
    unknown |= {f"|{name}" for name in filters} | {f"is {name}" for name in tests}
    return sorted(unknown)


def _lenient(filters: set[str], tests: set[str]) -> SandboxedEnvironment:
    """The environment plus do-nothing stand-ins for unknown filters and tests.

    Listing a template's variables compiles it, and compiling stops at the first
    unknown filter; the stand-ins let every unknown name be reported at once.
    """
    if not filters and not tests:
        return _ENV
    env = _ENV.overlay()
    env.filters = {**_ENV.filters, **dict.fromkeys(filters, _ignore)}
    env.tests = {**_ENV.tests, **dict.fromkeys(tests, _ignore)}
    return env


def _ignore(value: Any, *args: Any, **kwargs: Any) -> Any:
    return value


@lru_cache(maxsize=64)
def packaged_template(language: str, step: str) -> MessageTemplate:
    """The template shipped with Relance for ``step`` in ``language``."""
    if not _STEP_NAME.fullmatch(step) or not _STEP_NAME.fullmatch(language):
        raise TemplateError(f"no template for step {step!r} in language {language!r}")
    folder = files(__package__) / "templates" / language
    try:
        subject = (folder / f"{step}.subject.j2").read_text(encoding="utf-8")
        body = (folder / f"{step}.body.j2").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"no template for step {step!r} in language {language!r}") from None
    return MessageTemplate(subject=subject, body=body)


def _source(language: str, step: str, templates: TemplateSource | None) -> MessageTemplate:
    if templates is not None and (language, step) in templates:
        return templates[(language, step)]
    return packaged_template(language, step)


def _variables(ctx: MessageContext) -> dict[str, Any]:
    """The template's variables; an unknown optional value is left out, hence undefined."""
    values: dict[str, Any] = {
        "step": ctx.step, "language": ctx.language, "consumer": ctx.consumer,
        "organization_name": ctx.organization_name, "customer_name": ctx.customer_name,
        "contact_first_name": ctx.contact_first_name, "currency": ctx.currency,
        "invoices": list(ctx.invoices), "invoice": ctx.invoices[0],
        "invoice_count": len(ctx.invoices), "total_due": ctx.total_due,
        "total_claimed": ctx.total_claimed, "signature": ctx.signature,
        "payment_terms_days": ctx.payment_terms_days, "late_interest": ctx.late_interest,
        # A consumer is never told of the B2B indemnity (Code de commerce L441-10).
        "indemnity": None if ctx.consumer else ctx.indemnity,
        "deadline": ctx.deadline, "portal_url": ctx.portal_url, "iban": ctx.iban,
        "copies_attached": ctx.copies_attached,
    }
    return {key: value for key, value in values.items() if _known(value)}


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@lru_cache(maxsize=256)
def _compiled(source: str) -> jinja2.Template:
    return _ENV.from_string(source)


def _render(source: str, variables: dict[str, Any], name: str) -> str:
    try:
        return _compiled(source).render(variables)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"template {name}, line {exc.lineno}: {exc.message}") from None
    except UndefinedError as exc:
        raise TemplateError(
            f"template {name}{_line(exc)}: placeholder {_placeholder(exc)} has no value"
        ) from exc
    except SecurityError as exc:
        raise TemplateError(f"template {name}{_line(exc)}: forbidden access: {exc}") from exc
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        # User templates can fail in many ways; each must stop the message, with its cause.
        raise TemplateError(f"template {name}{_line(exc)}: {exc}") from exc


def _placeholder(exc: UndefinedError) -> str:
    """The missing name from Jinja's message: ``'deadline' is undefined`` → ``deadline``."""
    message = exc.message or ""
    found = re.search(r"^'([^']+)' is undefined|has no (?:attribute|element) '([^']+)'", message)
    return (found.group(1) or found.group(2)) if found else message


def _line(exc: BaseException) -> str:
    """``, line N`` of the template where rendering failed (Jinja rewrites the traceback)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return f", line {line}" if line else ""


def _one_line(text: str) -> str:
    """Join a subject's lines; only ASCII blanks, to keep Babel's no-break spaces."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip(" ")


def _tidy(text: str) -> str:
    """Strip trailing spaces and extra blank lines that conditional blocks leave."""
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def _refuse_leftovers(text: str, name: str) -> None:
    found = _LEFTOVER.search(text)
    if found:
        raise TemplateError(f"template {name}: unresolved placeholder {found.group(0)!r} in output")


def _unknown_fields(tree: nodes.Template) -> set[str]:
    """Fields of ``invoice``/``signature`` (and loop variables over ``invoices``) not documented."""
    kinds = {name: name for name in FIELDS}
    for loop in tree.find_all(nodes.For):
        if isinstance(loop.iter, nodes.Name) and loop.iter.name == "invoices":
            if isinstance(loop.target, nodes.Name):
                kinds[loop.target.name] = "invoice"
    unknown = set()
    for access in tree.find_all(nodes.Getattr):
        if access.attr.startswith("_"):
            unknown.add(access.attr)
        elif isinstance(access.node, nodes.Name) and access.node.name in kinds:
            if access.attr not in FIELDS[kinds[access.node.name]]:
                unknown.add(f"{access.node.name}.{access.attr}")
    return unknown
