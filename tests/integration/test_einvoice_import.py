"""E-invoices in: every public sample imports, idempotently, and its PDF is attached."""

from __future__ import annotations

import email
from datetime import date
from decimal import Decimal
from email import policy

import pytest

from relance.dunning.services import run_day
from relance.imports.einvoice import import_einvoice
from relance.ledger.models import Invoice
from relance.ledger.services import balance_of, unallocated_total

SAMPLES = ["factur-x-minimum.xml", "factur-x-basicwl.xml", "factur-x-basic.xml",
           "factur-x-en16931.xml", "factur-x-extended.xml", "ubl-21-en16931.xml",
           "invoice_EN16931.pdf", "Facture_F20180027.pdf", "EN16931_Einfach.pdf",
           "EXTENDED_Fremdwaehrung_wdis_fx-pdfa4.pdf", "zugferd_invoice.pdf",
           "validAvoir_FR_type380_BASICWL.pdf"]


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_imports_and_twice_changes_nothing(org, samples, name):
    data = (samples / "facturx" / name).read_bytes()
    first = import_einvoice(org, data, name, known_from=date(2026, 1, 2))
    assert not first.rejected and first.count("created") >= 2
    again = import_einvoice(org, data, name, known_from=date(2026, 1, 3))
    assert not again.changed


def test_a_prepayment_leaves_the_amount_due(org, samples):
    data = (samples / "facturx" / "Facture_F20180027.pdf").read_bytes()
    import_einvoice(org, data)
    invoice = Invoice.objects.get(number="F20180027")
    assert invoice.amount == Decimal("110.00") and balance_of(invoice) == Decimal("100.00")
    assert invoice.due == date(2019, 1, 30)
    assert invoice.pdf_path.endswith("F20180027.pdf")


def test_minimum_profile_takes_the_payment_terms(org, samples):
    import_einvoice(org, (samples / "facturx" / "factur-x-minimum.xml").read_bytes())
    invoice = Invoice.objects.get(number="F20260023")
    assert invoice.due == date(2026, 3, 2)  # issued 31 January, + the default 30 days


def test_a_foreign_currency_invoice_keeps_its_currency(org, samples):
    name = "EXTENDED_Fremdwaehrung_wdis_fx-pdfa4.pdf"
    import_einvoice(org, (samples / "facturx" / name).read_bytes())
    invoice = Invoice.objects.get(number="47110815")
    assert invoice.currency == "GBP" and balance_of(invoice) == Decimal("521.91")


def test_a_credit_note_with_negative_totals_becomes_customer_credit(org, samples):
    name = "validAvoir_FR_type380_BASICWL.pdf"
    import_einvoice(org, (samples / "facturx" / name).read_bytes())
    [customer] = org.customers.all()
    assert unallocated_total(customer, "EUR") == Decimal("233.47")
    assert not Invoice.objects.exists()


def test_the_original_pdf_is_attached_to_the_reminder(org, samples):
    data = (samples / "facturx" / "invoice_EN16931.pdf").read_bytes()
    import_einvoice(org, data, known_from=date(2026, 2, 1))
    report = run_day(org, date(2026, 3, 5))  # due 2 March: reminder_1 on +3
    [message] = report.messages
    with open(message.path, "rb") as f:
        mail = email.message_from_binary_file(f, policy=policy.default)
    [pdf] = list(mail.iter_attachments())
    assert pdf.get_content() == data


@pytest.mark.parametrize("payable, code", [("208.035", "too_many_decimals"),
                                            ("99999999999999999999", "invoice_too_large")])
def test_a_total_no_invoice_can_have_is_rejected_not_stored(org, samples, payable, code):
    import re

    ubl = (samples / "facturx/ubl-21-en16931.xml").read_text()
    ubl = re.sub(r'(<cbc:PayableAmount currencyID="EUR">)[^<]+', rf"\g<1>{payable}", ubl)
    report = import_einvoice(org, ubl.encode(), "ubl.xml")
    assert [(e.code, e.field) for e in report.rejected] == [(code, "BT-115")]
    assert not Invoice.objects.exists()
