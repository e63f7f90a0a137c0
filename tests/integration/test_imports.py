"""Imports: idempotent, a row-by-row report, bad rows rejected, bad files write nothing."""

from datetime import date

import pytest

from relance.errors import FormatError
from relance.formats.fec import parse as parse_fec
from relance.imports.csv_files import import_contacts, import_invoices
from relance.imports.fec import import_fec
from relance.ledger.models import Customer, Invoice

from .conftest import CONTACTS, INVOICES


def test_reimporting_the_same_files_changes_nothing(book, tmp_path):
    contacts = import_contacts(book, CONTACTS.encode(), "contacts.csv")
    invoices = import_invoices(book, INVOICES.format(pdf=tmp_path / "F-100.pdf").encode(),
                               "invoices.csv", known_from=date(2026, 3, 9))
    assert not contacts.changed and not invoices.changed
    assert invoices.count("unchanged", "invoice") == 4
    assert Invoice.objects.get(number="F-100").known_from == date(2026, 3, 1)


def test_a_bad_row_is_rejected_with_its_line_and_the_others_import(org):
    data = (b"number;customer_ref;issue_date;due_date;amount\n"
            b"F-1;C1;2026-01-01;2026-01-31;100.00\n"
            b"F-2;C1;2026-13-01;2026-01-31;100.00\n"
            b"F-3;C1;2026-01-01;2026-01-31;1.234,5\n"
            b"F-4;C1;2026-01-01;2026-01-31;-5\n"
            b"F-5;C1;2026-01-01;2026-01-31;50\n")
    report = import_invoices(org, data, "factures.csv", known_from=date(2026, 1, 1))
    assert [(e.line, e.field) for e in report.rejected] == [
        (3, "issue_date"), (4, "amount"), (5, "amount")]
    assert "factures.csv" in report.summary() and "line 3" in report.summary()
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["F-1", "F-5"]


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"numero;client\nF-1;C1\n", "missing column"),
    (b"\x00\x01\x02binary", "binary"),
])
def test_an_unreadable_invoice_file_is_rejected_whole(org, data, message):
    with pytest.raises(FormatError, match=message):
        import_invoices(org, data, "x.csv", known_from=date(2026, 1, 1))
    assert not Invoice.objects.exists() and not Customer.objects.exists()


def test_an_unreadable_fec_writes_nothing(org):
    with pytest.raises(FormatError):
        import_fec(org, b"JournalCode\tfoo\n1\t2\n", "bad.txt")
    with pytest.raises(FormatError):
        parse_fec("pas un FEC du tout".encode("utf-16"))
    assert not Customer.objects.exists()


def test_contacts_csv_in_windows_1252_with_accents(org):
    data = "customer_ref;customer_name;email;first_name\nC9;Société Générale d'Élec;a@b.fr;Hélène\n"
    import_contacts(org, data.encode("cp1252"), "contacts.csv")
    customer = org.customers.get(ref="C9")
    assert customer.name == "Société Générale d'Élec"
    assert customer.contacts.get().first_name == "Hélène"


def test_a_bad_siren_is_rejected_naming_the_field(org):
    data = b"customer_ref;siren\nC1;123456789\n"
    report = import_contacts(org, data, "contacts.csv")
    assert [(e.line, e.field) for e in report.rejected] == [(2, "siren")]


def test_a_number_repeated_in_the_file_reads_like_two_imports_in_a_row(org):
    data = (b"number;customer_ref;customer_name;issue_date;due_date;amount\n"
            b"F-1;C1;;2026-01-01;2026-01-31;100.00\n"
            b"F-1;C1;Atelier Nord;2026-01-01;2026-01-31;120.00\n"
            b"F-1;C1;;2026-01-01;2026-01-31;120.00\n")
    report = import_invoices(org, data, "factures.csv", known_from=date(2026, 1, 1))
    assert [outcome for *_row, outcome in report.rows] == ["created", "updated", "unchanged"]
    invoice = Invoice.objects.get(number="F-1")
    assert invoice.amount_minor == 12000 and invoice.customer.name == "Atelier Nord"


