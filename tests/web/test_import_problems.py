"""The row report of a bank statement upload, in the reader's language.

Alice uploads her Crédit Agricole export with a row dated 31 February and an amount
that is not one, then a camt.053 whose closing balance is 200,00 € off: its line is
imported and the page warns her, without counting anything as rejected.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from relance.ledger.models import BankLine
from relance.web.models import ImportRun
from tests.integration.test_bank_import_problems import EXPORT, camt053
from tests.web.test_bank_formats import CREDIT_AGRICOLE, FORMATS, create

NBSP, NNBSP = "\u00a0", "\u202f"


def upload(client, data: bytes, name: str):
    return client.post("/o/acme/imports/", {
        "kind": "bank", "file": SimpleUploadedFile(name, data, content_type="text/csv")},
        follow=True)


def test_rejected_rows_read_in_french_then_in_english(alice, w):
    create(alice, CREDIT_AGRICOLE)
    page = upload(alice, EXPORT, "releve.csv").content.decode()

    assert "Lignes rejetées" in page
    assert "« 31/02/2026 » n’est pas une date au format JJ/MM/AAAA." in page
    assert "« 1 2O0,00 » n’est pas un montant." in page
    assert "<td>Crédit</td>" in page and "%d/%m/%Y" not in page
    run = ImportRun.objects.get()
    alice.post("/i18n/setlang/", {"language": "en", "next": "/o/acme/"})
    page = alice.get(f"/o/acme/imports/{run.pk}/").content.decode()
    assert "“31/02/2026” is not a date in the format DD/MM/YYYY." in page
    assert "“1 2O0,00” is not an amount." in page


def test_a_statement_whose_balances_do_not_add_up_is_imported_with_a_warning(alice, w):
    page = upload(alice, camt053("1000.00", "2000.00"), "releve-mars.xml").content.decode()

    assert BankLine.objects.count() == 1
    run = ImportRun.objects.get()
    assert run.rejected == [] and [e["code"] for e in run.warnings] == ["balance_mismatch"]
    assert "Avertissements" in page and "Lignes rejetées" not in page
    assert (f"le solde d’ouverture de 1{NNBSP}000,00{NBSP}€ plus les mouvements de "
            f"1{NNBSP}200,00{NBSP}€ font 2{NNBSP}200,00{NBSP}€, alors que le relevé se clôt "
            f"à 2{NNBSP}000,00{NBSP}€") in page
    listing = alice.get("/o/acme/imports/").content.decode()
    assert '<span class="tag warn">1 avertissement</span>' in listing
    assert "rejetée(s)" not in listing


def test_a_run_stored_before_problems_had_codes_shows_its_message(alice, w):
    run = ImportRun.objects.create(
        organization=w["acme"], kind="bank", file_name="ancien.csv", summary="",
        rejected=[{"line": 3, "field": "date", "message": "not a date in the format "
                                                          "%d/%m/%Y: '31/02/2026'"}])
    page = alice.get(f"/o/acme/imports/{run.pk}/").content.decode()
    assert "not a date in the format %d/%m/%Y: &#x27;31/02/2026&#x27;" in page


def test_the_format_preview_words_the_samples_problems_in_french(alice, w):
    response = alice.post(FORMATS + "new/", {**CREDIT_AGRICOLE, "preview": "1", "sample":
                          SimpleUploadedFile("releve.csv", EXPORT, content_type="text/csv")})
    page = response.content.decode()
    assert ("ligne 3, colonne « Date » : « 31/02/2026 » n’est pas une date au format "
            "JJ/MM/AAAA.") in page


def test_an_invoices_csv_fec_and_e_invoice_read_in_french_then_in_english(alice, w):
    """Alice uploads a CSV of invoices, a FEC and a Factur-X XML, each with problems: the
    page tells them in French, and in English once she switches language."""
    from tests.formats.einvoice.test_fields import cii
    from tests.integration.test_import_problems import INVOICES, bad_fec

    pages = [upload_as(alice, kind, data, name).content.decode() for kind, data, name in (
        ("invoices", INVOICES, "factures.csv"), ("fec", bad_fec(), "FEC.txt"),
        ("einvoice", cii(issued="2026-01-15"), "facture.xml"))]

    assert ("« 2026-13-01 » n’est pas une date au format AAAA-MM-JJ ni JJ/MM/AAAA."
            in pages[0])
    assert "<td>customer_ref</td>" in pages[0] and "Une valeur obligatoire manque." in pages[0]
    assert "« 6O,00 » n’est pas un montant." in pages[1] and "<td>Debit</td>" in pages[1]
    assert ("Le champ « date d’émission » (BT-2) contient « 2026-01-15 », qui n’est pas "
            "une date au format AAAAMMJJ.") in pages[2]
    assert not any("%Y" in page or "%d" in page for page in pages)
    alice.post("/i18n/setlang/", {"language": "en", "next": "/o/acme/"})
    first = ImportRun.objects.get(file_name="factures.csv")
    page = alice.get(f"/o/acme/imports/{first.pk}/").content.decode()
    assert "“2026-13-01” is not a date in the format YYYY-MM-DD or DD/MM/YYYY." in page
    assert "The due date, 1 January 2026, is before the issue date, 31 January 2026." in page


def upload_as(client, kind: str, data: bytes, name: str):
    return client.post("/o/acme/imports/", {
        "kind": kind, "file": SimpleUploadedFile(name, data)}, follow=True)


def test_a_file_refused_as_a_whole_says_why_in_the_reader_s_language(alice, w):
    bomb = b'<!DOCTYPE x [<!ENTITY a "camt.053">]><Document>&a;</Document>'
    page = upload(alice, bomb, "releve.xml").content.decode()

    assert ("Ce fichier est illisible : Un XML avec une déclaration DOCTYPE ou d’entité est "
            "refusé, par sécurité.") in page
    assert not ImportRun.objects.exists() and not BankLine.objects.exists()
    alice.post("/i18n/setlang/", {"language": "en", "next": "/o/acme/"})
    page = upload(alice, bomb, "releve.xml").content.decode()
    assert ("This file cannot be read: XML with a DOCTYPE or an entity declaration is refused, "
            "for safety.") in page
