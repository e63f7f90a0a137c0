"""Which importer a file is for, judged by its content (the import folder needs it).

PDF or XML e-invoices, bank statements (camt, CFONB 120, OFX, MT940), a FEC (its
header starts with ``JournalCode``), an invoices CSV (``number`` … ``due_date``) or a
contacts CSV (``customer_ref`` without invoice columns). ``None`` when unsure: the
file is then left for a human rather than guessed.
"""

from __future__ import annotations

import re

from relance.formats import bank

EINVOICE_ROOTS = (b"CrossIndustryInvoice", b"CrossIndustryDocument", b"<Invoice", b"<CreditNote",
                  b":Invoice", b":CreditNote")


def kind_of(data: bytes) -> str | None:
    """"einvoice", "bank", "fec", "invoices", "contacts" or None."""
    head = data[:8192]
    if head.startswith(b"%PDF"):
        return "einvoice"
    if bank.detect(data):
        return "bank"
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"):
        return "einvoice" if any(root in head for root in EINVOICE_ROOTS) else None
    return _text_kind(head)


def _text_kind(head: bytes) -> str | None:
    try:
        first = head.decode("utf-8-sig").splitlines()[0]
    except (UnicodeDecodeError, IndexError):
        first = head.decode("cp1252", errors="replace").splitlines()[0] if head else ""
    columns = {c.strip().lower() for c in re.split(r"[;,\t|]", first)}
    if "journalcode" in columns:
        return "fec"
    if {"number", "customer_ref", "due_date"} <= columns:
        return "invoices"
    if "customer_ref" in columns:
        return "contacts"
    return None
