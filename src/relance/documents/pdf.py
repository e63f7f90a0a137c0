"""Render the documents to PDF: HTML from Jinja2 templates, then WeasyPrint.

Templates live in ``relance/documents/templates/<language>/`` (French and English legal
wording differ, so each language has its own text) and extend ``base.html``, which holds
the A4 page style. Autoescaping is on: a customer name is data, never markup.
``StrictUndefined`` turns a missing value into an error instead of a hole in a letter.

Output is deterministic: WeasyPrint writes creation/modification dates only when the
HTML declares them, so the templates give none; font subsets get a fixed timestamp (see
:func:`_fixed_font_timestamps`). The same figures give the same bytes.
Amounts and dates are formatted with Babel (:mod:`relance.messaging.formatting`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jinja2
import segno.helpers
import weasyprint
from babel.numbers import format_decimal
from jinja2 import pass_context
from jinja2.runtime import Context
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from relance.core.money import round_half_up
from relance.core.penalties import FIXED_INDEMNITY
from relance.documents.common import TransferRequest
from relance.documents.letter import NoticeData, NoticeFigures
from relance.documents.statement import StatementData, StatementFigures
from relance.errors import TemplateError
from relance.messaging.formatting import format_day, format_money, locale_of

# Data URIs only (the QR code): a document never reaches out to the network or the disk,
# and a resource that fails stops the rendering instead of leaving a hole.
_FETCHER = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
_EPOCH_LOCK = threading.Lock()


def notice_pdf(data: NoticeData, figures: NoticeFigures) -> bytes:
    """The formal notice letter as PDF bytes, in ``data.language``."""
    return html_to_pdf(notice_html(data, figures))


def notice_html(data: NoticeData, figures: NoticeFigures) -> str:
    return _render(data.language, "notice.html", data=data, figures=figures,
                   currency=figures.currency, qr=epc_qr_uri(figures.transfer),
                   indemnity_unit=FIXED_INDEMNITY)


def statement_pdf(data: StatementData, figures: StatementFigures) -> bytes:
    """The statement of account as PDF bytes, in ``data.language``."""
    return html_to_pdf(statement_html(data, figures))


def statement_html(data: StatementData, figures: StatementFigures) -> str:
    return _render(data.language, "statement.html", data=data, figures=figures,
                   currency=figures.currency, qr=epc_qr_uri(figures.transfer))


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint, with no external resource: everything is inline (styles, QR code)."""
    try:
        with _fixed_font_timestamps():
            return weasyprint.HTML(string=html, url_fetcher=_FETCHER).write_pdf()
    except FatalURLFetchingError as exc:  # a BaseException: translate it at this boundary
        raise TemplateError(f"a document may only embed data: URIs ({exc})") from None


@contextmanager
def _fixed_font_timestamps() -> Iterator[None]:
    """Make the embedded font subsets byte-stable.

    fontTools stamps each font subset it writes with the current time unless
    ``SOURCE_DATE_EPOCH`` is set (the reproducible-builds convention); that stamp is the
    only thing that would differ between two renderings of the same letter. The lock
    keeps concurrent renderings from restoring each other's environment.
    """
    with _EPOCH_LOCK:
        saved = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = saved or "0"
        try:
            yield
        finally:
            if saved is None:
                del os.environ["SOURCE_DATE_EPOCH"]


def epc_qr_uri(transfer: TransferRequest | None) -> str | None:
    """The EPC069-12 SEPA credit-transfer QR code as an SVG data URI, or ``None``."""
    if transfer is None:
        return None
    qr = segno.helpers.make_epc_qr(**transfer.epc_arguments())
    return qr.svg_data_uri(scale=4, border=2)


def _render(language: str, name: str, **values: Any) -> str:
    return _environment().get_template(f"{language}/{name}").render(language=language, **values)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("relance.documents", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=_money, day=_day, percent=_percent, iban=format_iban,
                       lines=_lines)
    return env


@pass_context
def _money(ctx: Context, value: Decimal) -> str:
    """Rounded half-up first: Babel would round half-even an unrounded period amount."""
    currency = ctx["currency"]
    return format_money(round_half_up(value, currency), currency, ctx["language"])


@pass_context
def _day(ctx: Context, value: date) -> str:
    return format_day(value, ctx["language"])


@pass_context
def _percent(ctx: Context, value: Decimal) -> str:
    """``12,15 %`` (fr, no-break space as French typography asks) or ``12.15%`` (en)."""
    number = format_decimal(value, format="#,##0.00", locale=locale_of(ctx["language"]))
    return f"{number}\u00a0%" if ctx["language"] == "fr" else f"{number}%"


def format_iban(iban: str) -> str:
    """``FR7630006000011234567890189`` → ``FR76 3000 6000 0112 3456 7890 189`` (ISO 13616)."""
    compact = "".join(iban.split())
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
