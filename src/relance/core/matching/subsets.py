"""Which few invoices of one customer add up to a payment (a bounded subset sum).

A customer who pays several invoices with one transfer and no reference leaves only
the total. Finding it is the subset-sum problem, exponential in general; it stays cheap
because the search is bounded: one customer's oldest ``MAX_ITEMS`` open invoices, at
most four of them together, in integer minor units. Sums of pairs are sorted once;
a triple is one invoice plus a pair, a quadruple two pairs, each found by bisection
(meet in the middle): about n²/2 look-ups for n invoices instead of n⁴/24 sums.

The look-ups are made for all pairs at once with ``map`` over :func:`bisect.bisect_left`
(C loops); Python only visits the few pairs whose window holds a partner.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from itertools import combinations, compress, repeat
from operator import lt

MAX_ITEMS = 20
#: More combinations than this make the amount meaningless: the line goes to review.
MAX_FOUND = 4


def subsets_between(amounts: Sequence[int], low: int, high: int,
                    ) -> list[tuple[int, ...]]:
    """Up to :data:`MAX_FOUND` index tuples of 2 to 4 ``amounts`` summing into
    [low, high], smallest groups first; among groups of one size, pairs by rising sum,
    triples by first index then rising sum of the other two, quadruples by rising sum
    of their first two.

    >>> subsets_between([300, 100, 200, 700], 500, 500)
    [(0, 2)]
    """
    ordered = sorted(amounts)
    if len(amounts) < 2 or ordered[0] + ordered[1] > high or sum(ordered[-4:]) < low:
        return []
    found: list[tuple[int, ...]] = []
    for group in _groups(amounts, _Pairs(amounts), low, high):
        found.append(group)
        if len(found) == MAX_FOUND:
            break
    return found


class _Pairs:
    """Every pair (i, j), i < j, of the amounts, sorted by sum, then i, then j."""

    def __init__(self, amounts: Sequence[int]) -> None:
        indexes = list(combinations(range(len(amounts)), 2))
        raw = list(map(sum, combinations(amounts, 2)))
        # a stable sort on the sum keeps (i, j) order among equal sums
        order = sorted(range(len(raw)), key=raw.__getitem__)
        self.sums = list(map(raw.__getitem__, order))
        self.indexes = list(map(indexes.__getitem__, order))

    def between(self, low: int, high: int) -> list[tuple[int, int]]:
        """The pairs summing into [low, high], in order."""
        return self.indexes[bisect_left(self.sums, low):bisect_right(self.sums, high)]

    def windows(self, lows: list[int], highs: list[int]) -> Iterator[tuple[int, int, int]]:
        """(k, start, stop) for each k whose window [lows[k], highs[k]] holds a pair sum:
        ``self.indexes[start:stop]`` are those pairs."""
        sums = self.sums
        starts = list(map(bisect_left, repeat(sums), lows))
        stops = list(map(bisect_right, repeat(sums), highs))
        hits = compress(range(len(lows)), map(lt, starts, stops))
        return ((k, starts[k], stops[k]) for k in hits)


def _groups(amounts: Sequence[int], pairs: _Pairs, low: int, high: int,
            ) -> Iterator[tuple[int, ...]]:
    # Each group is produced once: a triple as (its first index, the pair after it),
    # a quadruple as (its first two, its last two).
    yield from pairs.between(low, high)
    for k, start, stop in pairs.windows([low - a for a in amounts],
                                        [high - a for a in amounts]):
        for i, j in pairs.indexes[start:stop]:
            if k < i:
                yield (k, i, j)
    # quadruples: a first pair that leaves room for the smallest second one
    usable = bisect_right(pairs.sums, high - pairs.sums[0])
    sums = pairs.sums[:usable]
    for k, start, stop in pairs.windows([low - s for s in sums], [high - s for s in sums]):
        b = pairs.indexes[k][1]
        for c, d in pairs.indexes[start:stop]:
            if b < c:
                yield (*pairs.indexes[k], c, d)
