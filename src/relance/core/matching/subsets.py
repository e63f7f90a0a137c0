"""Which few invoices of one customer add up to a payment (a bounded subset sum).

A customer who pays several invoices with one transfer and no reference leaves only
the total. Finding it is the subset-sum problem, exponential in general; it stays cheap
because the search is bounded: one customer's oldest ``MAX_ITEMS`` open invoices, at
most four of them together, in integer minor units. Sums of pairs are sorted once;
a triple is one invoice plus a pair, a quadruple two pairs, each found by bisection
(meet in the middle): about n²/2 look-ups for n invoices instead of n⁴/24 sums.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from itertools import combinations

MAX_ITEMS = 20
#: More combinations than this make the amount meaningless: the line goes to review.
MAX_FOUND = 4

Pair = tuple[int, int, int]  # (sum, i, j) with i < j


def subsets_between(amounts: Sequence[int], low: int, high: int,
                    ) -> list[tuple[int, ...]]:
    """Up to :data:`MAX_FOUND` index tuples of 2 to 4 ``amounts`` summing into
    [low, high], smallest groups first.

    >>> subsets_between([300, 100, 200, 700], 500, 500)
    [(0, 2)]
    """
    ordered = sorted(amounts)
    if len(amounts) < 2 or ordered[0] + ordered[1] > high or sum(ordered[-4:]) < low:
        return []
    pairs = sorted((amounts[i] + amounts[j], i, j)
                   for i, j in combinations(range(len(amounts)), 2))
    sums = [pair[0] for pair in pairs]

    def between(lo: int, hi: int) -> list[Pair]:
        return pairs[bisect_left(sums, lo):bisect_right(sums, hi)]

    found: list[tuple[int, ...]] = []
    for group in _groups(amounts, pairs, between, low, high):
        found.append(group)
        if len(found) == MAX_FOUND:
            break
    return found


def _groups(amounts: Sequence[int], pairs: list[Pair], between, low: int, high: int,
            ) -> Iterator[tuple[int, ...]]:
    # Each group is produced once: a triple as (its first index, the pair after it),
    # a quadruple as (its first two, its last two).
    for _, i, j in between(low, high):
        yield (i, j)
    for k, amount in enumerate(amounts):
        for _, i, j in between(low - amount, high - amount):
            if k < i:
                yield (k, i, j)
    for total, a, b in pairs:
        if total + pairs[0][0] > high:
            break
        for _, c, d in between(low - total, high - total):
            if b < c:
                yield (a, b, c, d)
