"""camt.053/054: the sample statements and hand-built batches, checked against the raw XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from relance.formats.bank import camt

SAMPLES = ["test-camt053", "test-camt053-txdtls", "test-camt053-no-ntry", "test-camt054"]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in node if _local(child.tag) == name]


def _child_text(node: ET.Element, name: str) -> str:
    return next(((c.text or "").strip() for c in node if _local(c.tag) == name), "")


def _signed(node: ET.Element) -> Decimal:
    amount = Decimal(_child_text(node, "Amt"))
    return amount if _child_text(node, "CdtDbtInd") == "CRDT" else -amount


def expected_from_raw(raw: bytes) -> dict:
    """Line count, signed total and balances read with the standard library alone."""
    root = ET.fromstring(raw)
    entries = [n for n in root.iter() if _local(n.tag) == "Ntry"]
    tx_counts = [sum(1 for n in entry.iter() if _local(n.tag) == "TxDtls") for entry in entries]
    balances = {}
    for bal in (n for n in root.iter() if _local(n.tag) == "Bal"):
        code = next(n.text for n in bal.iter() if _local(n.tag) == "Cd")
        balances[code] = _signed(bal)
    return {"count": sum(max(1, n) for n in tx_counts),
            "total": sum((_signed(entry) for entry in entries), Decimal(0)),
            "opening": balances.get("OPBD"), "closing": balances.get("CLBD")}


@pytest.mark.samples
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_statement_matches_raw_file(samples, name):
    raw = (samples / "camt" / name).read_bytes()
    expected = expected_from_raw(raw)

    statements, errors = camt.parse(raw)

    assert len(statements) == 1
    statement = statements[0]
    assert len(statement.lines) == expected["count"]
    assert sum((line.amount for line in statement.lines), Decimal(0)) == expected["total"]
    assert statement.opening_balance == expected["opening"]
    assert statement.closing_balance == expected["closing"]
    balanced = (expected["opening"] is None or expected["closing"] is None
                or expected["opening"] + expected["total"] == expected["closing"])
    assert [e.field for e in errors] == ([] if balanced else ["closing_balance"])


@pytest.mark.samples
def test_sample_camt053_does_not_balance_and_says_so(samples):
    # 15568.27 - 754.25 - 664.05 + 1405.31 = 15555.28, while the file closes at 15121.12.
    _, errors = camt.parse((samples / "camt" / "test-camt053").read_bytes())

    assert len(errors) == 1
    assert "15555.28" in errors[0].message and "15121.12" in errors[0].message


@pytest.mark.samples
def test_sample_batch_gives_one_line_per_transaction_with_its_debtor(samples):
    statements, _ = camt.parse((samples / "camt" / "test-camt053-txdtls").read_bytes())

    lines = statements[0].lines
    assert [line.amount for line in lines] == [Decimal("2187.00"), Decimal("1296.00")]
    assert [line.counterparty_iban for line in lines] == ["CH2222000000123456789",
                                                          "CH3333000000123456789"]
    assert lines[0].structured_reference == "302388292000011111111111111"
    assert lines[0].counterparty_name == "Banque Cantonale Vaudoise"


def _statement(entries: str, opening: str = "1000.00", closing: str = "1800.00") -> bytes:
    balances = "".join(
        f"<c:Bal><c:Tp><c:CdOrPrtry><c:Cd>{code}</c:Cd></c:CdOrPrtry></c:Tp>"
        f'<c:Amt Ccy="EUR">{amount}</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd>'
        f"<c:Dt><c:Dt>2024-03-0{day}</c:Dt></c:Dt></c:Bal>"
        for code, amount, day in (("OPBD", opening, 4), ("CLBD", closing, 5)))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
        "<c:BkToCstmrStmt><c:GrpHdr><c:MsgId>M1</c:MsgId></c:GrpHdr><c:Stmt><c:Id>S1</c:Id>"
        "<c:Acct><c:Id><c:IBAN>FR7630006000011234567890189</c:IBAN></c:Id>"
        "<c:Ccy>EUR</c:Ccy></c:Acct>"
        f"{balances}{entries}</c:Stmt></c:BkToCstmrStmt></c:Document>").encode()


def _entry(amount: str, indicator: str, details: str, status: str = "BOOK") -> str:
    return (f'<c:Ntry><c:Amt Ccy="EUR">{amount}</c:Amt><c:CdtDbtInd>{indicator}</c:CdtDbtInd>'
            f"<c:Sts><c:Cd>{status}</c:Cd></c:Sts><c:BookgDt><c:Dt>2024-03-05</c:Dt></c:BookgDt>"
            "<c:ValDt><c:Dt>2024-03-06</c:Dt></c:ValDt><c:AcctSvcrRef>BANK-1</c:AcctSvcrRef>"
            f"<c:NtryDtls>{details}</c:NtryDtls></c:Ntry>")


def _tx(amount: str | None, party: str, e2e: str, remittance: str) -> str:
    amt = f'<c:Amt Ccy="EUR">{amount}</c:Amt>' if amount else ""
    return (f"<c:TxDtls><c:Refs><c:EndToEndId>{e2e}</c:EndToEndId></c:Refs>{amt}"
            f"<c:RltdPties>{party}</c:RltdPties><c:RmtInf>{remittance}</c:RmtInf></c:TxDtls>")


DEBTOR = ("<c:Dbtr><c:Pty><c:Nm>Boulangerie Martin</c:Nm></c:Pty></c:Dbtr><c:DbtrAcct><c:Id>"
          "<c:IBAN>FR7610107001011234567890129</c:IBAN></c:Id></c:DbtrAcct>")
CREDITOR = "<c:Cdtr><c:Pty><c:Nm>EDF</c:Nm></c:Pty></c:Cdtr>"
RF = "<c:Strd><c:CdtrRefInf><c:Ref>RF18539007547034</c:Ref></c:CdtrRefInf></c:Strd>"
BATCH = _entry("1000.00", "CRDT", "<c:Btch><c:NbOfTxs>2</c:NbOfTxs></c:Btch>"
               + _tx("600.00", DEBTOR, "E2E-1", "<c:Ustrd>FACTURE F2024-001</c:Ustrd>"
                                                 "<c:Ustrd>MERCI</c:Ustrd>")
               + _tx("400.00", DEBTOR, "E2E-2", RF))
DEBIT = _entry("200.00", "DBIT", _tx(None, CREDITOR, "NOTPROVIDED", "<c:Ustrd>ABO</c:Ustrd>"))


def test_batch_of_two_transfers_and_one_debit_in_version_08_with_a_prefix():
    statements, errors = camt.parse(_statement(BATCH + DEBIT))

    assert errors == []
    first, second, debit = statements[0].lines
    assert (first.amount, second.amount, debit.amount) == (
        Decimal("600.00"), Decimal("400.00"), Decimal("-200.00"))
    assert first.counterparty_name == "Boulangerie Martin"
    assert first.counterparty_iban == "FR7610107001011234567890129"
    assert first.remittance == "FACTURE F2024-001 MERCI"
    assert first.end_to_end_id == "E2E-1"
    assert second.structured_reference == "RF18539007547034"
    assert first.booking_date == date(2024, 3, 5) and first.value_date == date(2024, 3, 6)
    assert debit.counterparty_name == "EDF" and debit.end_to_end_id == ""
    assert statements[0].closing_date == date(2024, 3, 5)


def test_batch_whose_transactions_do_not_add_up_is_kept_whole_and_reported():
    wrong = _entry("1000.00", "CRDT", _tx("600.00", DEBTOR, "A", "<c:Ustrd>F1</c:Ustrd>")
                   + _tx("300.00", DEBTOR, "B", "<c:Ustrd>F2</c:Ustrd>"))
    statements, errors = camt.parse(_statement(wrong, closing="2000.00"))

    (line,) = statements[0].lines
    assert (line.amount, line.remittance) == (Decimal("1000.00"), "F1 F2")
    assert [e.field for e in errors] == ["TxDtls"]


def test_batch_without_transaction_amounts_is_one_line_of_the_entry_amount():
    batch = _entry("1000.00", "CRDT", _tx(None, DEBTOR, "A", "<c:Ustrd>F1</c:Ustrd>")
                   + _tx(None, DEBTOR, "B", RF))
    statements, errors = camt.parse(_statement(batch, closing="2000.00"))

    (line,) = statements[0].lines
    assert (line.amount, line.remittance) == (Decimal("1000.00"), "F1")
    assert line.structured_reference == "RF18539007547034"
    assert errors == []


def test_pending_entry_is_left_out_and_reported():
    pending = _entry("50.00", "CRDT", "", status="PDNG")
    statements, errors = camt.parse(_statement(BATCH + DEBIT + pending))

    assert len(statements[0].lines) == 3
    assert [e.field for e in errors] == ["Sts"]


def test_unbalanced_statement_is_reported_not_accepted():
    _, errors = camt.parse(_statement(BATCH, closing="1800.00"))

    assert [e.field for e in errors] == ["closing_balance"]
    assert "2000.00" in errors[0].message


def test_account_report_camt052_reads_the_same():
    report = _statement(BATCH + DEBIT).replace(b"BkToCstmrStmt", b"BkToCstmrAcctRpt").replace(
        b"c:Stmt>", b"c:Rpt>").replace(b"camt.053.001.08", b"camt.052.001.08")

    statements, errors = camt.parse(report)

    assert errors == []
    assert len(statements[0].lines) == 3
