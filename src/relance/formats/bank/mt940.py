"""SWIFT MT940 customer statement messages.

Sources: SWIFT Standards MT, Category 9 "Cash Management", MT940; for field 86 the
German structure of the Deutsche Kreditwirtschaft (DFÜ-Abkommen, Anlage 3, "Format
MT940", with the SEPA keywords ``EREF+``, ``SVWZ+`` …).

Fields read, each starting a line with ``:tag:`` and running until the next tag::

    :20:  transaction reference     :25:  account (IBAN, or bank code/account)
    :28C: statement/sequence number
    :60F: opening balance (:60M: intermediate)   D/C mark, YYMMDD, currency, amount
    :61:  statement line            YYMMDD value date, [MMDD booking date], mark
                                    C, D, RC, RD, [funds code], amount, N+type code,
                                    customer reference [//bank reference],
                                    [newline supplementary details]
    :86:  information to the account owner, about the :61: just before it
    :62F: closing balance (:62M: intermediate)

Signs: ``C`` credit (+), ``D`` debit (−), ``RC`` reversal of a credit (−), ``RD`` reversal
of a debit (+). Amounts use a comma as decimal separator (``1125250,4``). Lines
before the first tag of a message (``ABNANL2A``, ``940``, SWIFT ``{1:…}`` blocks) and the
``-`` that ends a message are skipped; a new ``:20:`` starts a new statement.

German field 86 (``NNN?00…?20…``): lines are joined without separator (the bank cuts
them at 27 or 65 characters), then ``?20``–``?29`` and ``?60``–``?63`` form the
remittance, ``?32``–``?33`` the counterparty name and ``?31`` (or ``?38``) its IBAN;
``EREF+`` gives the end-to-end id. Any other field 86 is kept whole as the remittance.
"""

from __future__ import annotations

import re
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
from relance.formats.bank.problems import Problem, as_row_error, row_error, unreadable

_TAG = re.compile(r"^:(\d\d[A-Z]?):")
_END = re.compile(r"^-[A-Z0-9}]*\s*$")
_BALANCE = re.compile(r"^(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d[\d,]*)$")
_LINE = re.compile(
    r"^(?P<value>\d{6})(?P<booking>\d{4})?(?P<mark>R?[CD])(?P<funds>[A-Z])?"
    r"(?P<amount>\d[\d,]*)(?P<type>[NSF][A-Z0-9]{3})(?P<customer>[^\n]*?)"
    r"(?://(?P<bank>[^\n]*))?(?:\n(?P<details>.*))?$", re.DOTALL)
_SUBFIELD = re.compile(r"\?(\d\d)")
_SEPA_KEY = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|PURP|COAM|OAMT|SQTP)\+")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_SIGN = {"C": 1, "D": -1, "RC": -1, "RD": 1}


@dataclass
class _Field:
    tag: str
    text: str
    line: int


@dataclass
class _Open:
    """A statement being read."""

    line: int
    account: str = ""
    currency: str = ""
    opening: tuple[Decimal, date] | None = None
    closing: tuple[Decimal, date] | None = None
    lines: list[BankLine] = field(default_factory=list)


def parse(data: bytes) -> tuple[list[BankStatement], list[RowError]]:
    """Statements of an MT940 file; see the module docstring."""
    check_size(data, "MT940")
    fields = _fields(decode_text(data, "MT940"))
    if not any(f.tag == "20" for f in fields) or not any(f.tag == "25" for f in fields):
        raise unreadable("no_mt940_header", "MT940")
    statements: list[_Open] = []
    errors: list[RowError] = []
    previous = ""
    for item in fields:
        if item.tag == "20":
            statements.append(_Open(item.line))
        elif not statements:
            errors.append(row_error(item.line, "field_outside_statement", item.tag,
                                    tag=item.tag))
        else:
            try:
                _apply(item, statements[-1], previous)
            except ValueError as exc:
                errors.append(as_row_error(exc, item.line, item.tag))
        previous = item.tag
    return assign_keys(_finish(statements, errors)), errors


def _fields(text: str) -> list[_Field]:
    fields: list[_Field] = []
    inside = False
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _TAG.match(raw)
        if match:
            fields.append(_Field(match.group(1), raw[match.end():], number))
            inside = True
        elif _END.match(raw):
            inside = False
        elif inside and raw.strip():
            fields[-1].text += "\n" + raw
    return fields


