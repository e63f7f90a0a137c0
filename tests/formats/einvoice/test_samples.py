"""Every public Factur-X / ZUGFeRD / UBL sample imports with the right key values.

Expected values come from two independent places: a few regular expressions
over the raw XML written here (the PDF attachment is pulled out with pypdf by
the test itself), and the facts recorded by hand in the samples' SOURCES.md.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from relance.formats.einvoice import EInvoice, parse

pytestmark = pytest.mark.samples

CII_SAMPLES = [
    "factur-x-minimum.xml",
    "factur-x-basicwl.xml",
    "factur-x-basic.xml",
    "factur-x-en16931.xml",
    "factur-x-extended.xml",
    "invoice_EN16931.pdf",
    "Facture_F20180027.pdf",
    "validAvoir_FR_type380_BASICWL.pdf",
    "EN16931_Einfach.pdf",
    "EXTENDED_Fremdwaehrung_wdis_fx-pdfa4.pdf",
    "zugferd_invoice.pdf",
]

# Hand-copied from SOURCES.md: (number, issue, due, currency, grand total, amount due).
FACTS = {
    "Facture_F20180027.pdf": (
        "F20180027", date(2018, 12, 31), date(2019, 1, 30), "EUR", "110.00", "100.00"
    ),
    "EXTENDED_Fremdwaehrung_wdis_fx-pdfa4.pdf": (
        "47110815", date(2025, 12, 1), date(2025, 12, 31), "GBP", "1021.91", "521.91"
    ),
    "factur-x-minimum.xml": ("F20260023", date(2026, 1, 31), None, "EUR", "104.90", "104.90"),
    "factur-x-en16931.xml": (
        "F20260023", date(2026, 1, 31), date(2026, 3, 2), "EUR", "104.90", "104.90"
    ),
    "invoice_EN16931.pdf": (
        "F20260023", date(2026, 1, 31), date(2026, 3, 2), "EUR", "104.90", "104.90"
    ),
    "ubl-21-en16931.xml": (
        "F124212", date(2026, 6, 17), date(2026, 7, 16), "EUR", "308.03", "208.03"
    ),
    "validAvoir_FR_type380_BASICWL.pdf": (
        "AV-2017-0005", date(2017, 11, 16), date(2017, 11, 16), "EUR", "233.47", "233.47"
    ),
}


def read(samples, name: str) -> tuple[bytes, str]:
    """The file's bytes and its invoice XML as text (from the PDF attachment if a PDF)."""
    data = (samples / "facturx" / name).read_bytes()
    if not name.endswith(".pdf"):
        return data, data.decode("utf-8-sig")
    attachments = PdfReader(io.BytesIO(data)).attachments
    xml_name = next(n for n in attachments if n.lower() in ("factur-x.xml", "zugferd-invoice.xml"))
    return data, attachments[xml_name][0].decode("utf-8")


def only(data: bytes) -> EInvoice:
    records, errors = parse(data)
    assert errors == []
    assert len(records) == 1
    return records[0]


def grab(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.DOTALL)
    assert match, pattern
    return html.unescape(match.group(1).strip())


def day(yyyymmdd: str) -> date:
    return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))


@pytest.mark.parametrize("name", CII_SAMPLES)
def test_cii_sample_matches_its_raw_xml(samples, name):
    data, xml = read(samples, name)
    invoice = only(data)

    grand = Decimal(grab(r"<ram:GrandTotalAmount[^>]*>([^<]+)<", xml))
    payable = Decimal(grab(r"<ram:DuePayableAmount[^>]*>([^<]+)<", xml))
    due_dates = re.findall(r"DueDateDateTime>\s*<udt:DateTimeString[^>]*>(\d{8})<", xml)
    assert invoice.number == grab(r"ExchangedDocument>\s*<ram:ID>([^<]+)<", xml)
    issued = grab(r"IssueDateTime>\s*<udt:DateTimeString[^>]*>(\d{8})", xml)
    assert invoice.issue_date == day(issued)
    assert invoice.due_date == (max(map(day, due_dates)) if due_dates else None)
    assert invoice.currency == grab(r"<ram:InvoiceCurrencyCode>(\w+)<", xml)
    assert invoice.total_incl_vat == abs(grand)
    assert invoice.amount_due == abs(payable)
    assert invoice.buyer_name == grab(r"<ram:BuyerTradeParty>.*?<ram:Name>([^<]+)<", xml)
    assert invoice.pdf == (data if name.endswith(".pdf") else None)


