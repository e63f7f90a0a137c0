"""Field rules on small hand-written documents: mandatory fields, credit notes,
due dates, identifiers, PDF attachments."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from pypdf import PdfWriter

from relance.formats.einvoice import parse

CII = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice
 xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
  <ram:ID>urn:cen.eu:en16931:2017</ram:ID>
 </ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument>{number}<ram:TypeCode>{type_code}</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">{issued}</udt:DateTimeString>
  </ram:IssueDateTime>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Atelier Nord</ram:Name></ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Boulangerie Sud</ram:Name>{buyer_ids}
    <ram:DefinedTradeContact><ram:EmailURIUniversalCommunication>
     <ram:URIID>compta@boulangerie.example</ram:URIID>
    </ram:EmailURIUniversalCommunication></ram:DefinedTradeContact>
   </ram:BuyerTradeParty>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>{terms}
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    {grand}<ram:TotalPrepaidAmount>{prepaid}</ram:TotalPrepaidAmount>
    <ram:DuePayableAmount>{due}</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""


def terms(*days: str) -> str:
    return "".join(
        "<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>"
        f'<udt:DateTimeString format="102">{d}</udt:DateTimeString>'
        "</ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>"
        for d in days
    )


def cii(**changes: str) -> bytes:
    values = {
        "number": "<ram:ID>F-2026-001</ram:ID>",
        "type_code": "380",
        "issued": "20260115",
        "buyer_ids": "",
        "terms": terms("20260214"),
        "grand": "<ram:GrandTotalAmount>1200.00</ram:GrandTotalAmount>",
        "prepaid": "200.00",
        "due": "1000.00",
    }
    return CII.format(**{**values, **changes}).encode()


def test_complete_invoice_is_read():
    [invoice], errors = parse(cii())

    assert errors == []
    assert invoice.kind == "invoice"
    assert (invoice.number, invoice.issue_date) == ("F-2026-001", date(2026, 1, 15))
    assert invoice.due_date == date(2026, 2, 14)
    assert invoice.total_incl_vat == Decimal("1200.00")
    assert (invoice.prepaid, invoice.amount_due) == (Decimal("200.00"), Decimal("1000.00"))
    # No BT-49 electronic address: the buyer contact's e-mail (BT-58) is used.
    assert invoice.buyer_email == "compta@boulangerie.example"


def test_missing_invoice_number_is_a_row_error_naming_the_field():
    records, errors = parse(cii(number=""))

    assert records == []
    assert [error.field for error in errors] == ["number"]
    assert "BT-1" in errors[0].message


def test_every_missing_or_malformed_mandatory_field_is_reported():
    records, errors = parse(cii(number="", issued="2026-01-15", grand=""))

    assert records == []
    assert {error.field for error in errors} == {"number", "issue_date", "total_incl_vat"}
    bad_date = next(error for error in errors if error.field == "issue_date")
    assert "2026-01-15" in bad_date.message and bad_date.line is not None


def test_type_381_is_a_credit_note():
    [note], _ = parse(cii(type_code="381"))

    assert note.kind == "credit_note"
    assert note.total_incl_vat == Decimal("1200.00")


def test_type_380_with_negative_totals_is_a_credit_note_with_positive_amounts():
    grand = "<ram:GrandTotalAmount>-60.00</ram:GrandTotalAmount>"
    [note], _ = parse(cii(grand=grand, prepaid="-0.00", due="-60.00"))

    assert note.kind == "credit_note"
    assert (note.total_incl_vat, note.amount_due) == (Decimal("60.00"), Decimal("60.00"))
    assert not note.prepaid.is_signed()


def test_no_due_date_is_left_to_the_customer_payment_terms():
    [invoice], _ = parse(cii(terms=""))

    assert invoice.due_date is None


def test_with_several_payment_terms_the_last_due_date_counts():
    # A 2 % discount until 1 February, net on 28 February.
    [invoice], _ = parse(cii(terms=terms("20260228", "20260201")))

    assert invoice.due_date == date(2026, 2, 28)


def test_siret_gives_the_siren_and_an_invalid_one_is_noted():
    ids = (
        '<ram:GlobalID schemeID="0009">78787878400018</ram:GlobalID>'
        '<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">123456789</ram:ID>'
        "</ram:SpecifiedLegalOrganization>"
    )
    [invoice], _ = parse(cii(buyer_ids=ids))

    assert (invoice.buyer_siren, invoice.buyer_siret) == ("787878784", "78787878400018")
    assert invoice.notes == ("buyer SIREN '123456789' ignored: invalid check digit",)


def test_factur_x_pdf_keeps_the_pdf_and_skips_other_attachments():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("metadata.xml", b"<meta/>")
    writer.add_attachment("factur-x.xml", cii())
    out = io.BytesIO()
    writer.write(out)

    [invoice], errors = parse(out.getvalue())

    assert errors == []
    assert invoice.number == "F-2026-001"
    assert invoice.pdf == out.getvalue()


UBL_CREDIT_NOTE = b"""<?xml version="1.0" encoding="UTF-8"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
 <cbc:ID>AV-7</cbc:ID>
 <cbc:IssueDate>2026-03-02</cbc:IssueDate>
 <cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cac:AccountingCustomerParty><cac:Party>
  <cbc:EndpointID schemeID="EM">ap@client.example</cbc:EndpointID>
  <cac:PartyName><cbc:Name>Client Trading</cbc:Name></cac:PartyName>
 </cac:Party></cac:AccountingCustomerParty>
 <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
  <cbc:PaymentDueDate>2026-04-01</cbc:PaymentDueDate></cac:PaymentMeans>
 <cac:LegalMonetaryTotal>
  <cbc:TaxInclusiveAmount currencyID="EUR">48.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">48.00</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
</CreditNote>"""


def test_ubl_credit_note_root_is_a_credit_note():
    [note], errors = parse(UBL_CREDIT_NOTE)

    assert errors == []
    assert (note.kind, note.number, note.source_format) == ("credit_note", "AV-7", "ubl")
    assert note.due_date == date(2026, 4, 1)
    assert note.buyer_email == "ap@client.example"
    assert note.buyer_name == "Client Trading"  # no legal name: the trading name
    assert (note.total_incl_vat, note.prepaid) == (Decimal("48.00"), Decimal(0))


def test_ubl_without_buyer_name_is_rejected():
    data = UBL_CREDIT_NOTE.replace(b"<cbc:Name>Client Trading</cbc:Name>", b"")

    records, errors = parse(data)

    assert records == []
    assert [error.field for error in errors] == ["buyer_name"]