def _apply(item: _Field, current: _Open, previous: str) -> None:
    tag, text = item.tag, item.text
    if tag == "25":
        current.account = text.strip()
    elif tag in ("60F", "60M"):
        current.opening, current.currency = _balance(text)
    elif tag in ("62F", "62M"):
        current.closing, current.currency = _balance(text)
    elif tag == "61":
        current.lines.append(_statement_line(text, item.line, current.currency))
    elif tag == "86" and previous == "61" and current.lines:
        current.lines[-1] = _with_information(current.lines[-1], text)


def _balance(text: str) -> tuple[tuple[Decimal, date], str]:
    match = _BALANCE.match(text.strip())
    if not match:
        raise Problem("not_a_balance", text=text.strip())
    amount = _amount(match["amount"]) * (1 if match["mark"] == "C" else -1)
    return (amount, _yymmdd(match["date"])), match["currency"]


def _statement_line(text: str, number: int, currency: str) -> BankLine:
    match = _LINE.match(text.strip(" \t\r"))
    if not match:
        raise Problem("not_a_statement_line", text=text.splitlines()[0].strip())
    value_date = _yymmdd(match["value"])
    booking = _booking_date(value_date, match["booking"])
    customer = match["customer"].strip()
    details = " ".join((match["details"] or "").split())
    return BankLine(
        booking_date=booking, value_date=value_date,
        amount=_SIGN[match["mark"]] * _amount(match["amount"]), currency=currency,
        remittance=details,
        bank_reference=(match["bank"] or "").strip() or ("" if customer == "NONREF" else customer),
        line=number)


def _booking_date(value_date: date, month_day: str | None) -> date:
    """The booking date MMDD, in the year that puts it nearest to the value date."""
    if not month_day:
        return value_date
    month, day = int(month_day[:2]), int(month_day[2:])
    candidates = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise Problem("not_a_date", text=month_day, format="%m%d")
    return min(candidates, key=lambda d: abs((d - value_date).days))


def _with_information(line: BankLine, text: str) -> BankLine:
    if _SUBFIELD.search(text) and re.match(r"^\s*\d{3}\?", text):
        return _with_german_fields(line, "".join(text.split("\n")))
    joined = " ".join(text.split())
    return replace(line, remittance=joined or line.remittance)


def _with_german_fields(line: BankLine, text: str) -> BankLine:
    parts = _SUBFIELD.split(text)
    subfields: dict[str, str] = {}
    for code, value in zip(parts[1::2], parts[2::2], strict=True):
        subfields[code] = subfields.get(code, "") + value
    free = "".join(subfields.get(f"{n}", "") for n in [*range(20, 30), *range(60, 64)])
    remittance = " ".join(free.split())
    # An IBAN has no spaces; the ones found come from padded line ends.
    candidates = ("".join(subfields.get(code, "").split()) for code in ("31", "38"))
    iban = next((value for value in candidates if _IBAN.match(value)), "")
    return replace(
        line, remittance=remittance or line.remittance,
        counterparty_name=" ".join((subfields.get("32", "") + subfields.get("33", "")).split()),
        counterparty_iban=iban, end_to_end_id=_sepa_value(remittance, "EREF"))


def _sepa_value(remittance: str, key: str) -> str:
    pieces = _SEPA_KEY.split(remittance)
    for name, value in zip(pieces[1::2], pieces[2::2], strict=True):
        if name == key:
            return value.strip()
    return ""


def _finish(statements: list[_Open], errors: list[RowError]) -> list[BankStatement]:
    result = []
    for current in statements:
        opening = current.opening or (None, None)
        closing = current.closing or (None, None)
        lines = tuple(replace(line, currency=line.currency or current.currency)
                      for line in current.lines)
        statement = BankStatement(current.account, current.currency, opening[0], opening[1],
                                  closing[0], closing[1], lines)
        for tag, balance in (("60F", current.opening), ("62F", current.closing)):
            if balance is None:  # a statement cut short, or the start of one missing
                raise unreadable("statement_cut", "MT940", account=current.account,
                                 record=f":{tag}:")
        mismatch = balance_error(statement, current.line)
        errors.extend([mismatch] if mismatch else [])
        result.append(statement)
    return result


def _amount(text: str) -> Decimal:
    whole, _, cents = text.partition(",")
    if not whole.isdigit() or (cents and not cents.isdigit()) or "," in cents:
        raise Problem("not_an_amount", text=text)
    return Decimal(f"{whole}.{cents:0<2}")


def _yymmdd(text: str) -> date:
    try:
        # YYMMDD; %y puts 00-68 in the 2000s, the same rule as the CFONB reader.
        return datetime.strptime(text, "%y%m%d").date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise Problem("not_a_date", text=text, format="%y%m%d") from None
