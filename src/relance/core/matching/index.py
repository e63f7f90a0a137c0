"""The book of open invoices, indexed once so that matching a line never scans it.

Every look-up a bank line needs is a dictionary access: invoice number (case-insensitive;
French invoice numbers are unique in an organization, CGI art. 242 nonies A, so one
number is one invoice), exact balance per currency, a customer's own open invoices,
the customer of a known IBAN, and customers whose name shares a word prefix with the
payer's (the few names then scored by rapidfuzz).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cached_property

from rapidfuzz import fuzz, process

from relance.core.ledger import natural_key
from relance.core.matching.records import ZERO, OpenItem
from relance.core.matching.text import compact, normalize_name, word_runs, word_spans

#: Customers sharing name keys with a payer are counted over at most this many postings…
MAX_POOL = 400
#: …and only the few sharing the most keys are scored (rapidfuzz takes about a
#: microsecond a name: the shortlist bounds the cost of a line).
SHORTLIST = 8
PREFIX = 4


def payment_order(item: OpenItem) -> tuple:
    """Oldest due date first, then lowest number (spec: "Allocation of money")."""
    return (item.due, natural_key(item.invoice_number))


def in_payment_order(items: Iterable[OpenItem]) -> tuple[OpenItem, ...]:
    """``items`` sorted by :func:`payment_order`; the costlier number order is computed
    only when two invoices fall due the same day."""
    by_due = sorted(items, key=lambda item: item.due)
    if any(a.due == b.due for a, b in zip(by_due, by_due[1:], strict=False)):
        by_due.sort(key=payment_order)
    return tuple(by_due)


def name_keys(normalized: str) -> set[str]:
    """The blocking keys of a normalized name: each real word, and its first letters
    prefixed by "~" so that a name the bank truncated or misspelt is still found."""
    words = [word for word in normalized.split() if len(word) >= 3]
    return set(words) | {"~" + word[:PREFIX] for word in words}


def _upper(number: str) -> str:
    """The look-up key of a number; the number itself when already upper case, which
    saves a copy per invoice of a million."""
    key = number.upper()
    return number if key == number else key


class BookIndex:
    """Open items of one organization, reachable by number, amount, customer and name."""

    def __init__(self, open_items: Iterable[OpenItem],
                 customer_ibans: Mapping[str, str] | None = None) -> None:
        items = [item for item in open_items if item.balance > ZERO]
        self.by_number: dict[str, OpenItem] = {_upper(item.invoice_number): item
                                               for item in items}
        self.by_customer: dict[str, list[OpenItem]] = defaultdict(list)
        self.by_amount: dict[str, dict[Decimal, tuple[OpenItem, ...]]] = defaultdict(dict)
        self.names: dict[str, str] = {}
        for item in items:
            self.by_customer[item.customer_ref].append(item)
            amounts = self.by_amount[item.currency.upper()]
            amounts[item.balance] = amounts.get(item.balance, ()) + (item,)
            self.names.setdefault(item.customer_ref, item.customer_name)
        self.normalized = {ref: normalize_name(name) for ref, name in self.names.items()}
        self.name_postings = self._name_postings()
        self._number_shapes()
        self.ibans = {compact(iban): ref for iban, ref in (customer_ibans or {}).items()}
        self._ordered: dict[str, tuple[OpenItem, ...]] = {}

    def _number_shapes(self) -> None:
        """How numbers look: longest, most words, which words start a several-word one."""
        self.max_length = max(map(len, self.by_number), default=1)
        self.max_runs = 1
        # first word of every number made of several words ("F" for "F-2026-012")
        self.first_runs: set[str] = set()
        self.single_runs = False  # some number is a single word ("FA2026012")
        for runs in map(word_runs, self.by_number):
            if len(runs) > 1:
                self.first_runs.add(runs[0])
                if len(runs) > self.max_runs:
                    self.max_runs = len(runs)
            else:
                self.single_runs = True

    def _name_postings(self) -> dict[str, list[str]]:
        postings: dict[str, list[str]] = defaultdict(list)
        for ref, normalized in self.normalized.items():
            for key in name_keys(normalized):
                postings[key].append(ref)
        return dict(postings)

    @cached_property
    def by_compact(self) -> dict[str, tuple[str, ...]]:
        """Letters-and-digits form of every number, for RF references and bank-mangled
        ones; built on first use because most statements never need it."""
        result: dict[str, tuple[str, ...]] = {}
        for key, item in self.by_number.items():
            body = compact(key)
            result[body] = result.get(body, ()) + (item.invoice_number,)
        return result

    def mentioned(self, text: str) -> list[OpenItem]:
        """Open invoices whose number appears in ``text`` as a whole token, in order.

        Same rule as ``relance.core.ledger.mentions`` ("F-12" is not in "F-123"): a
        piece of text is tried only from the start of a run of letters and digits to
        the end of one, and a piece of several runs only from a run that begins some
        invoice number, so the cost follows the words of the text, not the book.
        """
        found = []
        runs = word_spans(text)
        for i, (start, end) in enumerate(runs):
            first = text[start:end].upper()
            if self.single_runs and (item := self.by_number.get(first)) is not None:
                found.append(item)
            if first not in self.first_runs:
                continue
            for _, stop in runs[i + 1:i + self.max_runs]:
                if stop - start > self.max_length:
                    break
                if (item := self.by_number.get(text[start:stop].upper())) is not None:
                    found.append(item)
        return found

    def item(self, number: str) -> OpenItem | None:
        """The open invoice numbered ``number`` (any case), if any."""
        return self.by_number.get(number.upper())

    def with_balance(self, currency: str, amount: Decimal) -> tuple[OpenItem, ...]:
        """Open invoices of ``currency`` whose remaining balance is exactly ``amount``."""
        return self.by_amount.get(currency, {}).get(amount, ())

    def ordered(self, customer_ref: str) -> tuple[OpenItem, ...]:
        """A customer's open invoices, oldest due date first (sorted once, on first use)."""
        cached = self._ordered.get(customer_ref)
        if cached is None:
            cached = in_payment_order(self.by_customer.get(customer_ref, ()))
            self._ordered[customer_ref] = cached
        return cached

    def customer_of_iban(self, iban: str) -> str | None:
        """The customer who pays from ``iban``, when the organization recorded it."""
        return self.ibans.get(compact(iban)) if iban else None

    def customers_named(self, payer: str, threshold: float, limit: int = 3,
                        ) -> list[tuple[str, float]]:
        """Up to ``limit`` customers whose normalized name scores ``threshold`` or more
        against the normalized ``payer`` (rapidfuzz token-set ratio), best first.

        Only customers sharing a word (or a word's first letters) with the payer are
        considered, from the rarest key on; the :data:`SHORTLIST` sharing the most keys
        are scored, so the cost does not grow with the book.
        """
        postings = sorted((posting for key in name_keys(payer)
                           if (posting := self.name_postings.get(key))), key=len)
        shared: Counter[str] = Counter()
        counted = 0
        for posting in postings:
            if shared and counted + len(posting) > MAX_POOL:
                break
            shared.update(posting[:MAX_POOL])
            counted += len(posting)
        choices = {ref: self.normalized[ref] for ref, _ in shared.most_common(SHORTLIST)}
        found = process.extract(payer, choices, scorer=fuzz.token_set_ratio, limit=limit,
                                score_cutoff=threshold)
        return [(ref, score) for _, score, ref in found]