def test_ubl_sample_matches_its_raw_xml(samples):
    data, xml = read(samples, "ubl-21-en16931.xml")
    invoice = only(data)

    assert invoice.source_format == "ubl"
    assert invoice.kind == "invoice"
    assert invoice.number == grab(r"<cbc:ID>([^<]+)<", xml)
    assert invoice.issue_date == date.fromisoformat(grab(r"<cbc:IssueDate>([^<]+)<", xml))
    assert invoice.due_date == date.fromisoformat(grab(r"<cbc:DueDate>([^<]+)<", xml))
    assert invoice.currency == grab(r"<cbc:DocumentCurrencyCode>([^<]+)<", xml)
    assert invoice.total_incl_vat == Decimal(grab(r"<cbc:TaxInclusiveAmount[^>]*>([^<]+)<", xml))
    assert invoice.prepaid == Decimal(grab(r"<cbc:PrepaidAmount[^>]*>([^<]+)<", xml))
    assert invoice.amount_due == Decimal(grab(r"<cbc:PayableAmount[^>]*>([^<]+)<", xml))
    customer = grab(r"<cac:AccountingCustomerParty>(.*?)</cac:AccountingCustomerParty>", xml)
    assert invoice.buyer_name == grab(r"<cbc:RegistrationName>([^<]+)<", customer)
    assert invoice.pdf is None


@pytest.mark.parametrize("name", sorted(FACTS))
def test_sample_matches_the_facts_recorded_by_hand(samples, name):
    number, issued, due, currency, total, amount_due = FACTS[name]
    invoice = only((samples / "facturx" / name).read_bytes())

    assert (invoice.number, invoice.issue_date, invoice.due_date) == (number, issued, due)
    assert invoice.currency == currency
    assert invoice.total_incl_vat == Decimal(total)
    assert invoice.amount_due == Decimal(amount_due)


def test_prepayment_is_the_difference_between_total_and_due(samples):
    invoice = only((samples / "facturx" / "Facture_F20180027.pdf").read_bytes())

    assert invoice.prepaid == Decimal("10.00")
    assert invoice.total_incl_vat - invoice.prepaid == invoice.amount_due


def test_french_type_380_with_negative_totals_is_a_credit_note(samples):
    invoice = only((samples / "facturx" / "validAvoir_FR_type380_BASICWL.pdf").read_bytes())

    assert invoice.kind == "credit_note"
    assert invoice.total_incl_vat == Decimal("233.47")
    assert invoice.prepaid == 0 and not invoice.prepaid.is_signed()
    assert invoice.buyer_name == "Ma jolie boutique"


def test_zugferd_1_pdf_is_read_from_its_own_attachment_name(samples):
    invoice = only((samples / "facturx" / "zugferd_invoice.pdf").read_bytes())

    assert invoice.source_format == "zugferd1"
    assert invoice.profile == "urn:ferd:CrossIndustryDocument:invoice:1p0:basic"
    assert (invoice.number, invoice.total_incl_vat) == ("2014-03", Decimal("1005.55"))
    assert invoice.buyer_name == "Papierflieger-Vertriebs-GmbH"


def test_pdf_with_a_second_attachment_still_yields_the_invoice(samples):
    invoice = only((samples / "facturx" / "invoice_EN16931.pdf").read_bytes())

    assert invoice.profile == "urn:cen.eu:en16931:2017"
    assert invoice.buyer_email == "me@buyer.com"  # BT-49, preferred to the contact's
    assert invoice.payment_reference == "F20260023BUYER"


def test_profiles_are_reported_as_written(samples):
    profiles = {
        name: only((samples / "facturx" / name).read_bytes()).profile
        for name in ("factur-x-minimum.xml", "factur-x-basicwl.xml", "factur-x-extended.xml")
    }

    assert profiles == {
        "factur-x-minimum.xml": "urn:factur-x.eu:1p0:minimum",
        "factur-x-basicwl.xml": "urn:factur-x.eu:1p0:basicwl",
        "factur-x-extended.xml": "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
    }


def test_identifiers_valid_are_kept_invalid_are_noted(samples):
    ubl = only((samples / "facturx" / "ubl-21-en16931.xml").read_bytes())
    minimum = only((samples / "facturx" / "factur-x-minimum.xml").read_bytes())

    # 78787878400018 passes the Luhn check; its first 9 digits are the SIREN.
    assert (ubl.buyer_siren, ubl.buyer_siret) == ("787878784", "78787878400018")
    assert ubl.buyer_vat == "FR19787878784"
    assert minimum.seller_siren == "123456782"
    # The FNFE example buyer "987654321" fails the check digit: dropped, noted.
    assert minimum.buyer_siren is None
    assert any("987654321" in note for note in minimum.notes)


def test_buyer_vat_number_is_compacted(samples):
    invoice = only((samples / "facturx" / "factur-x-en16931.xml").read_bytes())

    assert invoice.buyer_vat == "FR05987654321"  # written "FR 05 987 654 321"
