"""OFX 1.x (SGML) and 2.x (XML): samples against raw tags, and a French cp1252 export."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from relance.errors import FormatError
from relance.formats.bank import ofx

SAMPLES = ["checking.ofx", "bank_medium.ofx", "suncorp.ofx", "test_ofx.ofx"]


def expected_from_raw(raw: bytes) -> dict:
    text = raw.decode("ascii")
    amounts = [Decimal(a) for a in re.findall(r"<TRNAMT>\s*([-+0-9.]+)", text)]
    ledgers = [Decimal(b) for b in re.findall(r"<LEDGERBAL>\s*<BALAMT>\s*([-+0-9.]+)", text)]
    return {"count": len(amounts), "total": sum(amounts, Decimal(0)), "ledgers": ledgers,
            "statements": len(re.findall(r"<(?:CC)?STMTRS>", text))}


@pytest.mark.samples
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_matches_raw_tags(samples, name):
    raw = (samples / "ofx" / name).read_bytes()
    expected = expected_from_raw(raw)

    statements, errors = ofx.parse(raw)

    assert errors == []
    assert len(statements) == expected["statements"]
    lines = [line for statement in statements for line in statement.lines]
    assert len(lines) == expected["count"]
    assert sum((line.amount for line in lines), Decimal(0)) == expected["total"]
    assert [s.closing_balance for s in statements] == expected["ledgers"]
    assert all(s.opening_balance is None for s in statements)


@pytest.mark.samples
def test_sample_with_several_transaction_lists_keeps_them_in_one_statement(samples):
    statements, _ = ofx.parse((samples / "ofx" / "test_ofx.ofx").read_bytes())

    bank, card = statements
    assert [line.counterparty_name for line in bank.lines] == [
        "Agrolait", "China Export", "Axelor Scuba", "China Scuba"]
    assert (bank.account, bank.currency, card.account, card.lines) == (
        "123456", "USD", "123412341234", ())


@pytest.mark.samples
def test_sample_sgml_on_one_line_reads_unclosed_values(samples):
    statements, _ = ofx.parse((samples / "ofx" / "bank_medium.ofx").read_bytes())

    first = statements[0].lines[0]
    assert first.counterparty_name == "MCDONALD'S #112"
    assert first.remittance == "POS MERCHANDISE;MCDONALD'S #112"
    assert first.bank_reference == "0000123456782009040100001"
    assert first.booking_date == date(2009, 4, 1)


FRENCH_SGML = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
    "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
    "<DTSERVER>20240331<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1>"
    "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
    "<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30004<BRANCHID>00123"
    "<ACCTID>00012345678<ACCTTYPE>CHECKING</BANKACCTFROM>\r\n"
    "<BANKTRANLIST><DTSTART>20240301<DTEND>20240331\r\n"
    "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240305<DTAVAIL>20240306<TRNAMT>1250,50"
    "<FITID>F-001<NAME>Société Générale &amp; Cie<MEMO>VIR FACTURE F-2024-017 — reçu"
    "</STMTTRN>\r\n"
    "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240307120000.000[+1:CET]<TRNAMT>-80.00"
    "<FITID>F-002<NAME>Crédit Agricole</STMTTRN>\r\n"
    "</BANKTRANLIST><LEDGERBAL><BALAMT>3170.50<DTASOF>20240331</LEDGERBAL>"
    "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n")


def test_french_sgml_in_cp1252_with_accents_and_comma_amount():
    statements, errors = ofx.parse(FRENCH_SGML.encode("cp1252"))

    assert errors == []
    credit, debit = statements[0].lines
    assert credit.counterparty_name == "Société Générale & Cie"
    assert credit.remittance == "VIR FACTURE F-2024-017 — reçu"
    assert credit.amount == Decimal("1250.50")
    assert credit.value_date == date(2024, 3, 6)
    assert debit.counterparty_name == "Crédit Agricole"
    assert debit.booking_date == date(2024, 3, 7)
    assert statements[0].closing_balance == Decimal("3170.50")
    assert statements[0].account == "00012345678"


def test_xml_version_in_utf8_with_cdata():
    body = FRENCH_SGML.split("\r\n\r\n", 1)[1]
    xml = ('<?xml version="1.0" encoding="UTF-8"?><?OFX OFXHEADER="200" VERSION="211"?>'
           + body.replace("<NAME>Crédit Agricole", "<NAME><![CDATA[Crédit <Agricole>]]></NAME>"))

    statements, _ = ofx.parse(xml.encode("utf-8"))

    assert statements[0].lines[1].counterparty_name == "Crédit <Agricole>"
    assert statements[0].lines[0].counterparty_name == "Société Générale & Cie"


def test_stray_closing_tag_is_refused():
    with pytest.raises(FormatError, match="closes nothing"):
        ofx.parse(FRENCH_SGML.replace("</BANKTRANLIST>", "</BANKTRANLIST></FOO>").encode())


def test_bad_amount_is_a_row_error():
    statements, errors = ofx.parse(FRENCH_SGML.replace("-80.00", "abc").encode("cp1252"))

    assert len(statements[0].lines) == 1
    assert [(e.field, e.line) for e in errors] == [("STMTTRN", 14)]
