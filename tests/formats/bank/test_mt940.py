"""MT940: samples against raw :61:/:60:/:62: fields, German ?-subfields, marks and dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from relance.errors import FormatError
from relance.formats.bank import mt940

SAMPLES = ["abnamro.sta", "ing.sta", "sepa_snippet.sta", "mt940.sta"]


def _amount(mark: str, text: str) -> Decimal:
    value = Decimal(text.replace(",", ".").rstrip(".") or "0")
    return value if mark in ("C", "RD") else -value


def expected_from_raw(raw: bytes) -> list[dict]:
    """Per :20: block: line count and total from :61:, and the :60:/:62: balances."""
    blocks = []
    for block in re.split(r"^:20:", raw.decode("utf-8"), flags=re.MULTILINE)[1:]:
        lines = re.findall(r"^:61:\d{6}(?:\d{4})?(R?[CD])[A-Z]?(\d+,\d*)", block, re.MULTILINE)
        opening = re.search(r"^:60[FM]:([CD])\d{6}[A-Z]{3}([\d,]+)", block, re.MULTILINE)
        closing = re.search(r"^:62[FM]:([CD])\d{6}[A-Z]{3}([\d,]+)", block, re.MULTILINE)
        blocks.append({"count": len(lines),
                       "total": sum((_amount(m, a) for m, a in lines), Decimal(0)),
                       "opening": _amount(*opening.groups()),
                       "closing": _amount(*closing.groups())})
    return blocks


@pytest.mark.samples
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_statements_match_raw_fields(samples, name):
    raw = (samples / "mt940" / name).read_bytes()
    expected = expected_from_raw(raw)

    statements, errors = mt940.parse(raw)

    assert len(statements) == len(expected)
    unbalanced = 0
    for statement, block in zip(statements, expected, strict=True):
        assert len(statement.lines) == block["count"]
        assert sum((line.amount for line in statement.lines), Decimal(0)) == block["total"]
        assert statement.opening_balance == block["opening"]
        assert statement.closing_balance == block["closing"]
        unbalanced += block["opening"] + block["total"] != block["closing"]
    assert [e.field for e in errors] == ["closing_balance"] * unbalanced


@pytest.mark.samples
def test_sample_files_that_do_not_balance(samples):
    # Worked out by hand from the files: these test statements are not consistent.
    counts = {name: len(mt940.parse((samples / "mt940" / name).read_bytes())[1])
              for name in SAMPLES}

    assert counts == {"abnamro.sta": 2, "ing.sta": 1, "sepa_snippet.sta": 1, "mt940.sta": 0}


@pytest.mark.samples
def test_sample_german_sepa_subfields(samples):
    statements, _ = mt940.parse((samples / "mt940" / "sepa_snippet.sta").read_bytes())

    first = statements[0].lines[0]
    assert first.amount == Decimal("50990.05")
    assert first.counterparty_name == "KARL KAUFMANN"
    assert first.counterparty_iban == "DE14508800500194785000"
    assert first.end_to_end_id == "EndToEndId TFNR 22 004 00001"
    assert "SVWZ+Verw CTSc-01 BC-PPP TFNr 22 004" in first.remittance
    assert first.bank_reference == "0724710333343453"
    assert (first.value_date, first.booking_date) == (date(2007, 9, 7), date(2007, 9, 4))
    name_over_two_subfields = statements[1].lines[3].counterparty_name
    assert name_over_two_subfields == "Richter Renate 70 Zeichen Beginn Fuellzeichen xxxxxxxx"


@pytest.mark.samples
def test_sample_information_after_closing_balance_is_not_a_line(samples):
    statements, _ = mt940.parse((samples / "mt940" / "ing.sta").read_bytes())

    assert "D000004C000002" not in statements[0].lines[-1].remittance


HAND_BUILT = """{1:F01BNPAFRPPXXX0000000000}{2:I940BNPAFRPPXXXXN}{4:
:20:STMT-2024-01
:25:FR7630004001230001234567890
:28C:1/1
:60F:C231228EUR1000,00
:61:2312290102C250,NTRFNONREF//BQ-1
:86:166?00VIREMENT?20FACTURE F2023-099?21 ET F2023-100?32SARL DU?33PONT?31FR76300040012300
09876543210
:61:2401020102RC20,00NMSCNONREF//BQ-2
:86:annulation credit
:61:2401020102RD5,5NCHGNONREF//BQ-3
:62F:C240102EUR1235,5
-}"""


def test_hand_built_marks_year_change_and_swift_envelope():
    statements, errors = mt940.parse(HAND_BUILT.encode("ascii"))

    assert errors == []
    transfer, reversal_of_credit, reversal_of_debit = statements[0].lines
    assert transfer.amount == Decimal("250.00")
    assert (transfer.value_date, transfer.booking_date) == (date(2023, 12, 29), date(2024, 1, 2))
    assert transfer.remittance == "FACTURE F2023-099 ET F2023-100"
    assert transfer.counterparty_name == "SARL DUPONT"
    assert transfer.counterparty_iban == "FR7630004001230009876543210"
    assert reversal_of_credit.amount == Decimal("-20.00")
    assert reversal_of_credit.remittance == "annulation credit"
    assert reversal_of_debit.amount == Decimal("5.50")
    assert statements[0].account == "FR7630004001230001234567890"


@pytest.mark.parametrize(("cut", "record"), [
    (HAND_BUILT[:HAND_BUILT.index(":86:annulation") + 8], ":62F:"),
    (HAND_BUILT.replace(":60F:C231228EUR1000,00\n", ""), ":60F:")],
    ids=["cut inside the text of a line", "without its opening balance"])
def test_a_statement_cut_short_is_refused_whole(cut, record):
    with pytest.raises(FormatError) as refused:
        mt940.parse(cut.encode("ascii"))
    assert (refused.value.code, refused.value.params["record"]) == ("statement_cut", record)


def test_statement_line_that_cannot_be_read_is_reported():
    text = HAND_BUILT.replace(":61:2401020102RD5,5", ":61:24010X0102RD5,5")

    statements, errors = mt940.parse(text.encode("ascii"))

    assert len(statements[0].lines) == 2
    assert [e.field for e in errors] == ["61", "closing_balance"]
