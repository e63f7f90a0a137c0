"""CSV exports read through a saved mapping: French debit/credit and signed-amount layouts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.errors import FormatError
from relance.formats.bank import csvbank

FRENCH = csvbank.CsvMapping(
    date="Date", value_date="Date de valeur", debit="Débit", credit="Crédit",
    label="Libellé", reference="Référence", delimiter=";", encoding="cp1252",
    date_format="%d/%m/%Y", decimal_separator=",", skip_rows=2,
    account="FR7630004001230001234567890")

FRENCH_EXPORT = (
    "Relevé du compte 00012345678\r\n"
    "Période du 01/03/2024 au 31/03/2024\r\n"
    "Date;Date de valeur;Libellé;Référence;Débit;Crédit\r\n"
    "05/03/2024;06/03/2024;VIR SEPA SOCIÉTÉ GÉNÉRALE FACTURE F2024-001;R1;;1 250,50\r\n"
    "07/03/2024;07/03/2024;PRLV EDF;R2;-80,00;\r\n"
    ";;;;;\r\n"
    "08/03/2024;08/03/2024;\"COMMISSION; FRAIS\";R3;1.234,56;\r\n"
).encode("cp1252")


def test_french_export_with_debit_and_credit_columns():
    statements, errors = csvbank.parse_csv(FRENCH_EXPORT, FRENCH)

    assert errors == []
    credit, debit, fee = statements[0].lines
    assert (credit.amount, debit.amount, fee.amount) == (
        Decimal("1250.50"), Decimal("-80.00"), Decimal("-1234.56"))
    assert credit.remittance == "VIR SEPA SOCIÉTÉ GÉNÉRALE FACTURE F2024-001"
    assert credit.booking_date == date(2024, 3, 5) and credit.value_date == date(2024, 3, 6)
    assert fee.remittance == "COMMISSION; FRAIS" and fee.line == 7
    assert statements[0].account == "FR7630004001230001234567890"
    assert statements[0].opening_balance is None


def test_make_parser_keeps_the_common_contract():
    parse = csvbank.make_parser(FRENCH)

    statements, _ = parse(FRENCH_EXPORT)

    assert len(statements[0].lines) == 3


def test_signed_amount_column_in_english_layout():
    mapping = csvbank.CsvMapping(date="Booking date", amount="Amount", name="Payee",
                                 delimiter=",", date_format="%Y-%m-%d", decimal_separator=".")
    data = b'Booking date,Payee,Amount\n2024-03-05,ACME Ltd,"1,250.50"\n2024-03-06,Shop,-3.20\n'

    statements, errors = csvbank.parse_csv(data, mapping)

    assert errors == []
    assert [line.amount for line in statements[0].lines] == [Decimal("1250.50"),
                                                             Decimal("-3.20")]
    assert statements[0].lines[0].counterparty_name == "ACME Ltd"


def test_bad_rows_are_reported_with_line_and_field():
    data = FRENCH_EXPORT.replace(b"07/03/2024;07/03", b"31/02/2024;07/03").replace(
        b"R3;1.234,56;", b"R3;abc;")

    statements, errors = csvbank.parse_csv(data, FRENCH)

    assert len(statements[0].lines) == 1
    assert [(e.line, e.field) for e in errors] == [(5, "date"), (7, "debit")]


def test_missing_column_refuses_the_file():
    with pytest.raises(FormatError, match="Crédit"):
        csvbank.parse_csv(FRENCH_EXPORT.replace("Crédit".encode("cp1252"), b"Credit"), FRENCH)


def test_mapping_needs_amount_or_debit_credit():
    with pytest.raises(ValueError):
        csvbank.CsvMapping(date="Date")
