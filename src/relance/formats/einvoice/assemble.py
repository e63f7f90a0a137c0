"""Turn the values a syntax reader found into an :class:`EInvoice`, or errors.

The rules shared by every syntax live here: which fields are mandatory
(EN 16931 BT-1 number, BT-2 issue date, BT-5 currency, BT-44 buyer name,
BT-112 grand total), and how a credit note is recognised. EN 16931 wants a
credit note's amounts positive (document type 381 carries the sign), but
French issuers also send type 380 "avoirs" with negative totals; both become
``kind="credit_note"`` with positive amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.formats import RowError
from relance.formats.einvoice.parties import Party
from relance.formats.einvoice.records import CREDIT_NOTE_TYPES, EInvoice
from relance.formats.einvoice.safexml import FieldReader

# The EN 16931 business term of each field: a RowError names it (its English label is
# in relance.formats.problems.TERMS, its French one in relance.imports.wording).
TERMS = {
    "number": "BT-1",
    "issue_date": "BT-2",
    "due_date": "BT-9",
    "currency": "BT-5",
    "total_incl_vat": "BT-112",
    "prepaid": "BT-113",
    "amount_due": "BT-115",
    "buyer_name": "BT-44",
}
MANDATORY = ("number", "issue_date", "currency", "total_incl_vat")

_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """The values as found in the document, signs untouched, any may be missing."""

    credit_note_root: bool = False
    type_code: str | None
    number: str | None
    issue_date: date | None
    due_date: date | None
    currency: str | None
    total_incl_vat: Decimal | None
    prepaid: Decimal | None
    amount_due: Decimal | None
    seller: Party
    buyer: Party
    buyer_reference: str | None
    payment_reference: str | None
    profile: str | None
    source_format: str


@dataclass(frozen=True, slots=True)
class _Amounts:
    negative: bool
    total: Decimal
    prepaid: Decimal
    due: Decimal


def finish(draft: Draft, fields: FieldReader) -> tuple[list[EInvoice], list[RowError]]:
    """The record, or every problem found in the document (then no record)."""
    _check(draft, fields)
    if fields.errors:
        return [], fields.errors
    amounts = _amounts(draft)
    if amounts.due < 0:
        fields.fail("amount_due", "due_against_total", amount=amounts.due,
                    currency=draft.currency)
        return [], fields.errors
    return [_record(draft, amounts)], []


def _check(draft: Draft, fields: FieldReader) -> None:
    if draft.currency is not None and not _CURRENCY.fullmatch(draft.currency):
        fields.fail("currency", "term_not_a_currency", text=draft.currency)
    reported = {error.field for error in fields.errors}
    for name in MANDATORY:
        if getattr(draft, name) is None and name not in reported:
            fields.fail(name, "missing_term")
    if not draft.buyer.name:
        fields.fail("buyer_name", "missing_term")


def _amounts(draft: Draft) -> _Amounts:
    """Amounts made positive: a negative grand total flips every sign."""
    total = draft.total_incl_vat
    assert total is not None  # mandatory, checked
    sign = -1 if total < 0 else 1
    prepaid = _signed(draft.prepaid, sign)
    if draft.amount_due is None:  # BT-115 is mandatory, but its value is implied
        due = _signed(total, sign) - prepaid
    else:
        due = _signed(draft.amount_due, sign)
    return _Amounts(sign < 0, _signed(total, sign), prepaid, due)


def _signed(amount: Decimal | None, sign: int) -> Decimal:
    """``amount * sign``, with no "-0.00" (credit notes write "-0.00" prepaid)."""
    result = (amount if amount is not None else Decimal(0)) * sign
    return abs(result) if result.is_zero() else result


def _is_credit_note(draft: Draft, amounts: _Amounts) -> bool:
    return draft.credit_note_root or draft.type_code in CREDIT_NOTE_TYPES or amounts.negative


def _record(draft: Draft, amounts: _Amounts) -> EInvoice:
    assert draft.number and draft.issue_date and draft.currency and draft.buyer.name
    return EInvoice(
        kind="credit_note" if _is_credit_note(draft, amounts) else "invoice",
        number=draft.number,
        issue_date=draft.issue_date,
        due_date=draft.due_date,
        currency=draft.currency,
        total_incl_vat=amounts.total,
        amount_due=amounts.due,
        prepaid=amounts.prepaid,
        seller_name=draft.seller.name,
        seller_siren=draft.seller.siren,
        seller_vat=draft.seller.vat,
        buyer_name=draft.buyer.name,
        buyer_siren=draft.buyer.siren,
        buyer_siret=draft.buyer.siret,
        buyer_vat=draft.buyer.vat,
        buyer_email=draft.buyer.email,
        buyer_reference=draft.buyer_reference,
        payment_reference=draft.payment_reference,
        profile=draft.profile,
        source_format=draft.source_format,
        notes=draft.seller.notes + draft.buyer.notes,
    )
