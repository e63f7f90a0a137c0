"""French CFONB "relevé de compte" in 120-character records.

Source: CFONB, "Relevé de compte sur support informatique" (brochure, July 2004) and
"Évolutions du relevé de compte 120 caractères pour les opérations de virement"
(August 2007, the SEPA complement qualifiers). Positions below are 1-based, inclusive.

Common to every record::

    1-2    record code: 01 old balance, 04 movement, 05 complement, 07 new balance
    3-7    bank code              12-16  branch (guichet) code
    17-19  ISO currency code      20     number of decimals of the amounts
    22-32  account number

01 / 07, old / new balance::

    35-40  balance date DDMMYY    91-104 balance (signed amount, below)

04, movement::

    8-11   bank's internal operation code
    33-34  interbank operation code   35-40  booking date DDMMYY
    41-42  rejection reason           43-48  value date DDMMYY
    49-79  label                      82-88  entry number
    89     commission exemption       90     unavailability indicator
    91-104 amount (signed amount)     105-120 reference

05, complement to the movement just before it::

    46-48  qualifier                  49-118 information (70 characters)

Qualifiers read: LIB free label, LCC/LC2 unstructured remittance, LCS structured
remittance (creditor reference), NPY payer name, NBE beneficiary name, RCN client
reference (1-35, the end-to-end id) and purpose (36-70), REF operation reference.
Others are kept out of the line but do not stop the reading.

Signed amount: 14 digits whose last character carries the last digit and the sign,
``{`` = +0, ``A``…``I`` = +1…+9, ``}`` = −0, ``J``…``R`` = −1…−9 (the COBOL "overpunch").
The decimal count of position 20 places the point: ``0000000001904}`` with 2 decimals
is −190.40.

A file may hold several accounts, each 01 … 07; blank lines and mixed LF/CRLF occur,
and some banks write the records without line breaks. Records are grouped in order: a
movement belongs to the statement opened by the last 01.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from relance.formats import RowError
from relance.formats.bank import (
    BankLine,
    BankStatement,
    assign_keys,
    balance_error,
    check_size,
    decode_text,
)
from relance.formats.bank.problems import Problem, as_row_error, unreadable

RECORD_LENGTH = 120
_OVERPUNCH = {"{": (1, 0), "}": (-1, 0)}
_OVERPUNCH.update({chr(ord("A") + n): (1, n + 1) for n in range(9)})
_OVERPUNCH.update({chr(ord("J") + n): (-1, n + 1) for n in range(9)})
_REMITTANCE = ("LIB", "LCC", "LC2")


def signed_amount(text: str, decimals: int) -> Decimal:
    """The amount of a CFONB signed field.

    >>> signed_amount("0000000000322J", 2)
    Decimal('-32.21')
    >>> signed_amount("0000000000974I", 2)
    Decimal('97.49')
    """
    digits, last = text[:-1].replace(" ", "0"), text[-1:]
    if last not in _OVERPUNCH or not digits.isdigit():
        raise Problem("not_an_amount", text=text)
    sign, unit = _OVERPUNCH[last]
    return sign * Decimal(f"{digits}{unit}").scaleb(-decimals)


@dataclass
class _Open:
    """A statement being read: its 01 record, movements so far, last movement's line."""

    account: str
    currency: str
    opening: Decimal
    opening_date: date | None
    lines: list[BankLine] = field(default_factory=list)


def parse(data: bytes) -> tuple[list[BankStatement], list[RowError]]:
    """Statements of a CFONB 120 file; see the module docstring."""
    check_size(data, "CFONB 120")
    records = _records(decode_text(data, "CFONB 120"))
    statements: list[BankStatement] = []
    errors: list[RowError] = []
    current: _Open | None = None
    for number, record in records:
        try:
            current = _read(record, number, current, statements, errors)
        except ValueError as exc:
            errors.append(as_row_error(exc, number, f"record {record[:2]}"))
    if current is not None:  # a statement never closed: the file was cut short
        raise unreadable("statement_cut", "CFONB 120", account=current.account,
                         record="07")
    return assign_keys(statements), errors


def _records(text: str) -> list[tuple[int, str]]:
    lines = text.splitlines()
    if len(lines) == 1 and len(lines[0]) > RECORD_LENGTH:
        # One long line: the records were written without separators.
        flat = lines[0]
        lines = [flat[i:i + RECORD_LENGTH] for i in range(0, len(flat), RECORD_LENGTH)]
    records = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not records or records[0][1][:2] not in ("01", "04"):
        raise unreadable("no_first_record", "CFONB 120")
    if not any(len(line.rstrip()) >= 104 for _, line in records):
        raise unreadable("records_too_short", "CFONB 120")
    return records


