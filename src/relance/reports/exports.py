"""Every report table as CSV or XLSX, with French or English column names.

A :class:`Table` says what each column holds; the writers keep the types: amounts
have their currency's decimals (``decimals``: 2 for EUR, 0 for JPY, 3 for TND) and
ratios two, rounded half-up (the French usage) only here at the edge; dates are
dates, counts are integers.

- **CSV** in French follows what a French spreadsheet expects: ``;`` between fields
  and a decimal comma (``1234,50``); in English ``,`` and a decimal point. Dates are
  ISO 8601 (``2026-03-31``), which every spreadsheet reads. UTF-8 with a byte-order
  mark, without which Excel reads accented names as Latin-1.
- **XLSX** (openpyxl): real numbers with the ``#,##0.00`` format, real dates, a bold
  header row that stays in view, one sheet named after the table.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

TEXT, MONEY, NUMBER, INTEGER, DAY = "text", "money", "number", "integer", "date"
TWO_PLACES = Decimal("0.01")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    fr: str
    en: str
    kind: str = TEXT  # TEXT, MONEY, NUMBER (two decimals), INTEGER or DAY

    def label(self, language: str) -> str:
        return self.fr if language == "fr" else self.en


@dataclass(frozen=True, slots=True)
class Table:
    """Rows of values in the order of ``columns``; ``name`` is the file and sheet name;
    ``decimals`` those of the amounts' currency (ISO 4217 minor units)."""

    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    decimals: int = 2

    def header(self, language: str) -> list[str]:
        return [c.label(language) for c in self.columns]


def _places(value, kind: str, decimals: int) -> Decimal:
    """An amount with its currency's decimals, a ratio with two."""
    places = Decimal(1).scaleb(-decimals) if kind == MONEY else TWO_PLACES
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def _csv_cell(value, kind: str, language: str, decimals: int) -> str:
    if value is None:
        return ""
    if kind in (MONEY, NUMBER):
        text = str(_places(value, kind, decimals))
        return text.replace(".", ",") if language == "fr" else text
    if kind == DAY:
        return value.isoformat()
    return str(value)


def to_csv(table: Table, language: str = "fr") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if language == "fr" else ",", lineterminator="\r\n")
    writer.writerow(table.header(language))
    for row in table.rows:
        writer.writerow([_csv_cell(v, c.kind, language, table.decimals)
                         for v, c in zip(row, table.columns, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def _xlsx_cell(cell, value, kind: str, language: str, decimals: int) -> None:
    if value is None:
        return
    if kind in (MONEY, NUMBER):
        cell.value = _places(value, kind, decimals)
        places = decimals if kind == MONEY else 2
        cell.number_format = "#,##0" + ("." + "0" * places if places else "")
    elif kind == DAY:
        cell.value = value if isinstance(value, date) else date.fromisoformat(value)
        cell.number_format = "dd/mm/yyyy" if language == "fr" else "yyyy-mm-dd"
    else:
        cell.value = value


def to_xlsx(table: Table, language: str = "fr") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = table.name[:31]  # Excel's limit on sheet names
    sheet.append(table.header(language))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(table.rows, start=2):
        for c, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            _xlsx_cell(sheet.cell(row=r, column=c), value, column.kind, language,
                       table.decimals)
    sheet.freeze_panes = "A2"
    _widths(sheet, table, language)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widths(sheet, table: Table, language: str) -> None:
    for n, column in enumerate(table.columns, start=1):
        cells = (len(str(row[n - 1] or "")) for row in table.rows)
        longest = max([len(column.label(language)), *cells])
        sheet.column_dimensions[get_column_letter(n)].width = min(max(longest + 2, 10), 50)


WRITERS = {"csv": to_csv, "xlsx": to_xlsx}


def export(table: Table, fmt: str, language: str = "fr") -> bytes:
    """``table`` as ``fmt`` (``csv`` or ``xlsx``) bytes."""
    try:
        return WRITERS[fmt](table, language)
    except KeyError:
        raise ValueError(f"format must be one of {sorted(WRITERS)}, not {fmt!r}") from None


def as_json(table: Table) -> list[dict]:
    """Rows as JSON-ready dicts keyed by column ``key``: amounts as strings with their
    currency's decimals (a JSON number would be read as a float), dates in ISO 8601."""
    return [{c.key: _json_value(v, c.kind, table.decimals)
             for v, c in zip(row, table.columns, strict=True)} for row in table.rows]


def _json_value(value, kind: str, decimals: int):
    if value is None:
        return None
    if kind in (MONEY, NUMBER):
        return str(_places(value, kind, decimals))
    if kind == DAY:
        return value.isoformat()
    return value

