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


SIMPLE = csvbank.CsvMapping(date="Date", debit="Débit", credit="Crédit", label="Libellé",
                            delimiter=";", encoding="utf-8", account="FR76TEST")


def rows(*lines: str) -> bytes:
    return ("Date;Libellé;Débit;Crédit\r\n" + "".join(f"{ln}\r\n" for ln in lines)).encode()


@pytest.mark.parametrize("written, read", [
    ("1.234,56", Decimal("1234.56")), ("1.234.567,89", Decimal("1234567.89")),
    ("1 234,56", Decimal("1234.56")), ("1.234", Decimal("1234")), ("12,5", Decimal("12.5")),
])
def test_thousands_marks_between_groups_of_three_digits(written, read):
    [statement], errors = csvbank.parse_csv(rows(f"11/03/2026;x;;{written}"), SIMPLE)
    assert errors == [] and statement.lines[0].amount == read


@pytest.mark.parametrize("written", ["7.50", "1.5", "12.34,5", "1.2345,00", "1e3", "NaN"])
def test_a_dot_that_cannot_group_thousands_is_refused_not_read_as_hundreds(written):
    """Under a ``,`` mapping, ``7.50`` is someone's 7.50, not 750: the row is refused."""
    statements, [error] = csvbank.parse_csv(rows(f"11/03/2026;x;;{written}"), SIMPLE)
    assert statements[0].lines == () and "not an amount" in error.message


def test_zero_and_out_of_range_amounts_are_refused_row_by_row():
    statements, errors = csvbank.parse_csv(rows(
        "11/03/2026;zero;;0,00", "11/03/2026;huge;;99999999999999999999,99",
        "11/03/2026;ok;;5,00"), SIMPLE)
    assert [line.remittance for line in statements[0].lines] == ["ok"]
    assert ["zero" in errors[0].message, "out of range" in errors[1].message] == [True, True]


def test_more_decimals_than_the_currency_has_is_refused_row_by_row_as_the_import_does():
    statements, [error] = csvbank.parse_csv(rows("11/03/2026;trop;;10,123",
                                                 "11/03/2026;ok;;10,12"), SIMPLE)
    assert [line.remittance for line in statements[0].lines] == ["ok"]
    assert (error.line, error.code, error.params) == (
        2, "too_many_decimals", {"value": "10.123", "currency": "EUR"})


def test_a_negative_credit_is_a_reversal_money_out():
    [statement], errors = csvbank.parse_csv(rows("11/03/2026;rejet;;-8,00",
                                                 "11/03/2026;frais;-3,00;"), SIMPLE)
    assert [line.amount for line in statement.lines] == [Decimal("-8.00"), Decimal("-3.00")]


def test_two_payers_of_the_same_amount_the_same_day_are_two_lines_in_any_export():
    """Without a bank reference, the label and payer tell lines apart: a later export
    listing another payment first does not take the earlier one's identity."""
    martin = "20/03/2026;VIR MARTIN & FILS F2026-002;;2 400,00"
    dupont = "20/03/2026;VIR DUPONT SARL F2026-003;;2 400,00"
    [noon], _ = csvbank.parse_csv(rows(martin), SIMPLE)
    [evening], _ = csvbank.parse_csv(rows(dupont, martin), SIMPLE)
    assert noon.lines[0].key == evening.lines[1].key
    assert evening.lines[0].key != noon.lines[0].key


@pytest.mark.parametrize("columns, message", [
    ({"debit": "Débit"}, "credit column too"),
    ({"credit": "Crédit"}, "credit column too"),
    ({"amount": "Date"}, "two of its fields"),
])
def test_a_mapping_must_read_money_in_and_out_from_distinct_columns(columns, message):
    with pytest.raises(ValueError, match=message):
        csvbank.CsvMapping(date="Date", **columns)


@pytest.mark.parametrize("data", [
    FRENCH_EXPORT.decode("cp1252").encode("utf-8"),
    b"\xef\xbb\xbf" + FRENCH_EXPORT.decode("cp1252").encode("utf-8"),
], ids=["utf-8", "utf-8 with BOM"])
def test_a_windows_1252_mapping_reads_the_same_export_saved_as_utf8(data):
    statements, errors = csvbank.parse_csv(data, FRENCH)
    assert errors == []
    assert statements[0].lines[0].remittance == "VIR SEPA SOCIÉTÉ GÉNÉRALE FACTURE F2024-001"
