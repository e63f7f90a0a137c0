"""Every import is on the imports page, whoever ran it.

Monday morning the scheduled job drops Boréal's new invoices in acme's watched folder
and the accountant imports a contacts file with ``relance import``; Alice, who uploads
files herself, finds both runs on the page next to hers, with where they came from.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from relance.imports.folder import watch_once
from relance.ledger.models import Invoice
from relance.web.models import ImportRun

INVOICES = ("number;customer_ref;issue_date;due_date;amount\n"
            "F-500;C2;2026-03-10;2026-04-09;800,00\n"
            "F-501;C2;31/02/2026;2026-04-09;10\n")
CONTACTS = "customer_ref;customer_name;role;email\nC4;Dune SAS;accounts_payable;a@dune.example\n"


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def english(client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/o/acme/"})


def test_the_command_and_the_watched_folder_are_listed_with_their_origin(alice, w, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "factures-boreal.csv").write_text(INVOICES)
    watch_once(w["acme"], inbox, date(2026, 3, 16))
    (tmp_path / "contacts-dune.csv").write_text(CONTACTS)
    command("contacts", str(tmp_path / "contacts-dune.csv"), "--org", "acme")
    alice.post("/o/acme/imports/", {"kind": "contacts", "file": SimpleUploadedFile(
        "contacts-alice.csv", CONTACTS.encode(), content_type="text/csv")})

    runs = ImportRun.objects.filter(organization=w["acme"])
    assert [(r.file_name, r.origin, r.user and r.user.username) for r in runs] == [
        ("contacts-alice.csv", "web", "alice"), ("contacts-dune.csv", "command", None),
        ("factures-boreal.csv", "folder", None)]
    page = alice.get("/o/acme/imports/").content.decode()
    assert "Factures (CSV) · Dossier surveillé ·" in page
    assert "Contacts (CSV) · Ligne de commande ·" in page
    assert "Contacts (CSV) · Page web · alice ·" in page
    english(alice)
    page = alice.get("/o/acme/imports/").content.decode()
    assert "Invoices (CSV) · Watched folder ·" in page
    assert "Contacts (CSV) · Command line ·" in page
    assert "Contacts (CSV) · Web page · alice ·" in page


def test_the_detail_of_a_watched_folder_run_has_its_rows_and_rejected_rows(alice, w, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "factures-boreal.csv").write_text(INVOICES)
    watch_once(w["acme"], inbox, date(2026, 3, 16))
    run = ImportRun.objects.get(organization=w["acme"])

    page = alice.get(f"/o/acme/imports/{run.pk}/").content.decode()
    assert "factures-boreal.csv" in page and "Dossier surveillé" in page
    assert "F-500" in page and "Lignes rejetées" in page and "issue_date" in page
    assert Invoice.objects.filter(organization=w["acme"], number="F-500").exists()
    english(alice)
    page = alice.get(f"/o/acme/imports/{run.pk}/").content.decode()
    assert "Watched folder" in page and "Rejected rows" in page


def test_a_bank_statement_from_the_command_keeps_its_warning(alice, w, tmp_path):
    from tests.integration.test_bank_import_problems import camt053

    statement = tmp_path / "releve-mars.xml"
    statement.write_bytes(camt053("1000.00", "2000.00"))
    command("bank", str(statement), "--org", "acme", "--date", "2026-03-16")
    run = ImportRun.objects.get(organization=w["acme"])

    assert (run.kind, run.origin, run.user) == ("bank", "command", None)
    assert [e["code"] for e in run.warnings] == ["balance_mismatch"]
    listing = alice.get("/o/acme/imports/").content.decode()
    assert "Relevé bancaire · Ligne de commande ·" in listing
    assert '<span class="tag warn">1 avertissement</span>' in listing
    page = alice.get(f"/o/acme/imports/{run.pk}/").content.decode()
    assert "Avertissements" in page and "le solde d’ouverture de" in page


def test_each_organizations_files_are_runs_of_that_organization_only(alice, w, tmp_path):
    (tmp_path / "acme.csv").write_text(CONTACTS)
    (tmp_path / "globex.csv").write_text(CONTACTS)
    command("contacts", str(tmp_path / "acme.csv"), "--org", "acme")
    command("contacts", str(tmp_path / "globex.csv"), "--org", "globex")

    assert [r.file_name for r in ImportRun.objects.filter(organization=w["globex"])] == [
        "globex.csv"]
    page = alice.get("/o/acme/imports/").content.decode()
    assert "acme.csv" in page and "globex.csv" not in page


def test_without_an_organization_nothing_is_imported_nor_recorded(w, tmp_path):
    (tmp_path / "contacts.csv").write_text(CONTACTS)
    with pytest.raises(CommandError, match="several organizations"):
        command("contacts", str(tmp_path / "contacts.csv"))
    assert not ImportRun.objects.exists()


def test_a_file_the_folder_refuses_is_a_run_saying_why(alice, w, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.txt").write_text("rien à voir")
    (inbox / "factures.csv").write_text("number;customer_ref;due_date\nF-1;C1;2026-04-09\n")
    watch_once(w["acme"], inbox, date(2026, 3, 16))

    runs = {r.file_name: r for r in ImportRun.objects.filter(organization=w["acme"])}
    assert {name: (r.kind, r.origin, r.refused["code"]) for name, r in runs.items()} == {
        "notes.txt": ("unknown", "folder", "not_recognised"),
        "factures.csv": ("invoices", "folder", "missing_columns")}
    assert not Invoice.objects.filter(organization=w["acme"], number="F-1").exists()
    assert (inbox / "rejected" / "notes.txt").exists()
    listing = alice.get("/o/acme/imports/").content.decode()
    assert "Fichier non reconnu · Dossier surveillé ·" in listing
    assert listing.count('<span class="tag bad">Refusé</span>') == 2
    page = alice.get(f"/o/acme/imports/{runs['factures.csv'].pk}/").content.decode()
    assert "Fichier refusé" in page and "rien n’en a été importé" in page
    assert ("Colonne(s) manquante(s) : issue_date, amount. La ligne d’en-tête contient : "
            "number, customer_ref, due_date.") in page
    english(alice)
    page = alice.get(f"/o/acme/imports/{runs['notes.txt'].pk}/").content.decode()
    assert "File refused" in page and "Relance does not recognise this kind of file." in page


def test_a_file_the_command_refuses_is_not_a_run(w, tmp_path):
    (tmp_path / "fec.txt").write_bytes(b"\x00\x01 nothing")
    with pytest.raises(CommandError, match="some files were rejected"):
        command("fec", str(tmp_path / "fec.txt"), "--org", "acme")
    assert not ImportRun.objects.exists()


def test_the_portfolio_counts_what_the_command_imported_at_once(w, tmp_path):
    from decimal import Decimal

    from django.utils import timezone

    from relance.web import figures

    day, now = date(2026, 3, 16), timezone.now()
    before = figures.portfolio([w["acme"]], day, now)[0].open_amount
    (tmp_path / "factures.csv").write_text(INVOICES)
    command("invoices", str(tmp_path / "factures.csv"), "--org", "acme", "--date", "2026-03-16")

    after = figures.portfolio([w["acme"]], day, now)[0].open_amount  # within FRESH of before
    assert after - before == Decimal("800.00")
