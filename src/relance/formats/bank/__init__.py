"""Bank statements: the records every statement reader returns, and format detection.

Every reader in this package has the same contract,
``parse(data: bytes) -> (list[BankStatement], list[RowError])``:

* ``camt``      ISO 20022 camt.052 / camt.053 / camt.054 (XML)
* ``cfonb120``  French CFONB "relevé de compte" in 120-character records
* ``ofx``       Open Financial Exchange 1.x (SGML) and 2.x (XML)
* ``mt940``     SWIFT MT940 customer statement
* ``csvbank``   a bank's CSV export read through a saved :class:`CsvMapping`

Signs follow the account holder: a positive ``amount`` is money received (a credit on
our account), a negative one money paid out.

Idempotent re-import: :func:`assign_keys` gives every line a ``key``, the first 32 hex
digits of ``sha256("account|booking date|amount|currency|bank reference|n")`` where
``n`` counts the earlier lines of the same file with the same five values. A line
without a bank reference (CSV exports, CFONB) is told apart by its label and payer
instead: ``bank reference`` is then ``"label|payer"`` (two payers sending the same amount
the same day are two lines, whichever export shows them first). The same file imported
twice gives the same keys; two genuinely identical movements on one day (two card
withdrawals of the same amount) still get two keys.

When a statement gives an opening and a closing balance, :func:`balance_error` checks
``opening + sum(lines) == closing`` and reports a difference as a warning
:class:`RowError` rather than accepting the file silently: the lines are imported, and
a person checks the statement.

Row problems carry a code and their values (``relance.formats.bank.problems``) so
that they can be worded in the user's language.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from stdnum import iban as stdnum_iban

from relance.errors import FormatError
from relance.formats import RowError
from relance.formats.bank.problems import named, row_error, unreadable

if TYPE_CHECKING:
    from relance.formats.bank.csvbank import CsvMapping

#: Larger files are refused before parsing: a month of statements is far below this.
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class BankLine:
    """One movement on the account, as the bank booked it."""

    booking_date: date
    value_date: date | None
    amount: Decimal
    currency: str
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""
    structured_reference: str = ""
    end_to_end_id: str = ""
    bank_reference: str = ""
    line: int | None = None
    key: str = ""


@dataclass(frozen=True, slots=True)
class BankStatement:
    """The movements of one account over one period, with its balances when given."""

    account: str
    currency: str
    opening_balance: Decimal | None
    opening_date: date | None
    closing_balance: Decimal | None
    closing_date: date | None
    lines: tuple[BankLine, ...]


Parser = Callable[[bytes], tuple[list[BankStatement], list[RowError]]]


def line_key(account: str, line: BankLine, occurrence: int) -> str:
    """The stable identity of ``line`` (see the module docstring)."""
    amount = format(line.amount.normalize(), "f")
    text = "|".join((account, line.booking_date.isoformat(), amount, line.currency,
                     _reference(line), str(occurrence)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _reference(line: BankLine) -> str:
    """What tells a line apart from another of the same day and amount: the bank's own
    reference, else what the line says (label and payer)."""
    if line.bank_reference:
        return line.bank_reference
    return f"{line.remittance}|{line.counterparty_name}"


def assign_keys(statements: Iterable[BankStatement]) -> list[BankStatement]:
    """The statements with every line's ``key`` filled, occurrences counted per file."""
    seen: Counter[tuple[str, date, Decimal, str, str]] = Counter()
    result = []
    for statement in statements:
        lines = []
        for line in statement.lines:
            identity = (statement.account, line.booking_date, line.amount, line.currency,
                        _reference(line))
            lines.append(replace(line, key=line_key(statement.account, line, seen[identity])))
            seen[identity] += 1
        result.append(replace(statement, lines=tuple(lines)))
    return result


