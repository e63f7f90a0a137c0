"""Bank statements in: payments recognised, reminders stop, doubts wait for a human."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from relance.core.matching.records import REASON_CODES
from relance.dunning.services import run_day
from relance.errors import InputError
from relance.imports.bank import import_statement
from relance.ledger.models import BankLine, Invoice
from relance.ledger.reasons import SENTENCES, worded
from relance.ledger.reconcile import accept, assign
from relance.ledger.services import balance_of, unallocated_total
from relance.messaging.formatting import format_money

SAMPLES = ["camt/test-camt053", "camt/test-camt053-txdtls", "camt/test-camt053-no-ntry",
           "camt/test-camt054", "cfonb120/example.txt", "cfonb120/test_cfonb.txt",
           "ofx/checking.ofx", "ofx/bank_medium.ofx", "ofx/suncorp.ofx", "ofx/test_ofx.ofx",
           "mt940/abnamro.sta", "mt940/ing.sta", "mt940/sepa_snippet.sta", "mt940/mt940.sta"]


def camt(*entries: tuple[str, str, str, str]) -> bytes:
    """A camt.053.001.08 statement with credit entries (amount, date, payer, remittance)."""
    ntry = "".join(f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
      <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>
      <AcctSvcrRef>REF{i}</AcctSvcrRef><NtryDtls><TxDtls><Amt Ccy="EUR">{amount}</Amt>
      <RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr></RltdPties>
      <RmtInf><Ustrd>{remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
                   for i, (amount, day, payer, remittance) in enumerate(entries))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-20T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>{ntry}
</Stmt></BkToCstmrStmt></Document>""".encode()


@pytest.mark.parametrize("name", SAMPLES)
def test_every_real_statement_imports_and_twice_changes_nothing(org, samples, name):
    data = (samples / name).read_bytes()
    first = import_statement(org, data, name)
    lines = BankLine.objects.count()
    again = import_statement(org, data, name)
    assert not again.changed and BankLine.objects.count() == lines
    assert first.count("created") == lines


def test_a_quoted_payment_settles_the_invoice_and_stops_its_reminders(book):
    report = import_statement(book, camt(("1200.00", "2026-03-13", "ATELIER NORD SARL",
                                          "VIR SEPA FACTURE F-100")))
    assert report.reconciliation == {"matched": 1, "review": 0, "unmatched": 0}
    assert balance_of(Invoice.objects.get(number="F-100")) == 0
    customer = book.customers.get(ref="C1")
    run = run_day(book, date(2026, 3, 16))
    [action] = [a for a in run.actions if a.customer == customer]
    assert [s.invoice.number for s in action.steps.all()] == ["F-101"]
    assert customer.timeline.filter(kind="payment").exists()


def test_the_payer_quotes_the_second_of_two_equal_invoices(book):
    Invoice.objects.filter(number="F-101").update(amount_minor=120000)
    import_statement(book, camt(("1200.00", "2026-03-13", "Atelier Nord", "FACT F-101")))
    assert balance_of(Invoice.objects.get(number="F-101")) == 0
    assert balance_of(Invoice.objects.get(number="F-100")) == Decimal("1200.00")


def test_bank_fees_within_tolerance_are_written_off(book):
    import_statement(book, camt(("2398.00", "2026-03-13", "BOREAL LTD", "INVOICE F-200")))
    assert balance_of(Invoice.objects.get(number="F-200")) == 0
    customer = book.customers.get(ref="C2")
    assert customer.credits.get(kind="write_off").amount == Decimal("2.00")


def test_a_doubtful_payment_waits_for_review_then_is_accepted(book):
    report = import_statement(book, camt(("300.50", "2026-03-13", "M. DUPONT", "REGLEMENT")))
    assert report.reconciliation["review"] + report.reconciliation["unmatched"] == 1
    line = BankLine.objects.get()
    assert balance_of(Invoice.objects.get(number="F-101")) == Decimal("300.50")
    accept(line, ["F-101"])
    assert balance_of(Invoice.objects.get(number="F-101")) == 0
    line.refresh_from_db()
    assert line.status == "matched"
    # the collector's decision is the reason now, not the matcher's doubt
    assert line.reasons == [{"code": "by_hand", "params": {"invoices": "F-101"}}]


def test_a_line_assigned_to_a_customer_says_so(book):
    import_statement(book, camt(("300.50", "2026-03-13", "M. DUPONT", "REGLEMENT")))
    assign(BankLine.objects.get(), book.customers.get(ref="C1"))
    line = BankLine.objects.get()
    assert line.status == "matched"
    assert line.reasons == [{"code": "assigned_by_hand", "params": {"customer": "C1"}}]


