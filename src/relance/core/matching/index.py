"""The book of open invoices, indexed once so that matching a line never scans it.

Every look-up a bank line needs is a dictionary access: invoice number (case-insensitive;
French invoice numbers are unique in an organization, CGI art. 242 nonies A, so one
number is one invoice), exact balance per currency, a customer's own open invoices,
the customer of a known IBAN, and customers whose name shares a word prefix with the
payer's (the few names then scored by rapidfuzz).
"""

from __future__ import annotations

import re
import string
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from decimal import Decimal
from functools import cached_property
from itertools import batched, compress, pairwise
from operator import attrgetter

from rapidfuzz import fuzz, process

from relance.core.ledger import natural_key
from relance.core.matching.records import ZERO, OpenItem
from relance.core.matching.text import compact, normalized_name, word_runs, word_spans
from relance.core.money import minor_units

#: Customers sharing name keys with a payer are counted over at most this many postings…
MAX_POOL = 400
#: …and only the few sharing the most keys are scored (rapidfuzz takes about a
#: microsecond a name: the shortlist bounds the cost of a line).
SHORTLIST = 8
PREFIX = 4
#: Numbers read at once when learning their shapes.
SHAPE_BATCH = 65536


def payment_order(item: OpenItem) -> tuple:
    """Oldest due date first, then lowest number (spec: "Allocation of money")."""
    return (item.due, natural_key(item.invoice_number))


def in_payment_order(items: Iterable[OpenItem]) -> tuple[OpenItem, ...]:
    """``items`` sorted by :func:`payment_order`; the costlier number order is computed
    only for the invoices falling due the same day as another."""
    by_due = sorted(items, key=_DUE)
    dues = [item.due for item in by_due]
    tied = {due for due, following in pairwise(dues) if due == following}
    if tied:  # (due,) and (due, number order) never meet: a due is tied or it is not
        by_due.sort(key=lambda item: payment_order(item) if item.due in tied else (item.due,))
    return tuple(by_due)


def name_keys(normalized: str) -> list[str]:
    """The blocking keys of a normalized name: each real word, and its first letters
    prefixed by "~" so that a name the bank truncated or misspelt is still found.

    Sorted, so that the shortlist of equally close customers never depends on the
    process's string-hash seed (it did when the keys were a ``set``).

    >>> name_keys("ATELIER DU NORD")
    ['ATELIER', 'NORD', '~ATEL', '~NORD']
    """
    words = [word for word in normalized.split() if len(word) >= 3]
    return sorted({*words, *["~" + word[:PREFIX] for word in words]})


HUNDRED = Decimal(100)
_CURRENCY = attrgetter("currency")
_DUE = attrgetter("due")
_NINES = re.compile(r"9+")
#: letters and digits to "9": "F-2026-012" has the shape "9-9999-999"
_SHAPE = str.maketrans(dict.fromkeys(string.ascii_letters + string.digits, "9"))
#: the first word of a number of several words, one number a line
_FIRST_OF_SEVERAL = re.compile(
    r"^[^0-9A-Za-z\n]*([0-9A-Za-z]+)[^0-9A-Za-z\n]+[0-9A-Za-z]", re.MULTILINE)


#: Above this many distinct first runs, an alternation of them costs more than the
#: word-by-word walk of :meth:`BookIndex.mentioned`.
MAX_CHAIN_FIRSTS = 64


def _chain_pattern(first_runs: set[str], max_runs: int) -> re.Pattern[str] | None:
    """A pattern matching, without consuming it, every place of an upper-case text
    where a whole run that starts some number begins; group ``k`` ends where the
    ``k``-th following run ends (``-1`` when there is none), so that
    ``text[start:end(k)]`` are exactly the pieces :meth:`BookIndex.mentioned` tries.

    >>> _chain_pattern({"F"}, 3).pattern
    '(?<![0-9A-Z])(?=(?:F)([^0-9A-Z]+[0-9A-Z]+)(?:([^0-9A-Z]+[0-9A-Z]+))?)'
    """
    if not first_runs or len(first_runs) > MAX_CHAIN_FIRSTS or max_runs < 2:
        return None
    level = "[^0-9A-Z]+[0-9A-Z]+"
    inner = ""
    for _ in range(max_runs - 2):
        inner = f"(?:({level}){inner})?"
    firsts = "|".join(map(re.escape, sorted(first_runs, key=len, reverse=True)))
    return re.compile(f"(?<![0-9A-Z])(?=(?:{firsts})({level}){inner})")


