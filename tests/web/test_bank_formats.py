"""Settings → bank CSV formats, and a CSV statement uploaded on the imports page.

Alice (acme's administrator) describes her bank's export, checks it on a sample, then
uploads March's statement: Atelier Nord's 1 200,00 € transfer quoting F-100 arrives.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from relance.ledger.models import BankCsvMapping, BankLine, Invoice
from relance.ledger.services import balance_of
from relance.web.models import ImportRun
from tests.web.builders import PASSWORD

IBAN = "FR7630006000011234567890189"
FRENCH = ("Date;Libellé;Débit;Crédit\r\n"
          "13/03/2026;VIR SEPA ATELIER NORD SARL FACTURE F-100;;1 200,00\r\n"
          "14/03/2026;PRLV URSSAF COTISATIONS;1 234,56;\r\n").encode("cp1252")
ENGLISH = (b"Booking date,Description,Payee,Amount\n"
           b"2026-03-13,INVOICE F-200,BOREAL LTD,\"2,400.00\"\n")
CREDIT_AGRICOLE = {
    "name": "Crédit Agricole export", "account": "FR76 3000 6000 0112 3456 7890 189",
    "currency": "EUR", "date_column": "Date", "debit_column": "Débit",
    "credit_column": "Crédit", "label_column": "Libellé", "delimiter": ";",
    "encoding": "cp1252", "date_format": "%d/%m/%Y", "decimal_separator": ",",
    "skip_rows": "0"}
BOREAL = {**CREDIT_AGRICOLE, "name": "Boreal Bank", "account": "", "date_column": "Booking date",
          "debit_column": "", "credit_column": "", "amount_column": "Amount",
          "label_column": "Description", "name_column": "Payee", "delimiter": ",",
          "encoding": "utf-8-sig", "date_format": "%Y-%m-%d", "decimal_separator": "."}
FORMATS = "/o/acme/settings/bank-formats/"


def csv_file(data: bytes, name: str = "releve.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def create(client, fields: dict) -> BankCsvMapping:
    response = client.post(FORMATS + "new/", {**fields, "save": "1"}, follow=True)
    assert response.redirect_chain == [(FORMATS, 302)], response.content.decode()
    return BankCsvMapping.objects.get(name=fields["name"])


def upload(client, data: bytes, **fields):
    return client.post("/o/acme/imports/", {"kind": "bank", "file": csv_file(data), **fields},
                       follow=True)


def test_the_settings_page_links_to_the_bank_formats(alice, w):
    assert FORMATS in alice.get("/o/acme/settings/").content.decode()
    page = alice.get(FORMATS).content.decode()
    assert "Formats CSV bancaires" in page and "Aucun format" in page


def test_an_administrator_previews_a_sample_then_saves_the_format(alice, w):
    response = alice.post(FORMATS + "new/", {**CREDIT_AGRICOLE, "preview": "1",
                                             "sample": csv_file(FRENCH)})
    page = response.content.decode()
    assert response.status_code == 200 and not BankCsvMapping.objects.exists()
    assert "<code>Libellé</code>" in page and "VIR SEPA ATELIER NORD SARL FACTURE F-100" in page
    assert "1\u202f200,00\u00a0€" in page and "-1\u202f234,56\u00a0€" in page
    assert 'name="sample_head" value=""' not in page  # the sample rides along
    kept = page.split('name="sample_head" value="')[1].split('"')[0]
    response = alice.post(FORMATS + "new/", {**CREDIT_AGRICOLE, "sample_head": kept,
                                             "save": "1"}, follow=True)
    assert "Format CSV bancaire « Crédit Agricole export » enregistré." in \
        response.content.decode()
    row = BankCsvMapping.objects.get()
    assert row.organization == w["acme"] and row.account == IBAN
    assert row.csv_mapping().columns() == {"date": "Date", "debit": "Débit",
                                           "credit": "Crédit", "label": "Libellé"}


def test_the_preview_says_when_the_format_does_not_read_the_sample(alice, w):
    page = alice.post(FORMATS + "new/", {**CREDIT_AGRICOLE, "encoding": "utf-8-sig",
                                         "preview": "1", "sample": csv_file(FRENCH)}
                      ).content.decode()
    assert "Ce format ne lit pas l’exemple" in page and "utf-8-sig" in page


def test_a_wrong_format_is_answered_next_to_each_field(alice, w):
    create(alice, BOREAL)
    response = alice.post(FORMATS + "new/", {
        **CREDIT_AGRICOLE, "name": "boreal bank", "account": "FR7630006000011234567890188",
        "amount_column": "Montant", "save": "1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Un format de ce nom existe déjà." in page
    assert "Cet IBAN n’est pas valide" in page
    assert "Indiquez soit la colonne du montant, soit les colonnes du débit et du crédit." in page
    assert BankCsvMapping.objects.count() == 1


def test_an_administrator_edits_and_deletes_a_format(alice, w):
    row = create(alice, CREDIT_AGRICOLE)
    response = alice.post(f"{FORMATS}{row.pk}/", {**CREDIT_AGRICOLE, "name": "CA pro",
                                                  "skip_rows": "2", "save": "1"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.name, row.skip_rows) == ("CA pro", 2)
    assert "CA pro" in alice.get(FORMATS).content.decode()
    assert alice.get(f"{FORMATS}{row.pk}/delete/").status_code == 302  # GET deletes nothing
    assert BankCsvMapping.objects.exists()
    response = alice.post(f"{FORMATS}{row.pk}/delete/", follow=True)
    assert "Format CSV bancaire « CA pro » supprimé." in response.content.decode()
    assert not BankCsvMapping.objects.exists()


def test_viewers_and_collectors_read_the_formats_but_cannot_change_them(client, w):
    alice = client
    alice.login(username="alice", password=PASSWORD)
    row = create(alice, CREDIT_AGRICOLE)
    for who in ("vera", "carl"):
        client.login(username=who, password=PASSWORD)
        assert "Crédit Agricole export" in client.get(FORMATS).content.decode()
        page = client.get(f"{FORMATS}{row.pk}/").content.decode()
        assert "disabled" in page and "Supprimer ce format" not in page
        assert client.post(f"{FORMATS}{row.pk}/", {**CREDIT_AGRICOLE, "name": "x",
                                                   "save": "1"}).status_code == 403
        assert client.post(f"{FORMATS}{row.pk}/delete/").status_code == 403
        assert client.post(FORMATS + "new/", {**BOREAL, "save": "1"}).status_code == 403
    assert list(BankCsvMapping.objects.values_list("name", flat=True)) == [
        "Crédit Agricole export"]


def test_another_organizations_admin_sees_nothing_of_acmes_formats(client, w):
    client.login(username="alice", password=PASSWORD)
    row = create(client, CREDIT_AGRICOLE)
    client.login(username="gina", password=PASSWORD)
    assert client.get(FORMATS).status_code == 404
    assert client.get(f"/o/globex/settings/bank-formats/{row.pk}/").status_code == 404
    assert client.post(f"/o/globex/settings/bank-formats/{row.pk}/delete/").status_code == 404
    assert "Crédit Agricole" not in client.get("/o/globex/settings/bank-formats/"
                                               ).content.decode()
    assert "Crédit Agricole" not in client.get("/o/globex/imports/").content.decode()
    response = client.post("/o/globex/imports/", {"kind": "bank", "file": csv_file(FRENCH)})
    assert response.status_code == 400 and not BankLine.objects.exists()
    assert BankCsvMapping.objects.filter(pk=row.pk).exists()


def test_an_uploaded_csv_statement_is_read_with_the_chosen_format(alice, w):
    create(alice, CREDIT_AGRICOLE)
    create(alice, BOREAL)
    page = alice.get("/o/acme/imports/").content.decode()
    assert "Reconnu d’après les colonnes du fichier" in page
    response = upload(alice, FRENCH, mapping="Crédit Agricole export")
    assert "Fichier importé." in response.content.decode()
    assert BankLine.objects.filter(account=IBAN).count() == 2
    assert balance_of(Invoice.objects.get(number="F-100")) == 0
    run = ImportRun.objects.get()
    assert run.kind == "bank" and "bank_line: 2 created" in run.summary
    upload(alice, FRENCH)  # the same file again, the format recognised from its header
    assert BankLine.objects.count() == 2 and ImportRun.objects.count() == 2
    assert "bank_line: 2 unchanged" in ImportRun.objects.first().summary
    upload(alice, ENGLISH)
    assert BankLine.objects.get(counterparty_name="BOREAL LTD").amount_minor == 240000


def test_an_upload_no_format_fits_says_which_columns_are_missing(alice, w):
    create(alice, CREDIT_AGRICOLE)
    response = upload(alice, ENGLISH)
    page = response.content.decode()
    assert response.status_code == 400 and not BankLine.objects.exists()
    assert ("Aucun format CSV bancaire ne lit ce fichier, dont les colonnes sont Booking date; "
            "Description; Payee; Amount. Colonnes manquantes : Date, Débit, Crédit, Libellé "
            "pour « Crédit Agricole export ».") in page
    alice.post("/i18n/setlang/", {"language": "en", "next": "/o/acme/"})
    page = upload(alice, ENGLISH).content.decode()
    assert "Missing columns: Date, Débit, Crédit, Libellé for “Crédit Agricole export”." in page


def test_an_upload_without_any_format_says_how_to_define_one(alice, w):
    page = upload(alice, ENGLISH).content.decode()
    assert "définissez-en un dans Paramètres → Formats CSV bancaires" in page
    assert 'name="mapping"' not in page