def test_an_accepted_payment_pays_the_invoices_in_the_order_quoted(book):
    import_statement(book, camt(("1300.50", "2026-03-13", "M. DUPONT", "REGLEMENT")))
    line = BankLine.objects.get()

    credit = accept(line, ["F-101", "F-100"])

    assert balance_of(Invoice.objects.get(number="F-101")) == 0  # 300,50 first, as quoted
    assert balance_of(Invoice.objects.get(number="F-100")) == Decimal("200.00")
    line.refresh_from_db()
    assert (line.status, line.credit_id) == ("matched", credit.pk)  # the line knows its payment


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("english")
def test_a_line_is_accepted_once(book):
    import_statement(book, camt(("300.50", "2026-03-13", "M. DUPONT", "REGLEMENT")))
    first, second = BankLine.objects.get(), BankLine.objects.get()  # two collectors' pages
    accept(first, ["F-101"])
    with pytest.raises(InputError, match="already matched"):
        accept(second, ["F-100"])
    assert balance_of(Invoice.objects.get(number="F-100")) == Decimal("1200.00")


@pytest.mark.parametrize(("numbers", "message"), [
    (["F-999", "F-101"], "no invoice F-999 in this organization"),
    (["F-101", "F-200"], "invoices of one customer"),
    (["F-101", "F-100", "F-101"], "F-101 named more than once"),
])
@pytest.mark.usefixtures("english")
def test_an_acceptance_naming_wrong_invoices_is_refused(book, numbers, message):
    import_statement(book, camt(("300.50", "2026-03-13", "M. DUPONT", "REGLEMENT")))
    with pytest.raises(InputError, match=message):
        accept(BankLine.objects.get(), numbers)


@pytest.mark.usefixtures("english")
def test_a_paid_invoice_cannot_take_another_payment(book):
    import_statement(book, camt(("300.50", "2026-03-13", "ATELIER NORD", "FACTURE F-101"),
                                ("300.50", "2026-03-14", "M. DUPONT", "REGLEMENT")))
    doubtful = BankLine.objects.exclude(status="matched").get()
    with pytest.raises(InputError, match="F-101 has nothing left to pay"):
        accept(doubtful, ["F-101"])


def test_money_going_out_is_never_a_customer_s_payment(book):  # in French, as the page says
    line = BankLine.objects.create(organization=book, key="debit-1", booking_date=date(2026, 3, 13),
                                   amount_minor=-20000, currency="EUR", status="debit")
    with pytest.raises(InputError, match="est une sortie d’argent, pas un paiement"):
        accept(line, ["F-101"])
    with pytest.raises(InputError, match="est une sortie d’argent, pas un paiement"):
        assign(line, book.customers.get(ref="C1"))
    assert balance_of(Invoice.objects.get(number="F-101")) == Decimal("300.50")


def test_an_over_payment_leaves_credit_on_the_customer(book):
    import_statement(book, camt(("150.00", "2026-03-13", "Cedre SARL", "FACTURE F-300")))
    customer = book.customers.get(ref="C3")
    assert balance_of(Invoice.objects.get(number="F-300")) == 0
    assert unallocated_total(customer, "EUR") == Decimal("50.10")


def test_reasons_are_stored_as_codes_and_worded_in_the_reader_s_language(book):
    import_statement(book, camt(("2398.00", "2026-03-13", "BOREAL LTD", "INVOICE F-200")))
    line = BankLine.objects.get()
    assert line.reasons == [{"code": "sure", "params": {"invoices": "F-200"}}]
    shortfall = {"code": "within_tolerance", "params": {"currency": "EUR", "shortfall": "2.00"}}
    assert shortfall in line.candidates[0]["reasons"]
    with translation.override("fr"):
        assert worded(line.reasons[0]) == "rapprochement sûr : F-200"
        assert worded(shortfall) == (f"écart de {format_money('2.00', 'EUR', 'fr')} dans la "
                                     "tolérance (frais bancaires)")
    with translation.override("en"):
        assert worded(line.reasons[0]) == "sure match: F-200"
        assert worded(shortfall) == "€2.00 short, within the tolerance (bank fees)"
    # a line matched before reasons had codes keeps its French sentence
    assert worded("rapprochement sûr : F-1") == "rapprochement sûr : F-1"


def test_every_reason_of_the_matcher_has_its_sentence_in_french_and_english():
    for code, names in REASON_CODES.items():
        values = {name: "EUR" if name.endswith("currency") else "1.00" for name in names}
        with translation.override("en"):
            english = worded({"code": code, "params": values})
        with translation.override("fr"):
            french = worded({"code": code, "params": values})
        assert english == SENTENCES[code] % values or "shortfall" in values
        assert french != english, code