def _owed(items: list[OpenItem]) -> list[OpenItem]:
    """The items with a positive balance (all of them, usually)."""
    positive = [ZERO < item.balance for item in items]
    return items if all(positive) else list(compress(items, positive))


def _upper_all(numbers: list[str]) -> list[str]:
    """The look-up keys of the numbers; the numbers themselves when all are upper case
    already, which saves a million copies (a joined string is upper case exactly when
    every one of its parts is)."""
    joined = "\n".join(numbers)
    return numbers if joined.upper() == joined else list(map(str.upper, numbers))


def _bucket(item: OpenItem) -> int:
    return int(item.balance * HUNDRED)


def _grouped(items: Iterable[OpenItem], key: Callable[[OpenItem], Hashable]) -> dict:
    """``items`` by ``key``, each group in book order, groups in order of first item."""
    groups: dict = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


def _by_customer(items: list[OpenItem]) -> dict[str, list[OpenItem]]:
    """:func:`_grouped` by customer, the attribute read inline (a million calls fewer)."""
    groups: dict[str, list[OpenItem]] = defaultdict(list)
    for item in items:
        groups[item.customer_ref].append(item)
    return groups


def _normalized_names(names: dict[str, str]) -> dict[str, str]:
    return dict(zip(names, map(normalized_name, names.values()), strict=True))


