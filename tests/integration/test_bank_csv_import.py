"""Bank statements exported as CSV, read through the organization's saved mapping.

Two banks, as their online banking exports them:

    Crédit Agricole  Date;Libellé;Débit;Crédit         Windows-1252, 13/03/2026, 1 200,00
    Boreal Bank      Booking date,Description,Payee,Amount   UTF-8, 2026-03-13, -1,234.56

The book (see conftest): F-100 1 200,00 € to Atelier Nord, F-200 2 400,00 € to Boréal.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from relance.errors import InputError
from relance.formats.bank.csvbank import CsvMapping
from relance.imports import bank_csv
from relance.imports.bank import import_statement
from relance.imports.bank_csv import CsvMappingNeeded
from relance.imports.folder import watch_once
from relance.ledger.models import BankCsvMapping, BankLine, Invoice, Organization
from relance.ledger.services import balance_of

IBAN = "FR7630006000011234567890189"
FRENCH = ("Date;Libellé;Débit;Crédit\r\n"
          "13/03/2026;VIR SEPA ATELIER NORD SARL FACTURE F-100;;1 200,00\r\n"
          "14/03/2026;PRLV URSSAF COTISATIONS;1 234,56;\r\n"
          ";;;\r\n").encode("cp1252")
ENGLISH = (b"Booking date,Description,Payee,Amount\n"
           b"2026-03-13,INVOICE F-200,BOREAL LTD,\"2,400.00\"\n"
           b"2026-03-14,Card fee,,-12.50\n")
CREDIT_AGRICOLE = CsvMapping(date="Date", debit="Débit", credit="Crédit", label="Libellé",
                             delimiter=";", encoding="cp1252", date_format="%d/%m/%Y",
                             decimal_separator=",", account=IBAN)
BOREAL = CsvMapping(date="Booking date", amount="Amount", label="Description", name="Payee",
                    delimiter=",", encoding="utf-8-sig", date_format="%Y-%m-%d",
                    decimal_separator=".")


def saved(org: Organization, name: str, mapping: CsvMapping) -> BankCsvMapping:
    row = BankCsvMapping.from_csv_mapping(org, name, mapping)
    row.full_clean()
    row.save()
    return row


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def banks(book):
    saved(book, "Crédit Agricole export", CREDIT_AGRICOLE)
    saved(book, "Boreal Bank", BOREAL)
    return book


def test_a_mapping_saved_and_read_back_is_the_same_mapping(org):
    tricky = CsvMapping(date="Date opération", value_date="Date valeur", amount="Montant",
                        label="Libellé", reference="Référence", name="Tiers",
                        counterparty_iban="IBAN tiers", delimiter="\t", encoding="iso-8859-15",
                        date_format="%d.%m.%Y", decimal_separator=",", skip_rows=3,
                        account=IBAN, currency="CHF")
    for mapping in (CREDIT_AGRICOLE, BOREAL, tricky):
        saved(org, f"m{mapping.date}", mapping)
        assert BankCsvMapping.objects.get(name=f"m{mapping.date}").csv_mapping() == mapping


def test_a_mapping_refuses_a_wrong_iban_and_a_missing_amount(org):
    with pytest.raises(InputError, match="account: Cet IBAN n’est pas valide"):
        bank_csv.save(org, "x", {"date_column": "Date", "amount_column": "M",
                                 "account": "FR7630006000011234567890188"})
    with translation.override("en"), pytest.raises(
            InputError, match="either the amount column or the debit and credit"):
        bank_csv.save(org, "x", {"date_column": "Date"})
    row, created = bank_csv.save(org, "x", {"date_column": "Date", "amount_column": "M",
                                            "account": "fr76 3000 6000 0112 3456 7890 189"})
    assert created and row.account == IBAN
    assert not BankCsvMapping.objects.exclude(pk=row.pk).exists()


def test_a_french_export_is_read_with_its_saved_mapping_and_settles_the_invoice(banks):
    report = import_statement(banks, FRENCH, "releve-mars.csv",
                              mapping="Crédit Agricole export")
    assert report.count("created") == 2 and report.rejected == []
    credit, debit = BankLine.objects.order_by("booking_date")
    assert (credit.booking_date, credit.amount, credit.account) == (
        date(2026, 3, 13), Decimal("1200.00"), IBAN)
    assert (debit.amount, debit.status, debit.remittance) == (
        Decimal("-1234.56"), "debit", "PRLV URSSAF COTISATIONS")
    assert sum(report.reconciliation.values()) == 1
    assert balance_of(Invoice.objects.get(number="F-100")) == 0


def test_the_mapping_is_recognised_from_the_header_when_none_is_named(banks):
    import_statement(banks, ENGLISH, "boreal.csv")
    assert sorted(BankLine.objects.values_list("amount_minor", flat=True)) == [-1250, 240000]
    assert BankLine.objects.get(amount_minor=240000).counterparty_name == "BOREAL LTD"
    import_statement(banks, FRENCH, "releve.csv")
    assert BankLine.objects.count() == 4


def test_an_amount_with_more_decimals_than_the_currency_is_a_rejected_row(banks):
    """12,345 € cannot be a euro amount: that row is refused, the others are imported."""
    data = ("Date;Libellé;Débit;Crédit\r\n13/03/2026;VIR A;;100,00\r\n"
            "13/03/2026;VIR B;;12,345\r\n").encode("cp1252")
    report = import_statement(banks, data, "trois-decimales.csv",
                              mapping="Crédit Agricole export")
    assert report.count("created") == 1
    [error] = report.rejected
    assert error.line == 3 and "more decimals than EUR allows" in error.message
    assert list(BankLine.objects.values_list("amount_minor", flat=True)) == [10000]


def test_importing_the_same_export_twice_changes_nothing(banks):
    import_statement(banks, FRENCH, "releve.csv")
    rows = list(BankLine.objects.values_list("key", "status", "amount_minor"))
    again = import_statement(banks, FRENCH, "releve (1).csv")
    assert not again.changed and again.count("unchanged") == 2
    assert list(BankLine.objects.values_list("key", "status", "amount_minor")) == rows


def test_a_file_no_mapping_fits_names_the_missing_columns(banks):
    data = "Date;Libellé;Montant\n13/03/2026;VIR;10,00\n".encode("cp1252")
    with pytest.raises(CsvMappingNeeded) as caught:
        import_statement(banks, data, "autre.csv")
    assert caught.value.header == ["Date", "Libellé", "Montant"]
    assert caught.value.missing == {"Boreal Bank": ["Booking date", "Amount", "Description",
                                                    "Payee"],
                                    "Crédit Agricole export": ["Débit", "Crédit"]}
    message = str(caught.value)
    assert "Payee for 'Boreal Bank'; Débit, Crédit for 'Crédit Agricole export'" in message
    assert "relance bank-mapping add" in message
    assert not BankLine.objects.exists()


def test_an_organization_without_mappings_is_told_how_to_define_one(org):
    with pytest.raises(CsvMappingNeeded, match="does not have yet: define one with"):
        import_statement(org, ENGLISH, "boreal.csv")


def test_two_mappings_that_both_fit_must_be_chosen_between(banks):
    saved(banks, "Boreal (copie)", BOREAL)
    with pytest.raises(CsvMappingNeeded, match=r"several saved CSV mappings fit this file "
                                               r"\(Boreal \(copie\), Boreal Bank\)"):
        import_statement(banks, ENGLISH, "boreal.csv")
    import_statement(banks, ENGLISH, "boreal.csv", mapping="Boreal Bank")
    assert BankLine.objects.count() == 2


def test_a_mapping_belongs_to_its_organization(banks):
    other = Organization.objects.create(slug="globex", name="Globex")
    with pytest.raises(CsvMappingNeeded):
        import_statement(other, FRENCH, "releve.csv")
    with pytest.raises(bank_csv.NotFound):
        import_statement(other, FRENCH, "releve.csv", mapping="Crédit Agricole export")


def test_the_cli_imports_a_csv_statement_with_a_named_or_recognised_mapping(banks, tmp_path):
    releve, boreal = tmp_path / "releve.csv", tmp_path / "boreal.csv"
    releve.write_bytes(FRENCH)
    boreal.write_bytes(ENGLISH)
    out = cli("import", "bank", str(releve), "--mapping", "crédit agricole export",
              "--date", "2026-03-16")
    assert "releve.csv: bank_line: 2 created; 0 rejected" in out
    out = cli("import", "bank", str(releve), str(boreal), "--date", "2026-03-16")
    assert "bank_line: 2 unchanged" in out and "boreal.csv: bank_line: 2 created" in out
    with pytest.raises(CommandError, match="no CSV mapping named 'Qonto'"):
        cli("import", "bank", str(releve), "--mapping", "Qonto")


def test_the_cli_rejects_a_csv_no_mapping_fits(banks, tmp_path):
    other = tmp_path / "autre.csv"
    other.write_text("Date;Montant\n13/03/2026;10,00\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="some files were rejected"):
        call_command("import", "bank", str(other), stdout=io.StringIO(), stderr=err)
    assert ("; Débit, Crédit, Libellé for “Crédit Agricole export”. Correct a format or "
            "define one with: relance bank-mapping add.") in err.getvalue()


def test_the_cli_adds_lists_shows_and_removes_mappings(org, tmp_path):
    out = cli("bank-mapping", "add", "Crédit Agricole export", "--org", "acme", "--date",
              "Date", "--debit", "Débit", "--credit", "Crédit", "--label", "Libellé",
              "--encoding", "cp1252", "--account", "FR76 3000 6000 0112 3456 7890 189")
    assert "Crédit Agricole export: mapping added" in out
    assert BankCsvMapping.objects.get().csv_mapping() == CREDIT_AGRICOLE
    assert "[FR7630006000011234567890189]  Date, Débit, Crédit, Libellé" in cli(
        "bank-mapping", "--org", "acme", "list")
    sample = tmp_path / "releve.csv"
    sample.write_bytes(FRENCH)
    out = cli("bank-mapping", "show", "Crédit Agricole export", "--sample", str(sample))
    assert "header of releve.csv: Date | Libellé | Débit | Crédit" in out
    assert "line 3: 2026-03-14     -1234.56 EUR" in out and "2 line(s) read" in out
    assert "mapping replaced" in cli("bank-mapping", "add", "Crédit Agricole export",
                                     "--date", "Date", "--amount", "Montant")
    with pytest.raises(CommandError, match="This IBAN is not valid"):
        cli("bank-mapping", "add", "x", "--date", "D", "--amount", "M", "--account", "FR12")
    assert "mapping removed" in cli("bank-mapping", "remove", "Crédit Agricole export")
    assert not BankCsvMapping.objects.exists()
    with pytest.raises(CommandError, match="no CSV mapping named"):
        cli("bank-mapping", "show", "Crédit Agricole export")


def test_the_import_folder_recognises_a_csv_export_by_its_saved_mapping(banks, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "releve.csv").write_bytes(FRENCH)
    (inbox / "inconnu.csv").write_text("Date;Montant\n13/03/2026;10,00\n")
    with translation.override("en"):
        lines = watch_once(banks, inbox, date(2026, 3, 16))
    assert lines[1].startswith("[bank] releve.csv: bank_line: 2 created")
    assert lines[0].startswith("[?] inconnu.csv: rejected")
    assert (inbox / "done" / "releve.csv").exists()
    assert (inbox / "rejected" / "inconnu.csv").exists()


def test_the_preview_shows_the_first_lines_and_what_is_wrong(banks):
    row = BankCsvMapping.objects.get(name="Crédit Agricole export")
    result = bank_csv.preview(bank_csv.sample_head(FRENCH, lines=2), row)
    assert result.header == ["Date", "Libellé", "Débit", "Crédit"]
    assert [line.amount for line in result.lines] == [Decimal("1200.00")]
    row.encoding = "utf-8-sig"
    with translation.override("en"):
        result = bank_csv.preview(FRENCH, row)
    assert result.problem == ("The text is not valid utf-8-sig (byte 11). Was the file exported "
                              "in Windows-1252? Then set the format's encoding to cp1252.")
    assert result.header[1] == "Libell\ufffd"
    with translation.override("fr"):
        assert "choisissez alors l’encodage cp1252" in bank_csv.preview(FRENCH, row).problem.lower()


@pytest.mark.parametrize("lines, expected", [(1, b"a;b\n"), (2, b"a;b\n1;2\n"),
                                             (9, b"a;b\n1;2\n3;4")])
def test_a_sample_keeps_whole_lines(lines, expected):
    assert bank_csv.sample_head(b"a;b\n1;2\n3;4", lines) == expected
