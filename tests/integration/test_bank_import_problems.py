"""What a bank statement import tells its user, in French and in English.

Alice's Crédit Agricole export (``Date;Libellé;Débit;Crédit``, dates 13/03/2026) has a
row dated 31 February and a row whose amount is not one; a camt.053 and an MT940 of
the same account whose closing balance is 200,00 € off. The book (see conftest):
F-100, 1 200,00 € to Atelier Nord.
"""

from __future__ import annotations

import io
import re
import string

import pytest
from django.core.management import call_command
from django.utils import translation

from relance.formats.problems import ENGLISH
from relance.imports import wording
from relance.imports.bank import import_statement
from relance.ledger.models import BankLine
from tests.integration.test_bank_csv_import import CREDIT_AGRICOLE, saved

EXPORT = ("Date;Libellé;Débit;Crédit\r\n"
          "13/03/2026;VIR SEPA ATELIER NORD SARL FACTURE F-100;;1 200,00\r\n"
          "31/02/2026;PRLV URSSAF;1 234,56;\r\n"
          "14/03/2026;VIR BOREAL;;1 2O0,00\r\n").encode("cp1252")


@pytest.fixture
def banks(book):
    saved(book, "Crédit Agricole export", CREDIT_AGRICOLE)
    return book


def worded(errors, language: str) -> list[str]:
    with translation.override(language):
        return [wording.located(error) for error in errors]


def test_a_bad_date_and_a_bad_amount_are_told_in_french_and_in_english(banks):
    report = import_statement(banks, EXPORT, "releve.csv")

    assert report.count("created") == 1
    assert worded(report.rejected, "fr") == [
        "ligne 3, colonne « Date » : « 31/02/2026 » n’est pas une date au format JJ/MM/AAAA.",
        "ligne 4, colonne « Crédit » : « 1 2O0,00 » n’est pas un montant."]
    assert worded(report.rejected, "en") == [
        "line 3, column “Date”: “31/02/2026” is not a date in the format DD/MM/YYYY.",
        "line 4, column “Crédit”: “1 2O0,00” is not an amount."]
    # The English message kept for logs shows the format as a person writes it too.
    assert report.rejected[0].message == "not a date in the format DD/MM/YYYY: '31/02/2026'"


def test_cut_amounts_are_refused_row_by_row_with_a_clear_message(banks):
    data = ("Date;Libellé;Débit;Crédit\r\n13/03/2026;VIR A;;12,\r\n"
            "13/03/2026;VIR B;;,5\r\n13/03/2026;VIR C;;100,00\r\n").encode("cp1252")

    report = import_statement(banks, data, "coupe.csv")

    assert list(BankLine.objects.values_list("amount_minor", flat=True)) == [10000]
    assert [(e.line, e.code) for e in report.rejected] == [(2, "amount_cut"), (3, "amount_cut")]
    assert worded(report.rejected[:1], "fr") == [
        "ligne 2, colonne « Crédit » : « 12, » n’est pas un montant complet : il manque un "
        "chiffre avant ou après le séparateur décimal. La colonne a-t-elle été coupée ?"]
    assert worded(report.rejected[1:], "en") == [
        "line 3, column “Crédit”: “,5” is not a complete amount: a digit is missing before "
        "or after the decimal mark. Was the column cut short?"]


def test_the_cli_tells_the_rejected_rows_in_english_or_with_language_fr(banks, tmp_path):
    releve = tmp_path / "releve.csv"
    releve.write_bytes(EXPORT)

    english = _cli("import", "bank", str(releve), "--date", "2026-03-16")
    french = _cli("import", "bank", str(releve), "--date", "2026-03-16", "--language", "fr")

    assert english.splitlines()[0] == "releve.csv: bank_line: 1 created; 2 rejected"
    assert ("  rejected releve.csv line 3, column “Date”: “31/02/2026” is not a date in the "
            "format DD/MM/YYYY.") in english.splitlines()
    assert french.splitlines()[0] == "releve.csv : lignes bancaires : 1 sans changement ; 2 rejets"
    assert ("  rejet releve.csv ligne 4, colonne « Crédit » : « 1 2O0,00 » n’est pas un "
            "montant.") in french.splitlines()
    assert "%d" not in english + french


IBAN = "FR7630006000011234567890189"


def camt053(opening: str, closing: str) -> bytes:
    """A camt.053 with one credit of 1 200,00 € quoting F-100 and its two balances."""
    balances = "".join(
        f"""<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"""
        for code, amount, day in (("OPBD", opening, "2026-03-12"),
                                  ("CLBD", closing, "2026-03-13")))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-14T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>{balances}
