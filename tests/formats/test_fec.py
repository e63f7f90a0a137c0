"""FEC reader (LPF art. A47 A-1): four real exports and small hand-written ledgers.

Sample checks compare the reader with a deliberately naive one written here (csv
module, own amount conversion), so both must agree on counts and balances.
"""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance.errors import FormatError
from relance.formats.fec import open_total, open_totals, parse, receivables

HEADER = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
          "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|"
          "ValidDate|Montantdevise|Idevise")

SAMPLES = {
    # name: (lines on 411 with CompAuxNum, lettered, 411 lines without CompAuxNum)
    "0000000001FEC20220831.txt": (538, 528, 0),
    "000000000FEC20231231.txt": (153, 0, 0),
    "111111111FEC20221231.TXT": (151, 117, 0),
    "123456789FEC20500930.txt": (0, 0, 4),
}


# --- a naive independent reader -------------------------------------------------------

def naive_rows(path: Path) -> list[dict[str, str]]:
    """Rows as dicts keyed by lower-case header name, with their physical line number."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp850")
    physical = text.split("\n")  # one "\n" per line end, whatever CRs precede it
    delimiter = "|" if "|" in physical[0] else "\t"
    header = [name.strip().lower() for name in physical[0].rstrip("\r").split(delimiter)]
    rows = []
    for number, fields in enumerate(csv.reader(physical[1:], delimiter=delimiter), start=2):
        if fields:
            pairs = zip(header, fields, strict=False)  # a trailing "|" adds an empty field
            row = {name: value.strip().rstrip("\r") for name, value in pairs}
            rows.append(row | {"_line": str(number)})
    return rows


def naive_amount(text: str) -> Decimal:
    return Decimal(text.strip().replace(",", ".") or "0")


def naive_net(row: dict[str, str]) -> Decimal:
    return naive_amount(row["debit"]) - naive_amount(row["credit"])


def customer_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if r["comptenum"].startswith("411") and r["compauxnum"]]


def read_sample(samples: Path, name: str):
    return parse((samples / "fec" / name).read_bytes())


# --- the four real samples -------------------------------------------------------------

@pytest.mark.samples
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_reads_every_line_like_the_naive_reader(samples: Path, name: str) -> None:
    rows = naive_rows(samples / "fec" / name)
    lines, errors = read_sample(samples, name)
    assert errors == []
    assert len(lines) == len(rows)
    assert [line.line for line in lines] == [int(r["_line"]) for r in rows]
    assert sum(line.debit for line in lines) == sum(naive_amount(r["debit"]) for r in rows)
    assert sum(line.credit for line in lines) == sum(naive_amount(r["credit"]) for r in rows)
    assert [line.ecriture_lib for line in lines] == [r["ecriturelib"] for r in rows]


@pytest.mark.samples
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_customer_lines_lettered_and_rejected(samples: Path, name: str) -> None:
    rows = naive_rows(samples / "fec" / name)
    book = receivables(read_sample(samples, name)[0])
    on_customers = customer_rows(rows)
    lettered = [r for r in on_customers if r["ecriturelet"]]
    orphans = [r for r in rows if r["comptenum"].startswith("411") and not r["compauxnum"]]
    assert (len(on_customers), len(lettered), len(orphans)) == SAMPLES[name]
    assert len(book.documents) == len(on_customers)
    assert sum(1 for doc in book.documents if doc.lettering) == len(lettered)
    assert [error.line for error in book.errors] == [int(r["_line"]) for r in orphans]
    assert [c.code for c in book.customers] == list(dict.fromkeys(
        r["compauxnum"] for r in on_customers))


@pytest.mark.samples
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_open_total_is_each_customers_balance(samples: Path, name: str) -> None:
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for row in customer_rows(naive_rows(samples / "fec" / name)):
        balances[row["compauxnum"]] += naive_net(row)
    book = receivables(read_sample(samples, name)[0])
    assert {c.code: open_total(book, c.code) for c in book.customers} == balances
    assert open_totals(book) == balances


@pytest.mark.samples
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_balanced_groups_closed_unlettered_open(samples: Path, name: str) -> None:
    groups: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in customer_rows(naive_rows(samples / "fec" / name)):
        groups[row["compauxnum"], row["ecriturelet"]] += naive_net(row)
    book = receivables(read_sample(samples, name)[0])
    for doc in book.documents:
        if not doc.lettering:
            assert doc.open_amount == doc.amount
        elif groups[doc.customer_code, doc.lettering] == 0:
            assert not doc.open


@pytest.mark.samples
def test_sample_unbalanced_groups_of_the_year_end(samples: Path) -> None:
    """Invoices of August 2022 lettered with a payment of the next year stay open."""
    book = receivables(read_sample(samples, "0000000001FEC20220831.txt")[0])
    prosol = [doc for doc in book.documents
              if doc.customer_code == "CPRO00" and doc.lettering in ("AATF", "AATG")]
    assert len(prosol) == 18 and all(doc.open_amount == doc.amount for doc in prosol)
    remittance = next(doc for doc in book.documents if doc.lettering == "AARR")
    invoices = [doc.amount for doc in book.documents
                if doc.lettering == "AARR" and doc.kind == "invoice"]
    assert remittance.kind == "payment"
    assert remittance.open_amount == remittance.amount - sum(invoices)


@pytest.mark.samples
def test_sample_kinds(samples: Path) -> None:
    first = receivables(read_sample(samples, "0000000001FEC20220831.txt")[0])
    kinds = defaultdict(int)
    for doc in first.documents:
        kinds[doc.kind, doc.opening] += 1
    # 8 "AV" sales entries + 1 write-off of a 2021 invoice reverse revenue (credit notes)
    assert kinds == {("invoice", True): 7, ("invoice", False): 391, ("refund", False): 2,
                     ("payment", False): 129, ("credit_note", False): 9}
    assert {doc.journal_code for doc in first.documents if doc.kind == "credit_note"} == {
        "VEN", "OD"}


@pytest.mark.samples
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_keys_unique_and_stable(samples: Path, name: str) -> None:
    first = receivables(read_sample(samples, name)[0])
    again = receivables(read_sample(samples, name)[0])
    keys = [doc.key for doc in first.documents]
    assert len(set(keys)) == len(keys)
    assert keys == [doc.key for doc in again.documents]


@pytest.mark.samples
def test_sample_quirks(samples: Path) -> None:
    pipe, _ = read_sample(samples, "111111111FEC20221231.TXT")
    assert pipe[0].journal_code == "VE" and pipe[0].credit == Decimal("69.60")
    # byte F8 is the DOS "°" of "CREAT°" (création), not the Windows "ø"
    assert "CREAT° MAQUETTE ETIQ" in {line.ecriture_lib for line in pipe}
    wide, _ = read_sample(samples, "000000000FEC20231231.txt")
    assert {line.journal_code for line in wide} >= {"ac", "AD"}
    assert all(line.valid_date is None for line in wide)


@pytest.mark.samples
def test_biggest_sample_parses_well_under_a_second(samples: Path) -> None:
    data = (samples / "fec" / "123456789FEC20500930.txt").read_bytes()
    start = time.perf_counter()
    lines, _ = parse(data)
    receivables(lines)
    assert time.perf_counter() - start < 0.8


# --- hand-written ledgers ---------------------------------------------------------------

def fec(*rows: str, header: str = HEADER, sep: str = "\t", end: str = "\n",
        encoding: str = "utf-8") -> bytes:
    """A FEC whose rows are written with "|" between fields, as in the A47 A-1 layout."""
    text = "".join(line.replace("|", sep) + end for line in (header, *rows))
    return text.encode(encoding)


def entry_line(journal: str, number: str, day: str, account: str, debit: str, credit: str,
               *, customer: str = "", name: str = "", ref: str = "", label: str = "",
               letter: str = "", lettered_on: str = "") -> str:
    """One FEC line in the A47 A-1 order, "|"-separated; the piece date is the entry date."""
    journal_lib = {"VE": "Ventes", "BQ": "Banque", "AN": "A nouveaux"}.get(journal, "Divers")
    return "|".join([journal, journal_lib, number, day, account, "", customer, name, ref, day,
                     label, debit, credit, letter, lettered_on, "", "", ""])


INVOICE = entry_line("VE", "12", "20240105", "411000", "120,00", "0,00", customer="C001",
                     name="Dupont SA", ref="F-12", label="Facture F-12", letter="AA",
                     lettered_on="20240210")
SALE = entry_line("VE", "12", "20240105", "706000", "0,00", "100,00", ref="F-12")
VAT = entry_line("VE", "12", "20240105", "445710", "0,00", "20,00", ref="F-12")
PAYMENT = entry_line("BQ", "40", "20240210", "411000", "0,00", "120,00", customer="C001",
                     name="Dupont SA", label="VIR DUPONT", letter="AA", lettered_on="20240210")
BANK = entry_line("BQ", "40", "20240210", "512000", "120,00", "0,00", label="VIR DUPONT")


def test_tab_utf8_ledger() -> None:
    lines, errors = parse(fec(INVOICE, SALE, VAT))
    assert errors == []
    first = lines[0]
    assert (first.journal_code, first.comp_aux_num, first.debit, first.credit) == (
        "VE", "C001", Decimal("120.00"), Decimal("0.00"))
    assert (first.ecriture_date, first.piece_date, first.date_let) == (
        date(2024, 1, 5), date(2024, 1, 5), date(2024, 2, 10))
    assert first.montant_devise is None and first.line == 2


def test_pipe_padded_values_and_trailing_separator() -> None:
    row = ("VE  |VE11|00000001|20230109|41100000|CLIENTS   |41101590|E.LECLERC |VE  0123|"
           "20230109|VENTE NECTAR  |0000000069,60|0000000000,00|  |        |20240331|"
           "|   |")
    lines, errors = parse(fec(row, header=HEADER.replace("Montantdevise", "MontantDevise")
                              + "|", sep="|"))
    assert errors == []
    assert (lines[0].journal_code, lines[0].piece_ref, lines[0].debit) == (
        "VE", "VE  0123", Decimal("69.60"))
    assert lines[0].ecriture_let == "" and lines[0].date_let is None


def test_latin1_bom_and_cr_cr_lf() -> None:
    latin = fec(INVOICE.replace("Dupont SA", "Société Générale"), encoding="latin-1")
    assert parse(latin)[0][0].comp_aux_lib == "Société Générale"
    bom = b"\xef\xbb\xbf" + fec(INVOICE)
    assert parse(bom)[0][0].journal_code == "VE"
    assert parse(fec(INVOICE, encoding="utf-16"))[0][0].comp_aux_lib == "Dupont SA"
    lines, errors = parse(fec(INVOICE, SALE, VAT, end="\r\r\n"))
    assert errors == [] and [line.line for line in lines] == [2, 3, 4]


def test_dos_code_page_850() -> None:
    lines, _ = parse(fec(INVOICE.replace("Facture F-12", "Créat° étiquette"), encoding="cp850"))
    assert lines[0].ecriture_lib == "Créat° étiquette"


def test_montant_and_sens_instead_of_debit_and_credit() -> None:
    header = HEADER.replace("Debit|Credit", "Montant|Sens")
    lines, errors = parse(fec(INVOICE.replace("120,00|0,00", "120,00|D"),
                              PAYMENT.replace("0,00|120,00", "120,00|C"), header=header))
    assert errors == []
    assert [(line.debit, line.credit) for line in lines] == [
        (Decimal("120.00"), 0), (0, Decimal("120.00"))]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"\xef\xbb\xbf \r\n", "empty"),
    (bytes(range(256)) * 8, "binary"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(200)), "binary"),
    (bytes(range(1, 256)) * 4, "binary"),
    (fec(INVOICE, header=HEADER.replace("|CompteLib", "")), "CompteLib"),
    (fec(INVOICE, sep=";", header=HEADER.replace("|", ";")), "separator"),
    (b"hello world\nfoo bar\n", "separator"),
])
def test_unreadable_files_raise_format_error(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_records_or_a_format_error(data: bytes) -> None:
    try:
        lines, errors = parse(data)
    except FormatError:
        return
    assert all(error.line and error.line > 1 for error in errors)
    assert all(line.line > 1 for line in lines)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="0123456789,.-+ aZ|\t", max_size=30), max_size=25))
def test_any_row_after_a_valid_header_is_a_line_or_a_row_error(fields: list[str]) -> None:
    data = fec(INVOICE, "|".join(fields))
    lines, errors = parse(data)
    assert lines[0].line == 2 and len(lines) + len(errors) in (1, 2)


def test_bad_rows_are_reported_and_the_others_kept() -> None:
    lines, errors = parse(fec(
        INVOICE,
        SALE.replace("0,00|100,00", "0,00|10O,00"),
        VAT.replace("20240105", "20241305"),
        "VE|Ventes|12|20240105|445710",
        PAYMENT,
    ))
    assert [line.line for line in lines] == [2, 6]
    assert [(error.line, error.field) for error in errors] == [
        (3, "Credit"), (4, "EcritureDate"), (5, None)]
    assert "10O,00" in errors[0].message and "18" in errors[2].message


def test_credit_note_versus_payment() -> None:
    credit_note = [
        entry_line("VE", "13", "20240120", "411000", "0,00", "24,00", customer="C001",
                   name="Dupont SA", ref="AV-3", label="Avoir AV-3"),
        entry_line("VE", "13", "20240120", "706000", "20,00", "0,00", ref="AV-3"),
        entry_line("VE", "13", "20240120", "445710", "4,00", "0,00", ref="AV-3"),
    ]
    book = receivables(parse(fec(INVOICE, SALE, VAT, *credit_note, PAYMENT, BANK))[0])
    assert [(doc.kind, doc.number, doc.amount) for doc in book.documents] == [
        ("invoice", "F-12", Decimal("120.00")),
        ("credit_note", "AV-3", Decimal("24.00")),
        ("payment", "40", Decimal("120.00")),
    ]
    assert book.documents[0].date == date(2024, 1, 5)
    assert book.customers[0].name == "Dupont SA"


def test_balanced_lettering_group_is_settled() -> None:
    book = receivables(parse(fec(INVOICE, SALE, VAT, PAYMENT, BANK))[0])
    assert [doc.open for doc in book.documents] == [False, False]
    assert open_total(book, "C001") == 0


def test_unbalanced_lettering_group_leaves_the_newest_invoice_open() -> None:
    second = INVOICE.replace("|12|", "|14|").replace("F-12", "F-14").replace("0105", "0115")
    partial = PAYMENT.replace("0,00|120,00", "0,00|150,00")
    book = receivables(parse(fec(second, INVOICE, partial))[0])
    by_number = {doc.number: doc for doc in book.documents}
    assert by_number["F-12"].open_amount == 0  # the oldest invoice is paid first
    assert by_number["F-14"].open_amount == Decimal("90.00")
    assert not by_number["40"].open
    assert open_total(book, "C001") == Decimal("90.00")


def test_lower_case_code_is_another_group() -> None:
    partial = PAYMENT.replace("|AA|", "|aa|").replace("0,00|120,00", "0,00|50,00")
    book = receivables(parse(fec(INVOICE, partial))[0])
    assert [doc.open_amount for doc in book.documents] == [Decimal("120.00"), Decimal("50.00")]
    assert open_total(book, "C001") == Decimal("70.00")


def test_opening_refund_and_lines_without_customer() -> None:
    rows = [
        entry_line("AN", "1", "20240101", "411000", "300,00", "0,00", customer="C002",
                   name="Martin", ref="RAN", label="Report à nouveau"),
        entry_line("BQ", "41", "20240215", "411000", "15,00", "0,00", customer="C002",
                   name="Martin", label="Remboursement trop-perçu"),
        entry_line("BQ", "41", "20240215", "512000", "0,00", "15,00"),
        entry_line("OD", "7", "20240301", "411000", "10,00", "0,00", label="sans compte"),
    ]
    book = receivables(parse(fec(*rows))[0])
    assert [(doc.kind, doc.opening) for doc in book.documents] == [
        ("invoice", True), ("refund", False)]
    assert [(error.line, error.field) for error in book.errors] == [(5, "CompAuxNum")]
    assert open_total(book, "C002") == Decimal("315.00")
    assert book.documents[0].key == "AN:1:20240101:C002:1"
