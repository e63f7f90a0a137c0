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
payment_terms_days no        days from invoice date to due date, 0 to 60 (L441-10)
================== ========= ==================================================

Invoices: ``number``, ``customer_ref``, ``issue_date``, ``due_date``, ``amount``
(including VAT), optional ``currency`` (default EUR), ``customer_name``, ``pdf_path``.

A row that cannot be used becomes a :class:`RowError` naming its column, with a code
and its values (``relance.formats.problems``) so it is worded in the user's language.
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

from relance.core.money import invoice_amount_problem
from relance.core.terms import MAX_PAYMENT_TERMS_DAYS, payment_terms_problem
from relance.formats import RowError
from relance.formats.problems import Problem, as_row_error, unreadable

ROLES = ("accounts_payable", "business", "legal")
LANGUAGES = ("fr", "en")
KINDS = ("b2b", "b2c")
# The two date formats accepted, tried in this order; nothing else is guessed.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
_PLAIN = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


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
        raise unreadable("binary_file", name)
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
        raise unreadable("empty_file", name)
    first = text.splitlines()[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_key(h) for h in next(reader)]
        missing = [c for c in required if c not in header]
        if missing:
            raise unreadable("missing_columns", name, columns=", ".join(missing),
                             found=", ".join(header) or "–")
        rows = []
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((reader.line_num, dict(zip(header, (v.strip() for v in values),
                                                       strict=False))))
    except csv.Error as exc:  # a field over the csv module's 128 KiB, a stray NUL
        raise unreadable("unreadable_csv", name, line=reader.line_num, detail=exc) from None
    return rows


def parse_amount(text: str) -> Decimal:
    """``1 234,56`` or ``1234.56`` to ``Decimal('1234.56')``; refuses anything ambiguous,
    and what ``Decimal`` reads but no accounting export writes (``1e30``, ``NaN``)."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text)
    if "," in cleaned and "." in cleaned:
        raise Problem("ambiguous_amount", text=text)
    if not _PLAIN.fullmatch(cleaned):
        raise Problem("not_an_amount", text=text)
    try:
        amount = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise Problem("not_an_amount", text=text) from None
    if not amount.is_finite():
        raise Problem("not_an_amount", text=text)
    return amount


def parse_date(text: str) -> date:
    """A date in one of :data:`DATE_FORMATS`."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise Problem("not_a_date_in_formats", text=text, format=DATE_FORMATS[0],
                  other_format=DATE_FORMATS[1])


def _contact(line: int, r: dict[str, str]) -> ContactRow:
    _required(r, "customer_ref")
    role = _choice(r, "role", ROLES, r.get("role") or "accounts_payable")
    language = _choice(r, "language", LANGUAGES, (r.get("language") or "fr").lower())
    kind = _choice(r, "kind", KINDS, (r.get("kind") or "b2b").lower())
    siren = re.sub(r"\s", "", r.get("siren", ""))
    if siren and not siren_check.is_valid(siren):
        raise _problem("not_a_siren", "siren", text=siren)
    return ContactRow(line, r["customer_ref"], r.get("customer_name", ""), r.get("email", ""),
                      role, r.get("first_name", ""), r.get("last_name", ""), r.get("phone", ""),
                      language, kind, siren, _payment_terms(r), r.get("address", ""))


def _payment_terms(r: dict[str, str]) -> int | None:
    """The customer's payment terms in days, within what the settings page allows for the
    organization's (Code de commerce L441-10: 60 days at most); None when the cell is
    empty (the organization's terms apply)."""
    terms = r.get("payment_terms_days", "")
    if not terms:
        return None
    if not (terms.isascii() and terms.isdigit()):
        raise _problem("not_a_number_of_days", "payment_terms_days", text=terms)
    days = int(terms)
    if payment_terms_problem(days):
        raise _problem("payment_terms_over_limit", "payment_terms_days", text=days,
                       limit=MAX_PAYMENT_TERMS_DAYS)
    return days


def _invoice(line: int, r: dict[str, str]) -> InvoiceRow:
    for column in ("number", "customer_ref"):
        _required(r, column)
    issued = _field(parse_date, r, "issue_date")
    due = _field(parse_date, r, "due_date")
    if due < issued:
        raise _problem("due_before_issue", "due_date", due_date=due, issue_date=issued)
    amount = _field(parse_amount, r, "amount")
    if amount <= 0:
        raise _problem("not_positive", "amount", text=r["amount"])
    currency = (r.get("currency") or "EUR").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise _problem("not_a_currency", "currency", text=currency)
    problem = invoice_amount_problem(amount, currency)
    if problem:
        raise _problem(problem, "amount", text=r["amount"], value=amount, currency=currency)
    return InvoiceRow(line, r["number"], r["customer_ref"], r.get("customer_name", ""), issued,
                      due, amount, currency, r.get("pdf_path", ""))


def _problem(code: str, column: str, **params: object) -> Problem:
    """Problem ``code`` in ``column``: the column is both the field and, for the wording,
    the header the person reads in the file."""
    return Problem(code, column, column=column, **params)


def _required(r: dict[str, str], column: str) -> str:
    if not r.get(column):
        raise _problem("missing_value", column)
    return r[column]


def _choice(r: dict[str, str], column: str, choices: tuple[str, ...], value: str) -> str:
    if value not in choices:
        raise _problem("not_a_choice", column, text=value, choices=", ".join(choices))
    return value


def _field(convert, r: dict[str, str], column: str):
    """``convert`` of the value in ``column``; an empty cell is missing, not malformed."""
    text = _required(r, column)
    try:
        return convert(text)
    except Problem as exc:
        raise _problem(exc.code, column, **exc.params) from None


def _parse(data: bytes, required: tuple[str, ...], build, name: str):
    records, errors = [], []
    for line, row in read_rows(data, required, name):
        try:
            records.append(build(line, row))
        except ValueError as exc:  # a Problem, or an unforeseen value: reported by its text
            errors.append(as_row_error(exc, line))
    return records, errors


def parse_contacts(data: bytes, name: str = "contacts") -> tuple[list[ContactRow], list[RowError]]:
    return _parse(data, ("customer_ref",), _contact, name)


def parse_invoices(data: bytes, name: str = "invoices") -> tuple[list[InvoiceRow], list[RowError]]:
    return _parse(data, ("number", "customer_ref", "issue_date", "due_date", "amount"),
                  _invoice, name)
