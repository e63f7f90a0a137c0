"""How sure a candidate is: four kinds of evidence, weighed and explained.

A candidate is a group of open invoices of one customer in the payment's currency.
The same rules judge it whichever search found it:

========================  ======  =================================================
evidence                  points  reason (code and values; worded for the reader)
========================  ======  =================================================
reference (all quoted)        45  ``quoted`` invoice (``quoted_rf``, ``quoted_own``)
reference (some quoted)       20  same, for the quoted ones
amount = one balance          35  ``one_balance``
amount = sum of balances      30  ``sum_of_balances`` count
amount short within fees      25  ``within_tolerance`` shortfall, currency
known IBAN of the customer    25  ``known_iban`` (``other_customer_iban`` customer)
payer name close              15  ``close_name`` name, score
========================  ======  =================================================

The score is the sum, capped at 100. A candidate is *strong* (may be allocated without
a human) only for a combination that a collector would accept on sight: the reference
and the amount agree, the reference and the payer agree (name or IBAN), or the amount
agrees and comes from the customer's known IBAN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from relance.core.matching.records import ZERO, Candidate, OpenItem, Reason, Tolerance, reason
from relance.core.money import quantum

REFERENCE, PARTIAL_REFERENCE = 45, 20
ONE_BALANCE, SUM_OF_BALANCES, WITHIN_TOLERANCE = 35, 30, 25
KNOWN_IBAN, CLOSE_NAME = 25, 15


class LineFacts(NamedTuple):
    """What one bank line says, read once: amount, currency, who paid, what was quoted."""

    amount: Decimal
    currency: str
    payer: str
    iban_customer: str | None
    quoted: Mapping[str, Reason]


class Scored(NamedTuple):
    """A candidate, its invoices (in allocation order) and whether its evidence is
    enough to allocate automatically. (Tuples: built for every candidate of every
    line, they cost half a frozen dataclass.)"""

    candidate: Candidate
    strong: bool
    group: tuple[OpenItem, ...]


class Weight(NamedTuple):
    """The evidence of a candidate that does not need the payer's name: the points of
    reference, amount and IBAN, whether they alone make it strong, and whether the
    payer quoted all its invoices (then a close name makes it strong too)."""

    points: int
    strong: bool
    quoted: bool


def weigh(group: Sequence[OpenItem], total: Decimal, facts: LineFacts,
          tolerance: Tolerance) -> Weight:
    """The name-free part of :func:`assess`, in integers and no text: enough to take
    most decisions without scoring a name (see ``decide.decide_on_bounds``)."""
    quoted = facts.quoted
    some = sum([item.invoice_number in quoted for item in group]) if quoted else 0
    has_reference = some == len(group)
    amount_points = _amount_points(len(group), total, facts, tolerance)
    iban_points = KNOWN_IBAN if facts.iban_customer == group[0].customer_ref else 0
    points = ((REFERENCE if has_reference else PARTIAL_REFERENCE) if some else 0) \
        + amount_points + iban_points
    return Weight(points, bool(has_reference and (amount_points or iban_points)
                               or amount_points and iban_points), has_reference)


def _amount_points(size: int, total: Decimal, facts: LineFacts, tolerance: Tolerance) -> int:
    if facts.amount == total:
        return ONE_BALANCE if size == 1 else SUM_OF_BALANCES
    return WITHIN_TOLERANCE if tolerance.accepts(total - facts.amount, total) else 0


def assess(group: Sequence[OpenItem], facts: LineFacts, tolerance: Tolerance,
           name_score: Callable[[str], float], threshold: float) -> Scored:
    """Weigh the evidence that ``facts`` pays exactly the invoices of ``group``, with the
    reasons a collector reads."""
    customer = group[0].customer_ref
    total = sum((item.balance for item in group), ZERO)
    reasons: list[Reason] = [facts.quoted[item.invoice_number] for item in group
               if item.invoice_number in facts.quoted] if facts.quoted else []
    weight = weigh(group, total, facts, tolerance)
    name = name_score(customer) if facts.payer else 0.0
    name_points = CLOSE_NAME if name >= threshold else 0
    if name_points:
        reasons.append(reason("close_name", name=group[0].customer_name, score=f"{name:.0f}"))
    amount_reason = _amount(len(group), total, facts, tolerance)
    if amount_reason:
        reasons.append(amount_reason)
    iban_reason = _iban(customer, facts)
    if iban_reason:
        reasons.append(iban_reason)
    strong = weight.strong or weight.quoted and bool(name_points)
    score = min(100, weight.points + name_points)
    candidate = Candidate(tuple([item.invoice_number for item in group]), score,
                          tuple(reasons), facts.amount - total, customer)
    return Scored(candidate, strong, tuple(group))


def _amount(size: int, total: Decimal, facts: LineFacts, tolerance: Tolerance,
            ) -> Reason | None:
    if facts.amount == total:
        return ONE_BALANCE_REASON if size == 1 else reason("sum_of_balances", count=size)
    shortfall = total - facts.amount
    if tolerance.accepts(shortfall, total):
        return reason("within_tolerance", currency=facts.currency,
                      shortfall=shortfall.quantize(quantum(facts.currency)))
    return None


def _iban(customer: str, facts: LineFacts) -> Reason | None:
    if facts.iban_customer is None:
        return None
    if facts.iban_customer == customer:
        return KNOWN_IBAN_REASON
    return reason("other_customer_iban", customer=facts.iban_customer)


ONE_BALANCE_REASON, KNOWN_IBAN_REASON = reason("one_balance"), reason("known_iban")


def amount_fits(total: Decimal, facts: LineFacts, tolerance: Tolerance) -> bool:
    """Whether a group of balance ``total`` explains the amount (exactly or for fees)."""
    return tolerance.accepts(total - facts.amount, total)