def balance_error(statement: BankStatement, line: int | None) -> RowError | None:
    """A warning when opening balance plus movements differ from the closing one."""
    if statement.opening_balance is None or statement.closing_balance is None:
        return None
    movements = sum((item.amount for item in statement.lines), Decimal(0))
    expected = statement.opening_balance + movements
    if expected == statement.closing_balance:
        return None
    return row_error(line, "balance_mismatch", "closing_balance", account=statement.account,
                     currency=statement.currency, opening=statement.opening_balance,
                     movements=movements, expected=expected, closing=statement.closing_balance)


def check_size(data: bytes, what: str) -> None:
    """Refuse a file over :data:`MAX_BYTES` or an empty one before any parsing."""
    if not data.strip():
        raise unreadable("empty_file", what)
    if len(data) > MAX_BYTES:
        raise unreadable("too_large", what, megabytes=MAX_BYTES // 2**20)


def decode_text(data: bytes, what: str, fallback: str = "cp1252") -> str:
    """Text of a flat file: UTF-8 (with or without BOM), else the bank's legacy code page.

    French and German banks still write Latin-1/Windows-1252; random binary fails both
    and is refused.
    """
    for encoding in ("utf-8-sig", fallback):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise unreadable("not_text", what, encoding=fallback)


def detect(data: bytes) -> str | None:
    """The name of the reader whose format ``data`` looks like, or ``None``."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"OFXHEADER" in head[:1024] or b"<OFX>" in head.upper():
        return "ofx"
    if head.startswith(b"<") and (b"camt.05" in head or b"BkToCstmr" in head):
        return "camt"
    if _looks_like_mt940(head):
        return "mt940"
    if _looks_like_cfonb(head):
        return "cfonb120"
    return None


def _looks_like_mt940(head: bytes) -> bool:
    lines = [line.strip() for line in head.splitlines()]
    return any(line.startswith(b":20:") for line in lines) and any(
        line.startswith(b":25:") for line in lines)


def _looks_like_cfonb(head: bytes) -> bool:
    first = next((line.rstrip(b"\r") for line in head.splitlines() if line.strip()), b"")
    fits = len(first) == 120 or (len(first) > 120 and len(first) % 120 == 0)
    return fits and first[:2] in (b"01", b"04")


def detect_and_parse(data: bytes, filename: str = "",
                     csv_mapping: CsvMapping | None = None,
                     ) -> tuple[list[BankStatement], list[RowError]]:
    """Read a bank statement of any supported format, chosen by its content.

    A CSV has no recognisable shape: it is read only when ``csv_mapping`` is given and
    no other format fits. Raises :class:`FormatError` naming ``filename`` otherwise.
    """
    name = filename or "bank statement"
    reader = _reader(detect(data), csv_mapping)
    if reader is None:
        raise unreadable("not_a_bank_statement", name)
    try:
        return reader(data)
    except FormatError as exc:
        raise named(exc, name) from exc


def _reader(kind: str | None, csv_mapping: CsvMapping | None) -> Parser | None:
    # Imported here: the readers import the records above from this package.
    from relance.formats.bank import camt, cfonb120, csvbank, mt940, ofx

    readers: dict[str, Parser] = {"camt": camt.parse, "cfonb120": cfonb120.parse,
                                  "ofx": ofx.parse, "mt940": mt940.parse}
    if kind is not None:
        return readers[kind]
    if csv_mapping is not None:
        return csvbank.make_parser(csv_mapping)
    return None


def same_account(account: str, iban: str) -> bool | None:
    """Whether a statement's ``account`` is the account ``iban``; ``None`` when they
    cannot be compared (no IBAN given, an account number of another shape).

    camt, OFX and most MT940 name the account by its IBAN; CFONB 120 by its French
    bank, branch and account numbers (RIB without its key), which are characters 5 to
    25 of a French IBAN (ISO 13616, the French BBAN: 5 + 5 + 11 + a 2-digit key).
    """
    account, iban = stdnum_iban.compact(account), stdnum_iban.compact(iban)
    if not account or not iban:
        return None
    if stdnum_iban.is_valid(account):
        return account == iban
    if iban.startswith("FR") and re.fullmatch(r"\d{10}[0-9A-Z]{11}", account):
        return iban[4:25] == account
    return None
