"""What an import of a FEC, a customers or invoices CSV or an e-invoice tells its user,
in French and in English: the same problem codes as the bank statements.

Each file is built here with one bad date, one bad amount and one missing required
field; the rows that are right are imported all the same.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.utils import translation

from relance.formats.problems import ENGLISH, TERMS
from relance.imports import wording
from relance.imports.csv_files import import_contacts, import_invoices
from relance.imports.einvoice import import_einvoice
from relance.imports.fec import import_fec
from relance.ledger.models import Invoice
from tests.formats.einvoice.test_fields import UBL_CREDIT_NOTE, cii
from tests.formats.test_fec import BANK, INVOICE, PAYMENT, SALE, VAT, entry_line, fec


def worded(errors, language: str) -> list[str]:
    with translation.override(language):
        return [wording.located(error) for error in errors]


# --- FEC ---------------------------------------------------------------------------------

def bad_fec() -> bytes:
    """Line 3 dated 31 February, line 4 with a letter O in its debit, line 5 a customer-
    account line without CompAuxNum; lines 2, 6 and 7 are right."""
    return fec(INVOICE,
               entry_line("VE", "13", "20240231", "411000", "60,00", "0,00", customer="C001"),
               entry_line("VE", "14", "20240110", "411000", "6O,00", "0,00", customer="C001"),
               entry_line("OD", "7", "20240301", "411000", "10,00", "0,00", label="sans compte"),
               PAYMENT, BANK)


def test_a_fec_s_bad_date_amount_and_customer_account_are_told_in_french(org):
    report = import_fec(org, bad_fec(), "FEC.txt")

    assert [(e.line, e.code) for e in report.rejected] == [
        (3, "not_a_date"), (4, "not_an_amount"), (5, "no_customer_account")]
    assert report.count("created", "invoice") == 1
    assert worded(report.rejected, "fr") == [
        "ligne 3, colonne « EcritureDate » : « 20240231 » n’est pas une date au format "
        "AAAAMMJJ.",
        "ligne 4, colonne « Debit » : « 6O,00 » n’est pas un montant.",
        "ligne 5, colonne « CompAuxNum » : Ligne du compte client 411000 sans compte "
        "auxiliaire (CompAuxNum) : elle ne peut être rattachée à aucun client."]
    assert worded(report.rejected, "en") == [
        "line 3, column “EcritureDate”: “20240231” is not a date in the format YYYYMMDD.",
        "line 4, column “Debit”: “6O,00” is not an amount.",
        "line 5, column “CompAuxNum”: Line of customer account 411000 without an auxiliary "
        "account (CompAuxNum): it cannot be tied to a customer."]
    # The English message of logs and report files says the same, without strftime codes.
    assert str(report.rejected[0]) == (
        "line 3, field EcritureDate: not a date in the format YYYYMMDD: '20240231'")


def test_a_fec_line_without_its_entry_date_says_the_date_is_missing(org):
    report = import_fec(org, fec(INVOICE.replace("|20240105|", "||"), SALE, VAT), "FEC.txt")

    [error] = report.rejected
    assert (error.line, error.field, error.params["text"]) == (2, "EcritureDate", "")
    assert worded([error], "fr") == [
        "ligne 2, colonne « EcritureDate » : La date manque (format attendu : AAAAMMJJ)."]
    assert worded([error], "en") == [
        "line 2, column “EcritureDate”: The date is missing (expected format YYYYMMDD)."]


def test_a_fec_line_of_the_wrong_width_and_a_bad_sens_are_worded(org):
    header = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
              "CompAuxLib|PieceRef|PieceDate|EcritureLib|Montant|Sens|EcritureLet|DateLet|"
              "ValidDate|Montantdevise|Idevise")
    right = "VE|Ventes|1|20240105|411000||C001|Dupont|F-1|20240105|F-1|120,00|D|||||"
    data = fec(right, right.replace("|D|", "|X|"), "VE|Ventes|2|20240105", header=header)

    report = import_fec(org, data, "FEC.txt")

    assert worded(report.rejected, "fr") == [
        "ligne 3, colonne « Sens » : Le sens (Sens) est « X », et non D, C, +1 ou -1.",
        "ligne 4 : La ligne compte 4 champs alors que l’en-tête en nomme 18."]
    assert worded(report.rejected, "en") == [
        "line 3, column “Sens”: The direction (Sens) is “X”, not D, C, +1 or -1.",
        "line 4: The line has 4 fields where the header names 18."]


# --- Customers and invoices CSV --------------------------------------------------------------

INVOICES = (b"number;customer_ref;issue_date;due_date;amount\n"
            b"F-1;C1;2026-01-01;2026-01-31;100.00\n"
            b"F-2;C1;2026-13-01;2026-01-31;100.00\n"
            b"F-3;C1;2026-01-01;2026-01-31;12O,50\n"
            b"F-4;;2026-01-01;2026-01-31;50\n"
            b"F-5;C1;31/01/2026;01/01/2026;50\n"
            b"F-6;C1;2026-01-01;2026-01-31;1.234,5\n"
            b"F-7;C1;2026-01-01;2026-01-31;-5\n"
            b"F-8;C1;2026-01-01;;50\n")


def test_an_invoices_csv_s_problems_are_told_in_french_and_in_english(org):
    report = import_invoices(org, INVOICES, "factures.csv")

    assert list(Invoice.objects.values_list("number", flat=True)) == ["F-1"]
    assert worded(report.rejected, "fr") == [
        "ligne 3, colonne « issue_date » : « 2026-13-01 » n’est pas une date au format "
        "AAAA-MM-JJ ni JJ/MM/AAAA.",
        "ligne 4, colonne « amount » : « 12O,50 » n’est pas un montant.",
        "ligne 5, colonne « customer_ref » : Une valeur obligatoire manque.",
        "ligne 6, colonne « due_date » : L’échéance, le 1er janvier 2026, précède la date "
        "d’émission, le 31 janvier 2026.",
        "ligne 7, colonne « amount » : « 1.234,5 » est ambigu : il contient une virgule et "
        "un point. N’utilisez qu’un séparateur décimal.",
        "ligne 8, colonne « amount » : Le montant doit être positif, et non « -5 ».",
        "ligne 9, colonne « due_date » : Une valeur obligatoire manque."]
    assert worded(report.rejected, "en") == [
        "line 3, column “issue_date”: “2026-13-01” is not a date in the format YYYY-MM-DD "
        "or DD/MM/YYYY.",
        "line 4, column “amount”: “12O,50” is not an amount.",
        "line 5, column “customer_ref”: A required value is missing.",
        "line 6, column “due_date”: The due date, 1 January 2026, is before the issue date, "
        "31 January 2026.",
        "line 7, column “amount”: “1.234,5” is ambiguous: it has both a comma and a dot. "
        "Use one decimal mark.",
        "line 8, column “amount”: The amount must be positive, not “-5”.",
        "line 9, column “due_date”: A required value is missing."]
    # Logs keep the English messages of before, field and all.
    assert [str(e) for e in report.rejected[:3]] == [
        "line 3, field issue_date: not a date: '2026-13-01' (expected YYYY-MM-DD or "
        "DD/MM/YYYY)",
        "line 4, field amount: not an amount: '12O,50'",
        "line 5, field customer_ref: missing"]


def test_a_contacts_csv_s_problems_are_told_in_french_and_in_english(org):
    data = (b"customer_ref;role;language;siren;payment_terms_days\n"
            b"C1;boss;fr;;\n"
            b"C2;;de;;\n"
            b"C3;;;123456789;\n"
            b"C4;;;;trente\n"
            b";business;;;\n")

    report = import_contacts(org, data, "clients.csv")

    assert worded(report.rejected, "fr") == [
        "ligne 2, colonne « role » : « boss » ne fait pas partie des valeurs acceptées : "
        "accounts_payable, business, legal.",
        "ligne 3, colonne « language » : « de » ne fait pas partie des valeurs acceptées : "
        "fr, en.",
        "ligne 4, colonne « siren » : « 123456789 » n’est pas un SIREN valide (9 chiffres, "
        "le dernier étant une clé de contrôle).",
        "ligne 5, colonne « payment_terms_days » : « trente » n’est pas un nombre de jours.",
        "ligne 6, colonne « customer_ref » : Une valeur obligatoire manque."]
    assert worded(report.rejected[:1], "en") == [
        "line 2, column “role”: “boss” is not one of the accepted values: accounts_payable, "
        "business, legal."]


def test_an_invoice_in_a_currency_that_is_not_one(org):
    data = b"number;customer_ref;issue_date;due_date;amount;currency\nF-1;C1;2026-01-01;" \
           b"2026-01-31;10;EURO\n"
    report = import_invoices(org, data, "factures.csv")
    assert worded(report.rejected, "fr") == [
        "ligne 2, colonne « currency » : « EURO » n’est pas un code de devise (ISO 4217, "
        "comme EUR)."]


# --- E-invoices ----------------------------------------------------------------------------

def test_an_e_invoice_s_bad_date_and_amount_are_told_in_french_and_in_english(org):
    data = cii(issued="2026-01-15",
               grand="<ram:GrandTotalAmount>1 2OO,00</ram:GrandTotalAmount>")

    report = import_einvoice(org, data, "facture.xml")

    assert not Invoice.objects.exists()
    issued, total = sorted(report.rejected, key=lambda e: e.line)
    assert (issued.code, total.code) == ("term_not_a_date", "term_not_an_amount")
    assert worded([issued, total], "fr") == [
        f"ligne {issued.line} : Le champ « date d’émission » (BT-2) contient « 2026-01-15 », "
        "qui n’est pas une date au format AAAAMMJJ.",
        f"ligne {total.line} : Le champ « montant total TTC » (BT-112) contient "
        "« 1 2OO,00 », qui n’est pas un montant."]
    assert worded([issued, total], "en") == [
        f"line {issued.line}: The field “issue date” (BT-2) holds “2026-01-15”, which is "
        "not a date in the format YYYYMMDD.",
        f"line {total.line}: The field “grand total amount” (BT-112) holds “1 2OO,00”, "
        "which is not an amount."]
    assert str(issued) == (f"line {issued.line}, field issue_date: issue date (BT-2) "
                           "'2026-01-15' is not a date in the format YYYYMMDD")


def test_an_e_invoice_without_its_number_names_the_business_term(org):
    report = import_einvoice(org, cii(number=""), "facture.xml")

    [missing] = report.rejected
    assert (missing.line, missing.field, missing.params) == (
        None, "number", {"term": "BT-1"})
    assert worded([missing], "fr") == [
        "fichier : Le champ obligatoire « numéro de facture » (BT-1) est absent."]
    assert worded([missing], "en") == [
        "file: The mandatory field “invoice number” (BT-1) is missing."]
    assert wording.column(missing) == "BT-1"
    assert str(missing) == "file, field number: missing invoice number (BT-1)"


def test_a_ubl_credit_note_with_a_bad_date_and_no_buyer_name(org):
    data = UBL_CREDIT_NOTE.replace(b"2026-03-02", b"02/03/2026").replace(
        b"<cbc:Name>Client Trading</cbc:Name>", b"")

    report = import_einvoice(org, data, "avoir.xml")

    assert worded(report.rejected, "fr") == [
        "ligne 7 : Le champ « date d’émission » (BT-2) contient « 02/03/2026 », qui n’est "
        "pas une date au format AAAA-MM-JJ.",
        "fichier : Le champ obligatoire « nom de l’acheteur » (BT-44) est absent."]
    assert worded(report.rejected, "en")[1] == (
        "file: The mandatory field “buyer name” (BT-44) is missing.")


def test_an_e_invoice_whose_amount_due_goes_the_other_way_shows_it_as_money(org):
    report = import_einvoice(org, cii(due="-1500.00"), "facture.xml")

    [error] = report.rejected
    assert (error.code, error.params["amount"], error.params["currency"]) == (
        "due_against_total", "-1500.00", "EUR")
    with translation.override("fr"):
        assert wording.problem(error) == (
            "Le champ « montant à payer » (BT-115) vaut -1\u202f500,00\u00a0€ : son signe est "
            "l’inverse de celui du montant total TTC.")
    with translation.override("en"):
        assert wording.problem(error) == (
            "The field “amount due for payment” (BT-115) is -€1,500.00: its sign is the "
            "opposite of the grand total's.")


def test_a_bad_currency_code_in_an_e_invoice(org):
    report = import_einvoice(org, cii().replace(b">EUR<", b">euro<"), "facture.xml")
    assert worded(report.rejected, "fr") == [
        "fichier : Le champ « code de devise de la facture » (BT-5) contient « euro », qui "
        "n’est pas un code de devise ISO 4217."]


# --- The command line ------------------------------------------------------------------------

def test_relance_import_language_fr_tells_every_kind_of_file_in_french(org, tmp_path):
    (tmp_path / "factures.csv").write_bytes(INVOICES)
    (tmp_path / "FEC.txt").write_bytes(bad_fec())
    (tmp_path / "facture.xml").write_bytes(cii(number=""))

    french = (_cli("import", "invoices", str(tmp_path / "factures.csv"), "--language", "fr")
              + _cli("import", "fec", str(tmp_path / "FEC.txt"), "--language", "fr")
              + _cli("import", "einvoice", str(tmp_path / "facture.xml"), "--language", "fr"))
    english = _cli("import", "invoices", str(tmp_path / "factures.csv"))

    assert ("  rejet factures.csv ligne 3, colonne « issue_date » : « 2026-13-01 » n’est pas "
            "une date au format AAAA-MM-JJ ni JJ/MM/AAAA.") in french.splitlines()
    assert ("  rejet FEC.txt ligne 4, colonne « Debit » : « 6O,00 » n’est pas un "
            "montant.") in french.splitlines()
    assert ("  rejet facture.xml fichier : Le champ obligatoire « numéro de facture » (BT-1) "
            "est absent.") in french.splitlines()
    assert ("  rejected factures.csv line 5, column “customer_ref”: A required value is "
            "missing.") in english.splitlines()
    assert "%Y" not in french + english and "%d" not in french + english


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- Every code, both languages ----------------------------------------------------------

def test_no_code_is_defined_in_two_sections_of_the_catalogue():
    from relance.formats import problems

    sections = (problems.SHARED, problems.BANK, problems.FEC, problems.CSV_LEDGER,
                problems.EINVOICE, problems.FILE)
    assert sum(map(len, sections)) == len(ENGLISH)


@pytest.mark.parametrize("code", sorted(wording.EMPTY))
def test_the_sentences_of_an_empty_cell_are_translated_with_the_code_s_values(code):
    sentence = wording.EMPTY[code]
    with translation.override("fr"):
        french = translation.gettext(sentence)
    assert french != sentence
    assert set(re.findall(r"%\((\w+)\)s", french)) == set(re.findall(r"%\((\w+)\)s", sentence))


@pytest.mark.parametrize("term", sorted(TERMS))
def test_every_business_term_has_its_name_in_french_and_english(term):
    with translation.override("en"):
        assert str(wording.TERMS[term]) == TERMS[term]
    with translation.override("fr"):
        assert str(wording.TERMS[term]) != TERMS[term]