def _read(record: str, number: int, current: _Open | None,
          statements: list[BankStatement], errors: list[RowError]) -> _Open | None:
    if len(record) > RECORD_LENGTH:
        raise Problem("record_too_long", length=RECORD_LENGTH)
    record = record.ljust(RECORD_LENGTH)  # some tools trim trailing spaces
    code = record[:2]
    if code == "01":
        if current is not None:
            raise unreadable("statement_cut", "CFONB 120", account=current.account,
                             record="07")
        return _opening(record)
    if code not in ("04", "05", "07"):
        raise Problem("unknown_record", record=code)
    if current is None:
        raise Problem("record_outside_statement", record=code)
    _same_account(record, current)
    if code == "04":
        current.lines.append(_movement(record, number))
    elif code == "05":
        _complement(record, current)
    else:
        statement = _close(current, _amount(record, 90, 104), _date(record[34:40]))
        mismatch = balance_error(statement, number)
        errors.extend([mismatch] if mismatch else [])
        statements.append(statement)
        return None
    return current


def _opening(record: str) -> _Open:
    return _Open(_account(record), record[16:19], _amount(record, 90, 104),
                 _date(record[34:40]))


def _close(current: _Open, closing: Decimal | None, closing_date: date | None,
           ) -> BankStatement:
    return BankStatement(current.account, current.currency, current.opening,
                         current.opening_date, closing, closing_date, tuple(current.lines))


def _account(record: str) -> str:
    """Bank code, branch code and account number, as on a French RIB (without the key)."""
    return f"{record[2:7]} {record[11:16]} {record[21:32]}"


def _same_account(record: str, current: _Open) -> None:
    # The account number is what identifies the account; sample files show bank codes
    # that differ between the 01 and the records that follow it.
    if not record[21:32].strip():  # a line cut before its account number
        raise Problem("record_cut", record=record[:2], length=len(record.rstrip()))
    if record[21:32] != current.account[-11:]:
        raise Problem("other_account", found=record[21:32], account=current.account)


def _movement(record: str, number: int) -> BankLine:
    label, reference, entry = record[48:79].strip(), record[104:120].strip(), record[81:88]
    return BankLine(
        booking_date=_date(record[34:40]) or _no_booking_date(),
        value_date=_date(record[42:48]),
        amount=_amount(record, 90, 104),
        currency=record[16:19],
        remittance=label,
        bank_reference=reference or (entry.strip() if entry.strip("0 ") else ""),
        line=number)


def _complement(record: str, current: _Open) -> None:
    if not current.lines:
        raise Problem("complement_alone")
    qualifier, info = record[45:48], record[48:118]
    last = current.lines[-1]
    current.lines[-1] = _enrich(last, qualifier, info)


def _enrich(line: BankLine, qualifier: str, info: str) -> BankLine:
    text = " ".join(info.split())
    if not text:
        return line
    if qualifier in _REMITTANCE:
        return replace(line, remittance=f"{line.remittance} {text}".strip())
    if qualifier == "LCS":
        return replace(line, structured_reference=text)
    if qualifier in ("NPY", "NBE"):
        # The payer names a credit, the beneficiary a debit; either beats no name at all.
        fits = (qualifier == "NPY") == (line.amount >= 0)
        if fits or not line.counterparty_name:
            return replace(line, counterparty_name=text)
        return line
    if qualifier == "RCN":
        return replace(line, end_to_end_id=" ".join(info[:35].split()))
    if qualifier == "REF":
        return replace(line, bank_reference=text)
    return line


def _amount(record: str, start: int, end: int) -> Decimal:
    decimals = record[19]
    if not decimals.isdigit():
        raise Problem("bad_decimals", text=decimals)
    return signed_amount(record[start:end], int(decimals))


def _date(text: str) -> date | None:
    if not text.strip() or text == "000000":
        return None
    try:
        # DDMMYY; %y puts 00-68 in the 2000s, which covers every statement we will read.
        return datetime.strptime(text, "%d%m%y").date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise Problem("not_a_date", text=text, format="%d%m%y") from None


def _no_booking_date() -> date:
    raise Problem("missing_booking_date")
