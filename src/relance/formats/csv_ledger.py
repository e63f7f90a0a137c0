"""CSV files of customers/contacts and of invoices, with documented columns.

Both files: UTF-8 (with or without BOM) or Windows-1252, separated by ``;``, ``,``
or tabs (detected from the header), one header line naming the columns below in
any order (case and accents ignored). Amounts use ``.`` or ``,`` as the decimal
mark and may carry spaces as thousands separators; dates are ``YYYY-MM-DD`` or
``DD/MM/YYYY``, never guessed otherwise.

Contacts (one line per contact; customer columns repeat and the last wins):

================== ========= ==================================================
column             required  meaning
================== ========= ==================================================
customer_ref       yes       the customer's code (the FEC CompAuxNum)
customer_name      no        the customer's name
email              no        the contact's address
role               no        accounts_payable (default), business or legal
first_name         no        used in the greeting
last_name, phone   no
language           no        fr (default) or en
kind               no        b2b (default) or b2c
siren              no        9 digits, checked (Luhn)
address            no        postal address (shown on formal notices)
payment_terms_days no        days from invoice date to due date
================== ========= ==================================================

Invoices: ``number``, ``customer_ref``, ``issue_date``, ``due_date``, ``amount``
(including VAT), optional ``currency`` (default EUR), ``customer_name``, ``pdf_path``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from stdnum.fr import siren as siren_check

from relance.errors import FormatError
from relance.formats import RowError

ROLES = ("accounts_payable", "business", "legal")


@dataclass(frozen=True, slots=True)
class ContactRow:
    line: int
    customer_ref: str
    customer_name: str
    email: str
    role: str
    first_name: str
    last_name: str
    phone: str
    language: str
    kind: str
    siren: str
    payment_terms_days: int | None
    address: str = ""


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    line: int
    number: str
    customer_ref: str
    customer_name: str
    issued: date
    due: date
    amount: Decimal
    currency: str
    pdf_path: str


def decode(data: bytes, name: str = "file") -> str:
    """Text of a CSV export: UTF-8 (BOM tolerated), else Windows-1252."""
    if b"\x00" in data[:4096]:
        raise FormatError(f"{name}: binary content, not a CSV text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def _key(header: str) -> str:
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.strip().lower()).strip("_")


def read_rows(data: bytes, required: tuple[str, ...], name: str = "file"
              ) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) for each non-empty data line; checks the header."""
    text = decode(data, name)
    if not text.strip():
        raise FormatError(f"{name}: empty file")
    first = text.splitlines()[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [_key(h) for h in next(reader)]
    missing = [c for c in required if c not in header]
    if missing:
        raise FormatError(f"{name}: missing column(s) {', '.join(missing)}; "
                          f"found {', '.join(header) or 'nothing'}")
    rows = []
    for values in reader:
        if any(v.strip() for v in values):
            rows.append((reader.line_num, dict(zip(header, (v.strip() for v in values),
                                                   strict=False))))
    return rows


def parse_amount(text: str) -> Decimal:
    """``1 234,56`` or ``1234.56`` to ``Decimal('1234.56')``; refuses anything ambiguous."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text)
    if "," in cleaned and "." in cleaned:
        raise ValueError(f"ambiguous amount {text!r}: use one decimal mark")
    try:
        amount = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return amount


def parse_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD or DD/MM/YYYY)")


def _contact(line: int, r: dict[str, str]) -> ContactRow:
    if not r.get("customer_ref"):
        raise ValueError("customer_ref: missing")
    role = r.get("role") or "accounts_payable"
    if role not in ROLES:
        raise ValueError(f"role: expected one of {', '.join(ROLES)}, got {role!r}")
    language = (r.get("language") or "fr").lower()
    if language not in ("fr", "en"):
        raise ValueError(f"language: expected fr or en, got {language!r}")
    kind = (r.get("kind") or "b2b").lower()
    if kind not in ("b2b", "b2c"):
        raise ValueError(f"kind: expected b2b or b2c, got {kind!r}")
    siren = re.sub(r"\s", "", r.get("siren", ""))
    if siren and not siren_check.is_valid(siren):
        raise ValueError(f"siren: {siren!r} is not a valid SIREN")
    terms = r.get("payment_terms_days", "")
    if terms and not terms.isdigit():
        raise ValueError(f"payment_terms_days: expected a number of days, got {terms!r}")
    return ContactRow(line, r["customer_ref"], r.get("customer_name", ""), r.get("email", ""),
                      role, r.get("first_name", ""), r.get("last_name", ""), r.get("phone", ""),
                      language, kind, siren, int(terms) if terms else None,
                      r.get("address", ""))


def _invoice(line: int, r: dict[str, str]) -> InvoiceRow:
    for column in ("number", "customer_ref"):
        if not r.get(column):
            raise ValueError(f"{column}: missing")
    issued = _field(parse_date, r, "issue_date")
    due = _field(parse_date, r, "due_date")
    if due < issued:
        raise ValueError(f"due_date: {due} is before issue_date {issued}")
    amount = _field(parse_amount, r, "amount")
    if amount <= 0:
        raise ValueError(f"amount: must be positive, got {r['amount']!r}")
    currency = (r.get("currency") or "EUR").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValueError(f"currency: expected an ISO code like EUR, got {currency!r}")
    return InvoiceRow(line, r["number"], r["customer_ref"], r.get("customer_name", ""), issued,
                      due, amount, currency, r.get("pdf_path", ""))


def _field(convert, r: dict[str, str], column: str):
    try:
        return convert(r.get(column, ""))
    except ValueError as exc:
        raise ValueError(f"{column}: {exc}") from None


def _parse(data: bytes, required: tuple[str, ...], build, name: str):
    records, errors = [], []
    for line, row in read_rows(data, required, name):
        try:
            records.append(build(line, row))
        except ValueError as exc:
            column, _, message = str(exc).partition(": ")
            errors.append(RowError(line, message or column, column if message else None))
    return records, errors


def parse_contacts(data: bytes, name: str = "contacts") -> tuple[list[ContactRow], list[RowError]]:
    return _parse(data, ("customer_ref",), _contact, name)


def parse_invoices(data: bytes, name: str = "invoices") -> tuple[list[InvoiceRow], list[RowError]]:
    return _parse(data, ("number", "customer_ref", "issue_date", "due_date", "amount"),
                  _invoice, name)
