"""The record every e-invoice reader produces, whatever the syntax.

The fields are the EN 16931-1 business terms (BT) a collection tool needs to
chase a receivable: who owes what, in which currency, from when. The same
semantic model is carried by the two syntaxes EN 16931 allows (UN/CEFACT CII
and OASIS UBL 2.1) and by the older ZUGFeRD 1.0 format, so one record fits all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Kind = Literal["invoice", "credit_note"]

# UNTDID 1001 document types EN 16931 treats as credit notes (code list of
# BT-3): commercial credit note 381, self-billed 261, factored 396, etc.
CREDIT_NOTE_TYPES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class EInvoice:
    """One invoice or credit note read from a structured e-invoice.

    Amounts are positive ``Decimal`` in ``currency`` (BT-5); ``kind`` says which
    way they go. ``due_date`` (BT-9) is ``None`` when the document has none —
    the MINIMUM profile cannot carry it — and the importer then applies the
    customer's payment terms. ``pdf`` keeps the original Factur-X/ZUGFeRD PDF
    so reminders can attach the very document the customer received.
    ``notes`` lists what was read but ignored (an invalid SIREN, say).
    """

    kind: Kind
    number: str  # BT-1
    issue_date: date  # BT-2
    due_date: date | None  # BT-9
    currency: str  # BT-5
    total_incl_vat: Decimal  # BT-112, grand total
    amount_due: Decimal  # BT-115, after prepayment
    prepaid: Decimal  # BT-113
    seller_name: str | None  # BT-27
    seller_siren: str | None  # BT-30 (scheme 0002) or from a SIRET (0009)
    seller_vat: str | None  # BT-31
    buyer_name: str  # BT-44
    buyer_siren: str | None  # BT-47 or from the SIRET
    buyer_siret: str | None  # BT-46 / BT-47 with scheme 0009
    buyer_vat: str | None  # BT-48
    buyer_email: str | None  # BT-49 electronic address (scheme EM), else BT-58
    buyer_reference: str | None  # BT-10
    payment_reference: str | None  # BT-83
    profile: str | None  # BT-24 (CII guideline) or UBL CustomizationID
    source_format: str  # "cii", "zugferd1" or "ubl": the XML syntax read
    pdf: bytes | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()
