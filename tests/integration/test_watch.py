"""The import folder: drop files of any kind; each is recognised, imported and filed."""

from datetime import date
from pathlib import Path

from django.utils import translation

from relance.formats.sniff import kind_of
from relance.imports.folder import watch_once
from relance.ledger.models import BankLine, Invoice

from .conftest import CONTACTS, INVOICES


def test_files_of_every_kind_are_recognised_imported_and_filed(org, samples, tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1-contacts.csv").write_text(CONTACTS)
    (inbox / "2-invoices.csv").write_text(INVOICES.format(pdf=""))
    for name in ("facturx/Facture_F20180027.pdf", "camt/test-camt053",
                 "fec/111111111FEC20221231.TXT"):
        (inbox / Path(name).name).write_bytes((samples / name).read_bytes())
    (inbox / "notes.txt").write_text("rien à voir")
    with translation.override("en"):
        lines = watch_once(org, inbox, date(2026, 3, 1))
    assert [line.split("]")[0] + "]" for line in lines] == [
        "[contacts]", "[fec]", "[invoices]", "[einvoice]", "[?]", "[bank]"]  # by file name
    assert Invoice.objects.filter(number="F20180027").exists()
    assert BankLine.objects.exists()
    assert sorted(p.name for p in (inbox / "done").iterdir() if p.suffix != ".txt") == [
        "1-contacts.csv", "111111111FEC20221231.TXT", "2-invoices.csv",
        "Facture_F20180027.pdf", "test-camt053"]
    assert (inbox / "rejected" / "notes.txt").exists()
    assert (inbox / "rejected" / "notes.txt.report.txt").read_text() == (
        "notes.txt: rejected, nothing imported: Relance does not recognise this kind of file.\n")
    assert watch_once(org, inbox, date(2026, 3, 2)) == []  # nothing is imported twice


def test_the_reports_beside_the_files_are_in_the_language_of_the_command(org, tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1-contacts.csv").write_text(CONTACTS)
    (inbox / "notes.txt").write_text("rien à voir")
    with translation.override("fr"):
        lines = watch_once(org, inbox, date(2026, 3, 1))
    assert lines[1] == ("[?] notes.txt : refusé, rien n’a été importé : Relance ne reconnaît "
                        "pas ce type de fichier.")
    assert (inbox / "rejected" / "notes.txt.report.txt").read_text() == lines[1][4:] + "\n"
    assert (inbox / "done" / "1-contacts.csv.report.txt").read_text() == (
        "1-contacts.csv : contacts : 3 créations ; clients : 3 créations ; 0 rejet\n")


def test_kind_of_reads_content_not_names():
    assert kind_of(b"%PDF-1.7 ...") == "einvoice"
    assert kind_of(b"JournalCode\tJournalLib\tEcritureNum\n") == "fec"
    assert kind_of(b"number;customer_ref;issue_date;due_date;amount\n") == "invoices"
    assert kind_of(b"customer_ref;email\n") == "contacts"
    assert kind_of(b"<?xml version='1.0'?><rsm:CrossIndustryInvoice xmlns:rsm='x'/>") == \
        "einvoice"
    assert kind_of(b"hello") is None


def test_each_file_the_folder_imports_is_a_run_of_the_folder(org, samples, tmp_path: Path):
    from relance.web.models import ImportRun

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1-contacts.csv").write_text(CONTACTS)
    (inbox / "test-camt053").write_bytes((samples / "camt/test-camt053").read_bytes())
    (inbox / "notes.txt").write_text("rien à voir")
    watch_once(org, inbox, date(2026, 3, 1))
    runs = ImportRun.objects.filter(organization=org).order_by("id")
    assert [(r.file_name, r.kind, r.origin, r.user) for r in runs] == [
        ("1-contacts.csv", "contacts", "folder", None), ("notes.txt", "unknown", "folder", None),
        ("test-camt053", "bank", "folder", None)]  # a refused file too, saying why
    assert runs[1].refused["code"] == "not_recognised" and runs[1].rows == []
    assert runs[0].summary == "1-contacts.csv: contact: 3 created; customer: 3 created; 0 rejected"


def test_a_file_with_bad_rows_is_imported_without_them_and_the_next_files_too(org, samples,
                                                                             tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1-invoices.csv").write_text(
        "number;customer_ref;issue_date;due_date;amount\n"
        "F-1;C1;2026-01-01;2026-01-31;10.123\nF-2;C1;2026-01-01;2026-01-31;10.12\n")
    (inbox / "2-facture.pdf").write_bytes((samples / "facturx/Facture_F20180027.pdf").read_bytes())
    with translation.override("en"):
        lines = watch_once(org, inbox, date(2026, 3, 1))
    assert lines[0].startswith("[invoices] 1-invoices.csv: invoice: 1 created; 1 rejected")
    assert "10.123 has more decimals than EUR allows" in lines[0]
    assert lines[1].startswith("[einvoice] 2-facture.pdf: ")
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["F-2", "F20180027"]


def test_a_file_that_fails_to_import_is_set_aside_and_the_watch_goes_on(org, tmp_path: Path,
                                                                        monkeypatch, caplog):
    from relance.imports import runs

    def broken(*args, **kwargs):
        raise RuntimeError("a defect")

    monkeypatch.setitem(runs.IMPORTERS, "invoices", broken)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1-invoices.csv").write_text(INVOICES.format(pdf=""))
    (inbox / "2-contacts.csv").write_text(CONTACTS)
    with translation.override("en"):
        lines = watch_once(org, inbox, date(2026, 3, 1))
    assert lines[0] == ("[invoices] 1-invoices.csv: rejected, nothing imported: The import "
                        "failed (RuntimeError: a defect): nothing of the file was kept. The "
                        "error is in the log; please report it.")
    assert (inbox / "rejected" / "1-invoices.csv").exists()
    assert "importing 1-invoices.csv from the watched folder failed" in caplog.text
    assert lines[1].startswith("[contacts] 2-contacts.csv: contact: 3 created")