class BookIndex:
    """Open items of one organization, reachable by number, amount, customer and name.

    Built with a few passes over the book, each a C-level ``map``/``zip`` where one
    fits rather than Python calls per invoice (see ``bench/README.md`` for the cost).
    """

    def __init__(self, open_items: Iterable[OpenItem],
                 customer_ibans: Mapping[str, str] | None = None) -> None:
        items = _owed(list(open_items))
        numbers = [item.invoice_number for item in items]
        keys = _upper_all(numbers)
        self.by_number: dict[str, OpenItem] = dict(zip(keys, items, strict=True))
        self._index_amounts(items)
        self.by_customer: dict[str, list[OpenItem]] = _by_customer(items)
        self.names: dict[str, str] = {ref: group[0].customer_name
                                      for ref, group in self.by_customer.items()}
        self.normalized = _normalized_names(self.names)
        self.name_postings = self._name_postings()
        self._number_shapes(keys)
        self.ibans = {compact(iban): ref for iban, ref in (customer_ibans or {}).items()}
        self._ordered: dict[str, tuple[OpenItem, ...]] = {}
        self._searchable: dict[tuple[str, str], tuple[list[OpenItem], list[int]]] = {}

    def _index_amounts(self, items: list[OpenItem]) -> None:
        """Balances bucketed by whole hundredths: an ``int`` key hashes far faster than a
        ``Decimal``, and equal balances always share a bucket whatever their exponent
        ("100" and "100.00"), so a look-up checks the few items of one bucket for
        equality. Most buckets hold one invoice; the others are listed apart."""
        # comprehensions rather than chained ``map``s over ``attrgetter``: a third faster
        buckets = [int(item.balance * HUNDRED) for item in items]
        # reversed: the first invoice of a bucket, in book order, is the one kept
        first = self._first_of_bucket = dict(zip(reversed(buckets), reversed(items),
                                                  strict=True))
        self._more_in_bucket: dict[int, list[OpenItem]] = _grouped(
            [item for item, bucket in zip(items, buckets, strict=True)
             if first[bucket] is not item], key=_bucket)

    def _number_shapes(self, keys: list[str]) -> None:
        """How numbers look: longest, most words, which words start a several-word one.

        Read from the numbers joined by line feeds, a batch at a time, with two C-level
        passes (letters and digits translated to "9", then a regular expression for
        first words) rather than one Python call per number.
        """
        self.max_length = max(map(len, keys), default=1)
        if "\n" in "".join(keys):
            self._number_shapes_one_by_one(keys)  # a number holding a line feed
            return
        shapes: set[str] = set()
        # first word of every number made of several words ("F" for "F-2026-012")
        self.first_runs: set[str] = set()
        for batch in batched(keys, SHAPE_BATCH):  # bounds the memory of the split lines
            joined = "\n".join(batch)
            shapes.update(joined.translate(_SHAPE).split("\n"))
            self.first_runs.update(_FIRST_OF_SEVERAL.findall(joined))
        runs_per_shape = [len(_NINES.findall(shape)) for shape in shapes]
        self.max_runs = max([1, *runs_per_shape])
        self.single_runs = min(runs_per_shape, default=2) <= 1  # "FA2026012"
        self._chains = _chain_pattern(self.first_runs, self.max_runs)

    def _number_shapes_one_by_one(self, keys: list[str]) -> None:
        self._chains = None
        self.max_runs = 1
        # first word of every number made of several words ("F" for "F-2026-012")
        self.first_runs = set()
        self.single_runs = False  # some number is a single word ("FA2026012")
        for runs in map(word_runs, keys):
            if len(runs) > 1:
                self.first_runs.add(runs[0])
                self.max_runs = max(self.max_runs, len(runs))
            else:
                self.single_runs = True

    def _name_postings(self) -> dict[str, list[str]]:
        """The customers (in book order) of each key of :func:`name_keys`; the keys of a
        name are taken in any order here, since each posting follows the book."""
        postings: dict[str, list[str]] = defaultdict(list)
        for ref, normalized in self.normalized.items():
            words = [word for word in normalized.split() if len(word) >= 3]
            for key in {*words, *["~" + word[:PREFIX] for word in words]}:
                postings[key].append(ref)
        return dict(postings)

    @cached_property
    def by_compact(self) -> dict[str, tuple[str, ...]]:
        """Letters-and-digits form of every number, for RF references and bank-mangled
        ones; built on first use because most statements never need it."""
        result: dict[str, list[str]] = defaultdict(list)
        for key, item in self.by_number.items():
            result[compact(key)].append(item.invoice_number)
        return {body: tuple(numbers) for body, numbers in result.items()}

    def mentioned(self, text: str) -> list[OpenItem]:
        """Open invoices whose number appears in ``text`` as a whole token, in order.

        Same rule as ``relance.core.ledger.mentions`` ("F-12" is not in "F-123"): a
        piece of text is tried only from the start of a run of letters and digits to
        the end of one, and a piece of several runs only from a run that begins some
        invoice number, so the cost follows the words of the text, not the book.
        """
        if not text.isascii():  # upper-casing may move letters ("ß" -> "SS")
            return self._mentioned_in_pieces(text)
        upper = text.upper()
        if self._chains is not None and not self.single_runs:
            return self._chained(upper)
        words = word_runs(upper)
        get = self.by_number.get
        if self.first_runs.isdisjoint(words):  # the usual case: whole words only
            return [item for word in words if (item := get(word))] if self.single_runs else []
        found = []
        spans: list[tuple[int, int]] = []
        for i, word in enumerate(words):
            if self.single_runs and (item := get(word)) is not None:
                found.append(item)
            if word in self.first_runs:
                spans = spans or word_spans(upper)
                found += self._several_runs(upper, spans, i, get)
        return found

    def _chained(self, upper: str) -> list[OpenItem]:
        """Numbers of several runs in the upper-case ASCII ``upper``, when no number is
        a single run: one regular expression finds where a first run of some number
        starts a word and where each following run ends (see :func:`_chain_pattern`),
        so Python visits only those few places."""
        found = []
        get = self.by_number.get
        longest = self.max_length
        for match in self._chains.finditer(upper):
            start = match.start()
            for stop in map(match.end, range(1, self.max_runs)):
                if stop < 0 or stop - start > longest:
                    break
                if (item := get(upper[start:stop])) is not None:
                    found.append(item)
        return found

    def _several_runs(self, upper: str, spans: list[tuple[int, int]], i: int,
                      get: Callable[[str], OpenItem | None]) -> list[OpenItem]:
        """Numbers of several runs starting at run ``i`` of the upper-case text."""
        found = []
        start = spans[i][0]
        for _, stop in spans[i + 1:i + self.max_runs]:
            if stop - start > self.max_length:
                break
            if (item := get(upper[start:stop])) is not None:
                found.append(item)
        return found

    def _mentioned_in_pieces(self, text: str) -> list[OpenItem]:
        found = []
        runs = word_spans(text)
        get = self.by_number.get
        for i, (start, end) in enumerate(runs):
            first = text[start:end].upper()
            if self.single_runs and (item := get(first)) is not None:
                found.append(item)
            if first not in self.first_runs:
                continue
            for _, stop in runs[i + 1:i + self.max_runs]:
                if stop - start > self.max_length:
                    break
                if (item := get(text[start:stop].upper())) is not None:
                    found.append(item)
        return found

    def item(self, number: str) -> OpenItem | None:
        """The open invoice numbered ``number`` (any case), if any."""
        return self.by_number.get(number.upper())

    def with_balance(self, currency: str, amount: Decimal) -> tuple[OpenItem, ...]:
        """Open invoices of ``currency`` whose remaining balance is exactly ``amount``,
        in book order."""
        if not amount.is_finite():
            return ()
        bucket = int(amount * HUNDRED)
        first = self._first_of_bucket.get(bucket)
        if first is None:
            return ()
        more = self._more_in_bucket.get(bucket)
        if more is None:  # most balances are unique in the book
            return (first,) if first.balance == amount and first.currency.upper() == currency \
                else ()
        return tuple([item for item in (first, *more)
                      if item.balance == amount and item.currency.upper() == currency])

    def ordered(self, customer_ref: str) -> tuple[OpenItem, ...]:
        """A customer's open invoices, oldest due date first (sorted once, on first use)."""
        cached = self._ordered.get(customer_ref)
        if cached is None:
            cached = in_payment_order(self.by_customer.get(customer_ref, ()))
            self._ordered[customer_ref] = cached
        return cached

    def oldest(self, customer_ref: str, currency: str, limit: int,
               ) -> tuple[list[OpenItem], list[int]]:
        """A customer's ``limit`` oldest open invoices in ``currency`` and their balances
        in minor units (truncated), as the subset search wants them; cached."""
        key = (customer_ref, currency)
        cached = self._searchable.get(key)
        if cached is None:
            # comprehensions: on a customer's dozen invoices they beat chained ``map``s
            items = [item for item in self.ordered(customer_ref)
                     if item.currency == currency or item.currency.upper() == currency]
            del items[limit:]
            scale = minor_units(currency)
            cached = self._searchable[key] = (
                items, [int(item.balance.scaleb(scale)) for item in items])
        return cached

    def owes_in(self, customer_ref: str, currency: str) -> bool:
        """Whether the customer has an open invoice in ``currency`` (upper case)."""
        return currency in map(str.upper, map(_CURRENCY, self.by_customer.get(customer_ref, ())))

    def customer_of_iban(self, iban: str) -> str | None:
        """The customer who pays from ``iban``, when the organization recorded it."""
        if not iban:
            return None
        # a known IBAN is kept compact: an IBAN found as written is compact already
        return self.ibans.get(iban) or self.ibans.get(compact(iban))

    def customers_named(self, payer: str, threshold: float, limit: int = 3,
                        ) -> list[tuple[str, float]]:
        """Up to ``limit`` customers whose normalized name scores ``threshold`` or more
        against the normalized ``payer`` (rapidfuzz token-set ratio), best first.

        Only customers sharing a word (or a word's first letters) with the payer are
        considered, from the rarest key on; the :data:`SHORTLIST` sharing the most keys
        are scored, so the cost does not grow with the book.
        """
        shortlist = self._shortlist(payer)
        # best score first, then shortlist order; one call for the whole shortlist
        found = process.extract(payer, list(map(self.normalized.__getitem__, shortlist)),
                                scorer=fuzz.token_set_ratio, score_cutoff=threshold,
                                limit=limit)
        return [(shortlist[k], score) for _, score, k in found]

    def anyone_named(self, payer: str, threshold: float, currency: str) -> bool:
        """Whether one of :meth:`customers_named` owes in ``currency``."""
        return any(self.owes_in(ref, currency)
                   for ref, _ in self.customers_named(payer, threshold))

    def _shortlist(self, payer: str) -> list[str]:
        """The customers whose names are worth scoring against ``payer``'s."""
        return _shortlist(sorted(filter(None, map(self.name_postings.get, name_keys(payer))),
                                 key=len))


def _shortlist(postings: list[list[str]]) -> list[str]:
    """The customers sharing the most name keys, from postings sorted rarest first."""
    if postings and len(postings[0]) <= SHORTLIST:
        # a rare word: its few customers, and those of the next rare words
        pool: dict[str, None] = {}
        for posting in postings:
            if len(pool) + len(posting) > SHORTLIST:
                break
            pool.update(dict.fromkeys(posting))
        return list(pool)
    # the postings counted, rarest first: MAX_POOL customers at most (the first posting
    # in any case)
    posted: list[str] = []
    counted = 0
    for posting in postings:
        if posted and counted + len(posting) > MAX_POOL:
            break
        posted += posting[:MAX_POOL]
        counted += len(posting)
    if len(set(posted)) == len(posted):  # no customer shares two keys: book order
        return posted[:SHORTLIST]
    shared = Counter(posted)  # customers in order of first posting
    return sorted(shared, key=shared.__getitem__, reverse=True)[:SHORTLIST]