def test_a_changed_line_updates_its_invoice_and_the_run_looks_at_it_again(book, tmp_path):
    changed = INVOICES.format(pdf=tmp_path / "F-100.pdf").replace("300,50", "310,50")
    Invoice.objects.filter(number="F-101").update(next_decision_on=None)
    report = import_invoices(book, changed.encode(), "invoices.csv", known_from=date(2026, 3, 9))
    assert [(ref, outcome) for _line, _kind, ref, outcome in report.rows] == [
        ("F-100", "unchanged"), ("F-101", "updated"), ("F-200", "unchanged"),
        ("F-300", "unchanged")]
    f101 = Invoice.objects.get(number="F-101")
    assert f101.amount_minor == 31050 and f101.known_from == date(2026, 3, 1)
    assert f101.next_decision_on is not None  # planned again
    assert Customer.objects.get(ref="C1").name == "Atelier Nord"  # no name in the file: kept


def test_a_customer_without_a_name_is_named_by_its_reference(org):
    data = b"number;customer_ref;issue_date;due_date;amount\nF-1;C77;2026-01-01;2026-01-31;1\n"
    import_invoices(org, data, "factures.csv", known_from=date(2026, 1, 1))
    assert Customer.objects.get(ref="C77").name == "C77"


def test_an_import_reads_and_writes_by_chunks_not_row_by_row(org, django_assert_max_num_queries):
    lines = [f"F-{n};C{n % 40};2026-01-01;2026-01-31;{n}.00" for n in range(1, 2501)]
    data = ("number;customer_ref;issue_date;due_date;amount\n" + "\n".join(lines)).encode()
    with django_assert_max_num_queries(60):  # was four queries a line
        report = import_invoices(org, data, "factures.csv", known_from=date(2026, 1, 1))
    assert report.count("created", "invoice") == 2500
    assert Invoice.objects.filter(next_decision_on__isnull=False).count() == 2500
    with django_assert_max_num_queries(20):
        again = import_invoices(org, data, "factures.csv", known_from=date(2026, 1, 2))
    assert again.count("unchanged", "invoice") == 2500


def test_amounts_no_invoice_has_are_rejected_row_by_row(org):
    data = (b"number;customer_ref;issue_date;due_date;amount;currency\n"
            b"F-1;C1;2026-01-01;2026-01-31;10.123;EUR\n"
            b"F-2;C1;2026-01-01;2026-01-31;1e30;EUR\n"
            b"F-3;C1;2026-01-01;2026-01-31;99999999999999999999999,99;EUR\n"
            b"F-4;C1;2026-01-01;2026-01-31;10000000000;EUR\n"
            b"F-5;C1;2026-01-01;2026-01-31;1500,5;JPY\n"
            b"F-6;C1;2026-01-01;2026-01-31;9999999999.99;EUR\n"
            b"F-7;C1;2026-01-01;2026-01-31;1500;JPY\n")
    report = import_invoices(org, data, "factures.csv", known_from=date(2026, 1, 1))
    assert [(e.line, e.code) for e in report.rejected] == [
        (2, "too_many_decimals"), (3, "not_an_amount"), (4, "invoice_too_large"),
        (5, "invoice_too_large"), (6, "too_many_decimals")]
    assert sorted(Invoice.objects.values_list("number", "amount_minor")) == [
        ("F-6", 999999999999), ("F-7", 1500)]


def test_fec_documents_no_invoice_can_have_are_rejected_and_the_others_imported(org):
    from tests.formats.test_fec import entry_line, fec

    def invoice(number: str, amount: str) -> str:
        return entry_line("VE", number, "20240105", "411000", amount, "0,00", customer="C001",
                          name="Dupont SA", ref=f"F-{number}")

    report = import_fec(org, fec(invoice("1", "120,00"), invoice("2", "10,123"),
                                 invoice("3", "99999999999999,00")), "FEC.txt")
    assert [(e.line, e.code, e.field) for e in report.rejected] == [
        (3, "too_many_decimals", "Debit"), (4, "invoice_too_large", "Debit")]
    assert list(Invoice.objects.values_list("number", "amount_minor")) == [("F-1", 12000)]


def test_a_fec_amount_of_thirty_one_digits_is_a_rejected_row_not_a_crash(org):
    from tests.formats.test_fec import entry_line, fec

    line = entry_line("VE", "1", "20240105", "411000", "9" * 31 + ",00", "0,00",
                      customer="C001", name="Dupont SA", ref="F-1")
    report = import_fec(org, fec(line), "FEC.txt")
    assert [(e.code, e.field) for e in report.rejected] == [("invoice_too_large", "Debit")]
    assert not Invoice.objects.exists()
