"""Which few invoices of one customer add up to a payment (a bounded subset sum).

A customer who pays several invoices with one transfer and no reference leaves only
the total. Finding it is the subset-sum problem, exponential in general; it stays cheap
because the search is bounded: one customer's oldest ``MAX_ITEMS`` open invoices, at
most four of them together, in integer minor units. A triple is one invoice plus a
pair, a quadruple two pairs (meet in the middle): about n²/2 sums for n invoices
instead of n⁴/24.

The window [low, high] is ``width`` cents wide, so a partner completing a pair sum
lies in one of two buckets of that width: a set of those buckets rules out, one
look-up a value, the invoices (for triples) and pairs (for quadruples) that complete
no pair, and Python checks only the few couples whose buckets agree. Most amounts fit
no triple or no quadruple at all and are told so without sorting anything; a size
whose smallest sum exceeds the window, or whose largest falls short of it, is not
searched. When too many couples share buckets (balances of a few cents against a wide
tolerance), the sorted pair sums and bisection of :class:`_Pairs` take over.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from functools import cache, cached_property
from itertools import combinations, compress, islice, repeat
from operator import lt

MAX_ITEMS = 20
#: More combinations than this make the amount meaningless: the line goes to review.
MAX_FOUND = 4
#: Combinations left after the bucket test above which bisection is cheaper than
#: checking each (balances of a few cents against a wide tolerance).
MAX_CHECKED = 512


def subsets_between(amounts: Sequence[int], low: int, high: int,
                    ) -> list[tuple[int, ...]]:
    """Up to :data:`MAX_FOUND` index tuples of 2 to 4 ``amounts`` summing into
    [low, high], smallest groups first; among groups of one size, pairs by rising sum,
    triples by first index then rising sum of the other two, quadruples by rising sum
    of their first two (then by the rising sum of the last two).

    >>> subsets_between([300, 100, 200, 700], 500, 500)
    [(0, 2)]
    """
    ordered = sorted(amounts)
    if len(amounts) < 2 or high < low or ordered[0] + ordered[1] > high \
            or sum(ordered[-4:]) < low:
        return []
    found = _Bucketed(amounts, low, high).groups(ordered)
    if found is None:  # buckets too crowded to help
        found = list(islice(_groups(amounts, _Pairs(amounts), low, high), MAX_FOUND))
    return found[:MAX_FOUND]


class _Bucketed:
    """Every pair sum of the amounts, in pair order, and the buckets of the window's
    width where a partner completing one may fall.

    A value ``x`` completes the sum ``s`` (``low <= s + x <= high``) only when
    ``x // width`` is ``(low - s) // width`` or one more: the values in none of these
    buckets complete no pair, and most amounts are told so by a set look-up per value.
    (Comprehensions rather than ``map`` over ``operator`` functions: on a few dozen
    small integers they cost a third.)
    """

    def __init__(self, amounts: Sequence[int], low: int, high: int) -> None:
        self.amounts, self.low, self.high = amounts, low, high
        self.width = width = high - low + 1
        self.sums = sums = [x + y for x, y in combinations(amounts, 2)]
        #: the bucket a partner of each pair must fall in, or the next one
        self.wanted = {(low - total) // width for total in sums}

    @cached_property
    def reach(self) -> set[int]:
        """The buckets where a partner of some pair falls."""
        return {*self.wanted, *[bucket + 1 for bucket in self.wanted]}

    def groups(self, ordered: list[int]) -> list[tuple[int, ...]] | None:
        """The fitting groups in :func:`subsets_between`'s order, at least
        :data:`MAX_FOUND` when there are; ``None`` when too many pairs are left to
        check. ``ordered`` are the amounts sorted: a size whose smallest sum exceeds
        the window, or whose largest falls short of it, is not searched."""
        low, high = self.low, self.high
        found = self.pairs() if ordered[-1] + ordered[-2] >= low else []
        if len(found) >= MAX_FOUND or len(ordered) < 3 or sum(ordered[:3]) > high:
            return found
        if sum(ordered[-3:]) >= low:
            triples = self.triples()
            if triples is None:
                return None
            found += triples
        if len(found) >= MAX_FOUND or len(ordered) < 4 or sum(ordered[:4]) > high:
            return found
        quadruples = self.quadruples()
        return None if quadruples is None else found + quadruples

    def pairs(self) -> list[tuple[int, ...]]:
        """Pairs summing into the window (their partner would be 0), by rising sum."""
        if 0 not in self.wanted and -1 not in self.wanted:
            return []
        low, high = self.low, self.high
        fitting = sorted([(total, p) for p, total in enumerate(self.sums)
                          if low <= total <= high])
        pairs = _pair_indexes(len(self.amounts))
        return [pairs[p] for _, p in fitting]

    def _couples(self, partners: list[int], values: Sequence[int],
                 ) -> list[tuple[int, int]] | None:
        """The (pair, partner) couples whose buckets agree, ``partners`` being
        positions in ``values``; ``None`` when more than :data:`MAX_CHECKED`."""
        low, width = self.low, self.width
        by_bucket: dict[int, list[int]] = {}
        for k in partners:
            by_bucket.setdefault(values[k] // width, []).append(k)
        hits = self.wanted.intersection([*by_bucket, *[bucket - 1 for bucket in by_bucket]])
        couples = []
        for p, total in enumerate(self.sums):
            wanted = (low - total) // width
            if wanted in hits:
                couples += [(p, k) for k in (*by_bucket.get(wanted, ()),
                                             *by_bucket.get(wanted + 1, ()))]
                if len(couples) > MAX_CHECKED:
                    return None
        return couples

    def triples(self) -> list[tuple[int, ...]] | None:
        amounts, width, reach = self.amounts, self.width, self.reach
        partners = [k for k, amount in enumerate(amounts) if amount // width in reach]
        couples = self._couples(partners, amounts) if partners else []
        if couples is None:
            return None
        low, high, sums = self.low, self.high, self.sums
        pairs = _pair_indexes(len(amounts))
        triples = sorted([(k, sums[p], *pairs[p]) for p, k in couples
                          if k < pairs[p][0] and low <= sums[p] + amounts[k] <= high])
        return [(k, i, j) for k, _, i, j in triples]

    def quadruples(self) -> list[tuple[int, ...]] | None:
        sums, width, reach = self.sums, self.width, self.reach
        partners = [q for q, total in enumerate(sums) if total // width in reach]
        couples = self._couples(partners, sums) if partners else []
        if couples is None:
            return None
        low, high = self.low, self.high
        pairs = _pair_indexes(len(self.amounts))
        quadruples = sorted([(sums[p], *pairs[p], sums[q], *pairs[q]) for p, q in couples
                             if pairs[p][1] < pairs[q][0] and low <= sums[p] + sums[q] <= high])
        return [(a, b, c, d) for _, a, b, _, c, d in quadruples]


@cache
def _pair_indexes(size: int) -> list[tuple[int, int]]:
    """Every pair (i, j), i < j, in the order of :func:`itertools.combinations`."""
    return list(combinations(range(size), 2))


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
    """The fitting groups in :func:`subsets_between`'s order, by bisection."""
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
