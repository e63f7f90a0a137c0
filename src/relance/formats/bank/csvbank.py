"""Bank statements exported as CSV, read through a saved column mapping.

Every bank's online banking exports its own CSV: ``Date;Libellé;Débit;Crédit`` with
``1 234,56`` at one, ``Booking date,Amount,Payee`` with ``-1234.56`` at another. The user
describes the file once in a :class:`CsvMapping` (kept with the bank account) and
every later export reads the same way.

Amounts come either from one signed ``amount`` column or from a ``debit`` and a
``credit`` column; a debit is always money out, whether the bank writes it ``12,50``
or ``-12,50``. Rows that are entirely blank are skipped; a row with a bad date or amount
is reported and the others are kept. Its error names the mapping's field (``date``,
``debit``…) and gives the column's header as the ``column`` parameter, with the text
found and, for a date, the expected format (``relance.formats.bank.problems``). A CSV
carries no balances, so the statement's are ``None``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from relance.core.money import TOO_LARGE, quantum  # TOO_LARGE: a column misread
from relance.formats import RowError
from relance.formats.bank import (
    BankLine,
    BankStatement,
    Parser,
    assign_keys,
    check_size,
)
from relance.formats.bank.problems import Problem, as_row_error, unreadable

# Characters banks put inside amounts that carry no value.
_NOISE = str.maketrans("", "", " \u00a0\u202f'€$£+")


@dataclass(frozen=True, slots=True)
class CsvMapping:
    """How to read one bank's CSV export; column names are matched to the header row
    ignoring case and surrounding spaces.

    Example, a French bank's ``Date;Libellé;Débit;Crédit`` export::

        CsvMapping(date="Date", debit="Débit", credit="Crédit", label="Libellé",
                   delimiter=";", encoding="cp1252", date_format="%d/%m/%Y",
                   decimal_separator=",", account="FR7630001007941234567890185")
    """

    date: str
    amount: str = ""
    debit: str = ""
    credit: str = ""
    label: str = ""
    reference: str = ""
    name: str = ""
    value_date: str = ""
    counterparty_iban: str = ""
    delimiter: str = ";"
    encoding: str = "utf-8-sig"
    date_format: str = "%d/%m/%Y"
    decimal_separator: str = ","
    skip_rows: int = 0
    account: str = ""
    currency: str = "EUR"

    def __post_init__(self) -> None:
        if not self.date:
            raise ValueError("a CSV mapping needs the date column")
        if bool(self.amount) == bool(self.debit or self.credit):
            raise ValueError("a CSV mapping needs either an amount column or debit/credit "
                             "columns")
        if bool(self.debit) != bool(self.credit):
            raise ValueError("a CSV mapping with a debit column needs a credit column too, "
                             "and the other way round")
        named = [name.strip().casefold() for name in self.columns().values()]
        if len(set(named)) != len(named):
            raise ValueError("a CSV mapping cannot read two of its fields from one column")
        if self.decimal_separator not in (",", "."):
            raise ValueError("the decimal separator is ',' or '.'")
        codecs.lookup(self.encoding)

    def columns(self) -> dict[str, str]:
        """Field name → header name, for the columns this mapping uses."""
        fields = ("date", "amount", "debit", "credit", "label", "reference", "name",
                  "value_date", "counterparty_iban")
        return {name: getattr(self, name) for name in fields if getattr(self, name)}


def make_parser(mapping: CsvMapping) -> Parser:
    """A ``parse(data)`` for files of this mapping, so CSV keeps the common contract."""

    def parse(data: bytes) -> tuple[list[BankStatement], list[RowError]]:
        return parse_csv(data, mapping)

    return parse


def parse_csv(data: bytes, mapping: CsvMapping) -> tuple[list[BankStatement], list[RowError]]:
    """One statement with a line per data row; see the module docstring."""
    check_size(data, "CSV")
    rows = _rows(_decode(data, mapping.encoding), mapping)
    positions = _positions(rows[0][1] if rows else [], mapping)
    lines: list[BankLine] = []
    errors: list[RowError] = []
    for number, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        try:
            lines.append(_line({k: _cell(row, i) for k, i in positions.items()}, number,
                               mapping))
        except ValueError as exc:
            errors.append(_row_error(exc, number, mapping))
    statement = BankStatement(mapping.account, mapping.currency, None, None, None, None,
                              tuple(lines))
    return assign_keys([statement]), errors


def text_encoding(data: bytes, declared: str) -> str:
    """The encoding to read ``data`` with: the mapping's, unless the file says otherwise.

    A UTF-8 byte order mark (Excel's "CSV UTF-8") means UTF-8 whatever the mapping says;
    and non-ASCII text that is valid UTF-8 is UTF-8 even under a single-byte mapping
    (Windows-1252 accented text is practically never valid UTF-8), so the same bank's
    export saved either way reads the same.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if codecs.lookup(declared).name.startswith("utf"):
        return declared
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return declared
        return "utf-8"
    return declared


def _decode(data: bytes, encoding: str) -> str:
    encoding = text_encoding(data, encoding)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        code = "not_utf8_csv" if encoding.startswith("utf") else "bad_encoding"
        raise unreadable(code, "CSV", encoding=encoding, position=exc.start) from None


def _rows(text: str, mapping: CsvMapping) -> list[tuple[int, list[str]]]:
    if "\x00" in text:
        raise unreadable("binary_file", "CSV")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
    try:
        # line_num counts physical lines: a row is numbered by the line where it ends.
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise unreadable("unreadable_csv", "CSV", line=reader.line_num, detail=exc) from None
    return rows[mapping.skip_rows:]


def _positions(header: list[str], mapping: CsvMapping) -> dict[str, int]:
    names = {cell.strip().casefold(): index for index, cell in enumerate(header)}
    missing = [column for column in mapping.columns().values()
               if column.strip().casefold() not in names]
    if missing:
        raise unreadable("missing_columns", "CSV", columns=", ".join(missing),
                         found="; ".join(cell.strip() for cell in header) or "–")
    return {field: names[column.strip().casefold()]
            for field, column in mapping.columns().items()}


def _row_error(exc: ValueError, number: int, mapping: CsvMapping) -> RowError:
    """The row's error, with the header of the column at fault as the mapping names it."""
    error = as_row_error(exc, number)
    column = mapping.columns().get(error.field or "")
    return replace(error, params={**error.params, "column": column}) if column else error


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _line(cells: dict[str, str], number: int, mapping: CsvMapping) -> BankLine:
    value_date = cells.get("value_date", "")
    return BankLine(
        booking_date=_date(cells["date"], mapping.date_format, "date"),
        value_date=_date(value_date, mapping.date_format, "value_date") if value_date else None,
        amount=_signed_amount(cells, mapping),
        currency=mapping.currency,
        counterparty_name=cells.get("name", ""),
        counterparty_iban="".join(cells.get("counterparty_iban", "").split()).upper(),
        remittance=" ".join(cells.get("label", "").split()),
        bank_reference=cells.get("reference", ""),
        line=number)


def _signed_amount(cells: dict[str, str], mapping: CsvMapping) -> Decimal:
    """The line's amount, money in positive; read as the import will store it, so the
    mapping's preview refuses what the import refuses (``10,123`` in euros)."""
    amount = _money_in(cells, mapping)
    if amount != amount.quantize(quantum(mapping.currency)):
        raise Problem("too_many_decimals", "amount", value=amount, currency=mapping.currency)
    return amount


def _money_in(cells: dict[str, str], mapping: CsvMapping) -> Decimal:
    separator = mapping.decimal_separator
    if "amount" in cells:
        return _amount(cells["amount"], separator, "amount")
    debit, credit = cells.get("debit", ""), cells.get("credit", "")
    if bool(debit) == bool(credit):
        raise Problem("debit_and_credit", "debit", debit_column=mapping.debit,
                      credit_column=mapping.credit)
    if debit:
        return -abs(_amount(debit, separator, "debit"))
    # A credit is money in; a negative one is a reversal, money out, as written.
    return _amount(credit, separator, "credit")


def _amount(text: str, separator: str, field: str) -> Decimal:
    """The amount ``text`` writes, ``separator`` marking the decimals.

    The other mark (``.`` for ``1.234,56``, ``,`` for ``1,234.56``) is read as a thousands
    separator only between groups of three digits: ``7.50`` under a ``,`` mapping is
    refused rather than read as 750. A mark with no digit on one side (``12,`` ``,5``
    ``12.`` ``.5``) is refused: no bank writes that, it is a column cut short. Zero and
    amounts of ten thousand billion or more are refused too (nothing to record; not a
    bank movement).
    """
    cleaned = text.translate(_NOISE)
    if cleaned.endswith("-"):  # "12,50-" as some banks write a debit
        cleaned = "-" + cleaned[:-1]
    if _CUT.fullmatch(cleaned):
        raise Problem("amount_cut", field, text=text)
    grouping = "." if separator == "," else ","
    if grouping in cleaned:
        if not _GROUPED[separator].fullmatch(cleaned):
            raise Problem("not_an_amount", field, text=text)
        cleaned = cleaned.replace(grouping, "")
    if not _PLAIN.fullmatch(cleaned):  # "1e3", "NaN": Decimal reads them, banks do not
        raise Problem("not_an_amount", field, text=text)
    try:
        value = Decimal(cleaned.replace(separator, "."))
    except InvalidOperation:
        raise Problem("not_an_amount", field, text=text) from None
    if not value.is_finite():
        raise Problem("not_an_amount", field, text=text)
    if not value:
        raise Problem("zero_amount", field, text=text)
    if abs(value) >= TOO_LARGE:
        raise Problem("amount_out_of_range", field, text=text)
    return value


# "1.234.567,89" / "1,234,567.89": a group of one to three digits, then groups of three.
_GROUPED = {sep: re.compile(rf"-?\d{{1,3}}(?:{re.escape(group)}\d{{3}})+(?:{re.escape(sep)}\d*)?")
            for sep, group in ((",", "."), (".", ","))}
_PLAIN = re.compile(r"-?\d*[.,]?\d*")
# Digits and marks that start or end with a mark: "12," ",5" "1.234," "-.5".
_CUT = re.compile(r"-?(?:[.,][\d.,]*|[\d.,]*[.,])")


def _date(text: str, date_format: str, field: str) -> date:
    try:
        return datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise Problem("not_a_date", field, text=text, format=date_format) from None
