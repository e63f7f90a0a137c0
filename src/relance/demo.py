"""The demo book: a FEC and a contacts CSV that Relance generates itself.

The book is dated relative to the demo day D so that, after replaying the run
from D − 60 days, every step of the standard scenario happens on D itself:
a courtesy reminder (due D + 5), first and second reminders (due D − 3 and
D − 15), a formal notice (due D − 30) and a litigation review (due D − 45).
Around them: invoices paid and lettered, a partial payment quoting its invoice,
a credit note, a customer writing in English, a consumer (B2C), a customer with
no email address (a call task instead) and two invoices grouped in one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

DEMO_DAY = date(2026, 6, 16)
TERMS = 30
HEADER = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\t"
          "CompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\t"
          "EcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise")


@dataclass(frozen=True)
class DemoCustomer:
    ref: str
    name: str
    email: str
    first_name: str
    language: str = "fr"
    kind: str = "b2b"
    phone: str = ""


CUSTOMERS = (
    DemoCustomer("CABEILLE", "Atelier Abeille SARL", "compta@abeille.example", "Inès"),
    DemoCustomer("CBOREAL", "Boréal Logistique SAS", "fournisseurs@boreal.example", "Jade"),
    DemoCustomer("CCEDRE", "Cèdre & Fils", "factures@cedre.example", "Noé"),
    DemoCustomer("CDUNE", "Dune Conseil", "", "", phone="+33 1 23 45 67 89"),
    DemoCustomer("CECHO", "Echo Systems Ltd", "payables@echo.example", "Oliver", "en"),
    DemoCustomer("CFOUGERE", "Mme Fougère", "c.fougere@mail.example", "Claire", kind="b2c"),
    DemoCustomer("CGRANIT", "Granit Bâtiment", "compta@granit.example", "Hugo"),
)

# (customer, number, due date offset from D, amount incl. VAT, what happens)
INVOICES = (
    ("CABEILLE", "F-2026-0101", 5, "1440.00", "open"),
    ("CBOREAL", "F-2026-0102", -3, "2760.00", "open"),
    ("CBOREAL", "F-2026-0103", -3, "384.00", "open"),
    ("CCEDRE", "F-2026-0104", -15, "5280.00", "partial:2000.00"),
    ("CDUNE", "F-2026-0105", -15, "960.00", "open"),
    ("CECHO", "F-2026-0106", -30, "3120.00", "open"),
    ("CGRANIT", "F-2026-0107", -45, "8400.00", "credit_note:1200.00"),
    ("CFOUGERE", "F-2026-0108", -30, "690.00", "open"),
    ("CABEILLE", "F-2026-0090", -40, "2160.00", "paid"),
    ("CCEDRE", "F-2026-0091", -20, "720.00", "paid"),
    ("CECHO", "F-2026-0092", 20, "1800.00", "open"),
)


def money(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


class FecWriter:
    """Writes balanced entries in the A47 A-1 layout (18 columns, tab-separated)."""

    def __init__(self) -> None:
        self.rows: list[str] = [HEADER]
        self.count = 0

    def entry(self, journal: str, day: date, piece: str, label: str,
              lines: list[tuple[str, str, str, str, Decimal, Decimal, str]]) -> None:
        self.count += 1
        names = {"VE": "Ventes", "BQ": "Banque"}
        for account, account_label, aux, aux_label, debit, credit, letter in lines:
            self.rows.append("\t".join([
                journal, names[journal], str(self.count), ymd(day), account, account_label,
                aux, aux_label, piece, ymd(day), label, money(debit), money(credit),
                letter, ymd(day) if letter else "", ymd(day), "", ""]))

    def text(self) -> str:
        return "\r\n".join(self.rows) + "\r\n"


def _sale(fec: FecWriter, c: DemoCustomer, number: str, day: date, total: Decimal,
          letter: str = "", reverse: bool = False) -> None:
    net = (total / Decimal("1.2")).quantize(Decimal("0.01"))
    vat = total - net
    zero = Decimal(0)
    d, k = (zero, total) if reverse else (total, zero)
    fec.entry("VE", day, number, f"{'Avoir' if reverse else 'Facture'} {number} {c.name}", [
        ("411000", "Clients", c.ref, c.name, d, k, letter),
        ("706000", "Prestations de services", "", "", k and net, d and net, ""),
        ("445710", "TVA collectée", "", "", k and vat, d and vat, ""),
    ])


def _payment(fec: FecWriter, c: DemoCustomer, day: date, amount: Decimal, label: str,
             letter: str = "") -> None:
    fec.entry("BQ", day, f"VIR{ymd(day)}", label, [
        ("512000", "Banque", "", "", amount, Decimal(0), ""),
        ("411000", "Clients", c.ref, c.name, Decimal(0), amount, letter),
    ])


def fec_text(day: date = DEMO_DAY) -> str:
    """The demo FEC for demo day ``day``: sales, payments, a credit note, lettering."""
    fec = FecWriter()
    customers = {c.ref: c for c in CUSTOMERS}
    letters = iter(["AA", "AB", "AC", "AD"])
    for ref, number, offset, amount, fate in INVOICES:
        c, total = customers[ref], Decimal(amount)
        due = day + timedelta(days=offset)
        issued = due - timedelta(days=TERMS)
        history = issued + timedelta(days=5)
        if fate == "paid":
            letter = next(letters)
            _sale(fec, c, number, issued, total, letter)
            _payment(fec, c, history, total, f"VIR {c.name} {number}", letter)
        elif fate.startswith("partial:"):
            _sale(fec, c, number, issued, total)
            _payment(fec, c, history, Decimal(fate.split(":")[1]), f"VIR ACOMPTE {number}")
        elif fate.startswith("credit_note:"):
            _sale(fec, c, number, issued, total)
            _sale(fec, c, f"AV-{number[2:]}", history, Decimal(fate.split(":")[1]), reverse=True)
        else:
            _sale(fec, c, number, issued, total)
    return fec.text()


def contacts_csv() -> str:
    lines = ["customer_ref;customer_name;role;email;first_name;last_name;phone;language;kind"]
    for c in CUSTOMERS:
        lines.append(";".join([c.ref, c.name, "accounts_payable", c.email, c.first_name, "",
                               c.phone, c.language, c.kind]))
    lines.append("CGRANIT;Granit Bâtiment;business;direction@granit.example;Paul;;;fr;b2b")
    return "\n".join(lines) + "\n"


def write_book(folder: Path, day: date = DEMO_DAY) -> tuple[Path, Path]:
    """Write the demo FEC (UTF-8) and contacts CSV into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    fec = folder / "999999999FEC20261231.txt"
    fec.write_text(fec_text(day), encoding="utf-8", newline="")
    contacts = folder / "contacts.csv"
    contacts.write_text(contacts_csv(), encoding="utf-8")
    return fec, contacts


def invoice_pdf(number: str, customer: str, issued: date, due: date, amount: Decimal,
                seller: str) -> bytes:
    """A one-page invoice PDF for the demo (WeasyPrint)."""
    from weasyprint import HTML

    html = f"""<html><body style="font-family: sans-serif">
    <h1>Facture {number}</h1><p><b>{seller}</b></p><p>Client : {customer}</p>
    <p>Date : {issued:%d/%m/%Y} – Échéance : {due:%d/%m/%Y}</p>
    <p>Montant TTC : {money(amount)} €</p></body></html>"""
    return HTML(string=html).write_pdf()
