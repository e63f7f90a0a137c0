"""From weighed candidates to a decision and, when it is automatic, the allocation.

Allocation follows spec/dunning-rules.md, "Allocation of money": the invoices the payer
quoted first, then the oldest due date; the cash left over stays on the customer as
unallocated credit. A shortfall inside the bank-fee :class:`Tolerance` settles the
invoices in full and is reported as ``write_off``; a larger one leaves the last invoice
open for the rest: nothing is ever written off silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from relance.core.matching.evidence import CLOSE_NAME, Scored, Weight
from relance.core.matching.records import (
    ZERO,
    MatchResult,
    OpenItem,
    PaymentLine,
    Reason,
    Tolerance,
    reason,
)

#: A rival this close to the best candidate means a human must choose.
RIVAL_MARGIN = 15
#: Candidates kept on a result for the collector to choose from.
MAX_CANDIDATES = 5


def ranked(scored: Sequence[Scored]) -> list[Scored]:
    """Best first; among equals, the smaller group, then the first invoice number."""
    if len(scored) < 2:
        return list(scored)
    return sorted(scored, key=lambda s: (-s.candidate.score, len(s.candidate.invoices),
                                         s.candidate.invoices))


def is_clear_winner(ranking: Sequence[Scored]) -> bool:
    """The best candidate is strong and no other comes within :data:`RIVAL_MARGIN`."""
    if not ranking or not ranking[0].strong:
        return False
    return len(ranking) == 1 or (
        ranking[1].candidate.score <= ranking[0].candidate.score - RIVAL_MARGIN)


def decide_on_bounds(weights: Sequence[Weight], customers: Sequence[str],
                     close: Callable[[str], bool] | None) -> int | None:
    """Which candidate :func:`decide` would allocate automatically, if any, scoring the
    payer's name only when its points could change the answer.

    A close name adds :data:`CLOSE_NAME` points, so a candidate's score lies between
    its name-free points and those plus 15. The winner is known without any name when
    it is strong on its own and beats every rival's highest score by the margin; nobody
    wins when no candidate's highest score could beat every rival's lowest. Otherwise
    the names of the candidates' customers are scored (``close``; ``None`` when the
    line names no payer) and the rule is applied to the exact scores. Same answer as
    :func:`is_clear_winner` over :func:`ranked` candidates, by construction.
    """
    if len(weights) == 1:  # the usual case: one explanation
        weight = weights[0]
        if weight.strong or weight.quoted and close is not None and close(customers[0]):
            return 0
        return None
    lows = [min(100, weight.points) for weight in weights]
    if close is None:
        return _clear_winner(lows, [weight.strong for weight in weights])
    highs = [min(100, weight.points + CLOSE_NAME) for weight in weights]
    best = lows.index(max(lows))
    if weights[best].strong and _beats(lows[best], highs, best):
        return best
    if not any((weight.strong or weight.quoted) and _beats(highs[k], lows, k)
               for k, weight in enumerate(weights)):
        return None
    closes = {customer: close(customer) for customer in set(customers)}
    named = [closes[customer] for customer in customers]
    return _clear_winner(
        [min(100, weight.points + CLOSE_NAME * near)
         for weight, near in zip(weights, named, strict=True)],
        [weight.strong or weight.quoted and near
         for weight, near in zip(weights, named, strict=True)])


def _beats(score: int, others: list[int], own: int) -> bool:
    """Whether ``score`` exceeds every other candidate's by :data:`RIVAL_MARGIN`."""
    return all(other <= score - RIVAL_MARGIN for k, other in enumerate(others) if k != own)


def _clear_winner(scores: list[int], strong: list[bool]) -> int | None:
    best = scores.index(max(scores))
    return best if strong[best] and _beats(scores[best], scores, best) else None


def allocate(amount: Decimal, group: Sequence[OpenItem], tolerance: Tolerance,
             ) -> tuple[tuple[tuple[str, Decimal], ...], Decimal, Decimal]:
    """Spread ``amount`` over ``group`` (already in allocation order).

    Returns ``(allocations, unallocated, write_off)``.
    """
    if len(group) == 1:  # the usual case, without the sums and the loop
        return _allocate_one(amount, group[0], tolerance)
    total = sum((item.balance for item in group), ZERO)
    shortfall = total - amount
    if shortfall > ZERO and tolerance.accepts(shortfall, total):
        return tuple((item.invoice_number, item.balance) for item in group), ZERO, shortfall
    left, allocations = amount, []
    for item in group:
        given = min(item.balance, left)
        if given > ZERO:
            allocations.append((item.invoice_number, given))
            left -= given
    return tuple(allocations), left, ZERO


def _allocate_one(amount: Decimal, item: OpenItem, tolerance: Tolerance,
                  ) -> tuple[tuple[tuple[str, Decimal], ...], Decimal, Decimal]:
    balance = item.balance
    total = ZERO + balance  # as a sum of balances, to the same exponent
    shortfall = total - amount
    if shortfall > ZERO and tolerance.accepts(shortfall, total):
        return ((item.invoice_number, balance),), ZERO, shortfall
    given = min(balance, amount)  # an open item's balance is positive, so is the amount
    return ((item.invoice_number, given),), amount - given, ZERO


def decide(line: PaymentLine, scored: Sequence[Scored], tolerance: Tolerance,
           notes: Sequence[Reason]) -> MatchResult:
    """The result for ``line`` given its weighed candidates."""
    ranking = ranked(scored)
    candidates = tuple(s.candidate for s in ranking[:MAX_CANDIDATES])
    if not ranking:
        return unmatched(line, (reason("nothing_matches"), *notes))
    best = ranking[0].candidate
    if is_clear_winner(ranking):
        allocations, unallocated, write_off = allocate(
            line.amount, ranking[0].group, tolerance)
        return MatchResult(line, candidates, "auto", allocations, unallocated,
                           (reason("sure", invoices=best.invoices), *notes),
                           write_off)
    return MatchResult(line, candidates, "review", (), line.amount,
                       (_why_review(ranking), *notes))


def _why_review(ranking: Sequence[Scored]) -> Reason:
    if ranking[0].strong:
        best, rival = ranking[0].candidate, ranking[1].candidate
        return reason("close_rivals", best=best.invoices, best_score=best.score,
                      rival=rival.invoices, rival_score=rival.score)
    return reason("weak_evidence")


def unmatched(line: PaymentLine, reasons: tuple[Reason, ...]) -> MatchResult:
    """A line nothing explains: its whole amount stays unallocated."""
    return MatchResult(line, (), "none", (), line.amount, reasons)
