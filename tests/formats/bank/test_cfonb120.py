"""CFONB 120: sample statements, the signed-amount characters, complements and layouts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.errors import FormatError
from relance.formats.bank import cfonb120

SAMPLES = ["example.txt", "test_cfonb.txt"]

# The last character of a CFONB amount, written out by hand from the brochure's table.
LAST_CHARACTER = {"{": "+0", "A": "+1", "B": "+2", "C": "+3", "D": "+4", "E": "+5",
                  "F": "+6", "G": "+7", "H": "+8", "I": "+9",
                  "}": "-0", "J": "-1", "K": "-2", "L": "-3", "M": "-4", "N": "-5",
                  "O": "-6", "P": "-7", "Q": "-8", "R": "-9"}


def raw_amount(record: str, start: int = 90) -> Decimal:
    field, decimals = record[start:start + 14], int(record[19])
    sign_digit = LAST_CHARACTER[field[-1]]
    value = Decimal(field[:-1].replace(" ", "0") + sign_digit[1]).scaleb(-decimals)
    return -value if sign_digit[0] == "-" else value


def expected_from_raw(raw: bytes) -> list[dict]:
    """Per 01 … 07 block: opening, closing, movement count and total, by slicing records."""
    blocks: list[dict] = []
    for record in raw.decode("ascii").splitlines():
        if record[:2] == "01":
            blocks.append({"opening": raw_amount(record), "count": 0, "total": Decimal(0)})
        elif record[:2] == "04":
            blocks[-1]["count"] += 1
            blocks[-1]["total"] += raw_amount(record)
        elif record[:2] == "07":
            blocks[-1]["closing"] = raw_amount(record)
    return blocks


@pytest.mark.samples
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_statements_match_raw_records(samples, name):
    raw = (samples / "cfonb120" / name).read_bytes()
    expected = expected_from_raw(raw)

    statements, errors = cfonb120.parse(raw)

    assert errors == []
    assert len(statements) == len(expected) == 2
    for statement, block in zip(statements, expected, strict=True):
        assert len(statement.lines) == block["count"]
        assert sum((line.amount for line in statement.lines), Decimal(0)) == block["total"]
        assert statement.opening_balance == block["opening"]
        assert statement.closing_balance == block["closing"]
        assert block["opening"] + block["total"] == block["closing"]


@pytest.mark.samples
def test_sample_complements_fill_name_reference_and_remittance(samples):
    statements, _ = cfonb120.parse((samples / "cfonb120" / "example.txt").read_bytes())

    first, second, _ = statements[0].lines
    assert first.amount == Decimal("-32.21")
    assert first.remittance.startswith("PRLV SEPA TEST CABINET MENSUEAUHTR13133")
    assert first.bank_reference == "REFERENCE"
    assert first.end_to_end_id == "OTHER REFERENCE"
    assert first.counterparty_name == "INTERNET SFR"
    assert second.counterparty_name == "ELEC ERDF"
    assert statements[0].account == "15589 00000 98765432100"
    assert statements[0].opening_date == date(2019, 5, 15)


@pytest.mark.samples
def test_sample_identical_withdrawals_get_distinct_keys(samples):
    statements, _ = cfonb120.parse((samples / "cfonb120" / "test_cfonb.txt").read_bytes())

    first, _, third, _ = statements[0].lines
    assert (first.amount, first.booking_date, first.bank_reference) == (
        third.amount, third.booking_date, third.bank_reference)
    assert first.key != third.key


@pytest.mark.parametrize(("character", "sign_digit"), sorted(LAST_CHARACTER.items()))
def test_every_signed_amount_character(character, sign_digit):
    sign = -1 if sign_digit[0] == "-" else 1
    expected = sign * (Decimal("123.40") + Decimal(sign_digit[1]) / 100)

    assert cfonb120.signed_amount("0000000001234" + character, 2) == expected


def test_signed_amount_uses_the_record_decimal_count():
    assert cfonb120.signed_amount("0000000001234}", 0) == Decimal("-12340")
    assert cfonb120.signed_amount("0000000001234A", 3) == Decimal("12.341")


def test_signed_amount_refuses_an_unsigned_field():
    with pytest.raises(ValueError):
        cfonb120.signed_amount("00000000012345", 2)


# Hand-built records: fields placed at their 1-based brochure positions.
COMMON = {3: "30004", 12: "00123", 17: "EUR", 20: "2", 22: "00012345678"}


def record(code: str, fields: dict[int, str]) -> str:
    chars = [" "] * 120
    for start, text in {1: code, **COMMON, **fields}.items():
        chars[start - 1:start - 1 + len(text)] = text
    return "".join(chars)


OPENING = record("01", {35: "010324", 91: "0000000010000{"})            # +1000.00
CREDIT = record("04", {35: "050324", 43: "060324", 49: "VIR SEPA BOULANGERIE MARTIN",
                       91: "0000000012050E"})                            # +1205.05
PAYER = record("05", {35: "050324", 46: "NPY", 49: "BOULANGERIE MARTIN"})
REFERENCE = record("05", {35: "050324", 46: "LCS", 49: "RF18539007547034"})
INVOICE = record("05", {35: "050324", 46: "LCC", 49: "FACTURE F2024-001"})
DEBIT = record("04", {35: "050324", 43: "050324", 49: "PRLV EDF", 91: "0000000002000}"})
CLOSING = record("07", {35: "050324", 91: "0000000020050E"})             # +2005.05


def test_hand_built_statement_with_complements():
    text = "\r\n".join([OPENING, CREDIT, PAYER, REFERENCE, INVOICE, "", DEBIT]) + "\n" + CLOSING

    statements, errors = cfonb120.parse(text.encode("ascii"))

    assert errors == []
    credit, debit = statements[0].lines
    assert credit.amount == Decimal("1205.05") and debit.amount == Decimal("-200.00")
    assert credit.counterparty_name == "BOULANGERIE MARTIN"
    assert credit.structured_reference == "RF18539007547034"
    assert credit.remittance == "VIR SEPA BOULANGERIE MARTIN FACTURE F2024-001"
    assert credit.value_date == date(2024, 3, 6)
    assert statements[0].closing_date == date(2024, 3, 5)


def test_records_without_line_breaks_read_the_same():
    flat = "".join([OPENING, CREDIT, DEBIT, CLOSING]).encode("ascii")

    statements, errors = cfonb120.parse(flat)

    assert errors == []
    assert [line.amount for line in statements[0].lines] == [Decimal("1205.05"),
                                                             Decimal("-200.00")]


def test_a_record_cut_before_its_account_number_says_so():
    text = "\n".join([OPENING, CREDIT, PAYER[:15], DEBIT, CLOSING]).encode("ascii")

    _, errors = cfonb120.parse(text)

    assert [(e.line, e.code, e.params) for e in errors] == [
        (3, "record_cut", {"record": "05", "length": "15"})]


def test_missing_movement_shows_as_a_balance_error():
    text = "\n".join([OPENING, CREDIT, CLOSING]).encode("ascii")

    _, errors = cfonb120.parse(text)

    assert [e.field for e in errors] == ["closing_balance"]
    assert errors[0].line == 3


@pytest.mark.parametrize("records", [[OPENING, CREDIT], [OPENING, CREDIT, OPENING, CREDIT]],
                         ids=["at the end", "before the next statement"])
def test_a_statement_without_its_closing_record_is_refused_whole(records):
    # A file cut short: importing its lines, then the complete file, would book the
    # movements twice (the complement records that key them may be cut off too).
    with pytest.raises(FormatError) as refused:
        cfonb120.parse("\n".join(records).encode("ascii"))
    assert (refused.value.code, refused.value.params["record"]) == ("statement_cut", "07")