<Ntry><Amt Ccy="EUR">1200.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2026-03-13</Dt></BookgDt><AcctSvcrRef>REF1</AcctSvcrRef><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>ATELIER NORD SARL</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>FACTURE F-100</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>""".encode()


def mt940(opening: str, closing: str) -> bytes:
    """The same day as an MT940: opening, the 1 200,00 € credit, closing."""
    return (f":20:STMT-2026-03-13\r\n:25:{IBAN}\r\n:28C:1/1\r\n:60F:C260312EUR{opening}\r\n"
            ":61:2603130313C1200,00NTRFNONREF//REF1\r\n:86:VIR SEPA ATELIER NORD FACTURE F-100\r\n"
            f":62F:C260313EUR{closing}\r\n-\r\n").encode("ascii")


@pytest.mark.parametrize("statement", [camt053("1000.00", "2000.00"), mt940("1000,00", "2000,00")],
                         ids=["camt.053", "MT940"])
def test_balances_that_do_not_add_up_import_every_line_with_a_warning(book, statement):
    report = import_statement(book, statement, "releve-mars")

    assert report.rejected == [] and report.count("created") == 1
    assert BankLine.objects.get().amount_minor == 120000
    assert report.reconciliation["matched"] == 1
    [warning] = report.warnings
    assert warning.code == "balance_mismatch"
    assert report.summary().splitlines()[0] == (
        "releve-mars: bank_line: 1 created; 0 rejected; 1 warning")
    with translation.override("fr"):
        assert wording.problem(warning) == (
            f"Compte {IBAN} : les lignes ont été importées, mais les soldes ne concordent pas : "
            "le solde d’ouverture de 1\u202f000,00\u00a0€ plus les mouvements de "
            "1\u202f200,00\u00a0€ font 2\u202f200,00\u00a0€, alors que le relevé se clôt à "
            "2\u202f000,00\u00a0€. Vérifiez qu’aucune ligne ne manque.")
        assert wording.summary(report).splitlines()[0] == (
            "releve-mars : lignes bancaires : 1 création ; 0 rejet ; 1 avertissement")
    with translation.override("en"):
        assert wording.problem(warning) == (
            f"Account {IBAN}: the lines were imported, but the balances do not add up: the "
            "opening balance of €1,000.00 plus the movements of €1,200.00 make €2,200.00, "
            "while the statement closes at €2,000.00. Check that no line is missing.")


def test_a_balanced_statement_has_no_warning(book):
    report = import_statement(book, camt053("1000.00", "2200.00"), "releve-mars")
    assert report.warnings == [] and report.rejected == []
    assert "warning" not in report.summary()


def test_more_decimals_than_the_currency_has_keeps_every_digit_in_the_sentence(banks):
    data = "Date;Libellé;Débit;Crédit\r\n13/03/2026;VIR B;;12,345\r\n".encode("cp1252")
    report = import_statement(banks, data, "trois-decimales.csv")
    assert worded(report.rejected, "fr") == [
        "ligne 2, champ amount : 12,345 a plus de décimales que la devise EUR n’en permet."]
    assert worded(report.rejected, "en") == [
        "line 2, field amount: 12.345 has more decimals than EUR allows."]


@pytest.mark.parametrize("code", sorted(ENGLISH))
def test_every_problem_has_a_sentence_in_french_and_english_with_the_same_values(code):
    english = {name for _text, name, _spec, _conv in string.Formatter().parse(ENGLISH[code])
               if name}
    sentence = wording.SENTENCES[code]
    assert set(re.findall(r"%\((\w+)\)s", sentence)) == english
    with translation.override("fr"):
        french = translation.gettext(sentence)
    assert french != sentence
    assert set(re.findall(r"%\((\w+)\)s", french)) == english


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_statement_of_another_account_is_imported_with_a_warning(book):
    book.iban = "FR7610107001011234567890129"
    book.save()
    report = import_statement(book, camt053("1000.00", "2200.00"), "releve.xml")

    assert report.count("created") == 1
    assert [(e.code, e.params["account"]) for e in report.warnings] == [
        ("not_own_account", IBAN)]
    assert worded(report.warnings, "fr") == [
        f"fichier : Le relevé est celui du compte {IBAN}, pas de l’IBAN de l’organisation "
        "FR7610107001011234567890129 : vérifiez qu’il a été importé dans la bonne "
        "organisation."]


def test_a_statement_of_another_organization_s_account_is_refused_whole(book):
    from relance.errors import FormatError
    from relance.ledger.models import Organization

    Organization.objects.create(slug="voisine", name="Voisine SAS", iban=IBAN)
    book.iban = ""
    book.save()
    with pytest.raises(FormatError) as refused:
        import_statement(book, camt053("1000.00", "2200.00"), "releve.xml")
    assert refused.value.code == "other_organization_account"
    assert "Voisine" not in str(refused.value)  # its name is not this user's to know
    assert not BankLine.objects.exists()


@pytest.mark.parametrize(("account", "iban", "same"), [
    ("FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189", True),
    ("FR7630006000011234567890189", "FR7610107001011234567890129", False),
    ("30006 00001 12345678901", "FR7630006000011234567890189", True),  # CFONB: the RIB
    ("30006 00001 99999999999", "FR7630006000011234567890189", False),
    ("123456789", "FR7630006000011234567890189", None),  # an MT940 account number
    ("FR7630006000011234567890189", "", None),
])
def test_a_statement_account_is_compared_with_an_iban(account, iban, same):
    from relance.formats.bank import same_account

    assert same_account(account, iban) is same
