"""The matcher: for one bank credit, which open invoices it pays, how sure, and why.

Candidates are found by cheap look-ups only, in this order:

1. invoices the payer quoted (whole-token invoice number, RF creditor reference, or the
   organization's own reference pattern), grouped by customer;
2. invoices anywhere in the book whose remaining balance equals the amount (skipped
   when too many share it: then the amount alone says nothing);
3. for each customer the line points to (quoted, known IBAN, else payer name), and only
   when nothing found so far explains the amount (an exact total, or a quoted one
   short by bank fees): that customer's single invoices within the bank-fee
   tolerance, and unless one is exact, two to four of them adding up to the amount,
   else the oldest ones the amount covers (a payment "on account", for review).

Every group is then weighed by :mod:`relance.core.matching.evidence` and the decision
taken by :mod:`relance.core.matching.decide`. Currencies never mix: an invoice in
another currency is never a candidate, even when quoted.

:meth:`Matcher.match` decides first, on the evidence that needs no text, and stops
searching as soon as the decision is sure (one quoted invoice the amount settles; the
one invoice of that amount at the account holder's; a line with neither reference nor
known account, which can only go to review); the payer's name is scored only when its
15 points could change the decision, and the candidates with their reasons are built
when first read (:meth:`Matcher.explain`, which does it all at once).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cached_property

from rapidfuzz import fuzz

from relance.core.matching.decide import allocate, decide, decide_on_bounds, unmatched
from relance.core.matching.evidence import LineFacts, amount_fits, assess, weigh
from relance.core.matching.index import BookIndex
from relance.core.matching.records import (
    ZERO,
    Decision,
    Explanation,
    MatchResult,
    OpenItem,
    PaymentLine,
    Reason,
    Tolerance,
    reason,
)
from relance.core.matching.subsets import MAX_ITEMS, subsets_between
from relance.core.matching.text import normalize_name, rf_bodies
from relance.core.money import minor_units

#: More invoices than this with the very same balance: the amount identifies no one.
MAX_AMOUNT_HITS = 10
NAME_THRESHOLD = 85.0

Group = tuple[OpenItem, ...]


class Matcher:
    """Matches bank credits against one organization's open invoices.

    Build it once per book (the index costs a few seconds per million invoices), then
    call :meth:`match` per line or :meth:`match_all` per statement; a line costs
    look-ups in proportion to its words and to the open invoices of the few customers
    it points to, never to the size of the book.

    :meth:`match` decides on the evidence that needs no text and scores the payer's
    name only when it could change the decision; the candidates and reasons are built
    when first read. :meth:`explain` weighs and explains every candidate at once; both
    give the same result (``tests/core/test_matching.py`` checks it on random books).

    ``customer_ibans`` maps an IBAN to the customer known to pay from it;
    ``reference_pattern`` is a regular expression for the organization's own payment
    reference, whose group ``number`` (or first group, or whole match) is an invoice
    number or its letters and digits.
    """

    def __init__(self, open_items: Iterable[OpenItem],
                 customer_ibans: Mapping[str, str] | None = None, *,
                 reference_pattern: str | None = None,
                 tolerance: Tolerance | None = None,
                 name_threshold: float = NAME_THRESHOLD) -> None:
        self.index = BookIndex(open_items, customer_ibans)
        self.pattern = re.compile(reference_pattern) if reference_pattern else None
        self.tolerance = tolerance or Tolerance()
        self.name_threshold = name_threshold

    def match(self, line: PaymentLine) -> MatchResult:
        """Which open invoices ``line`` pays (see the module docstring); the candidates
        and reasons are computed when the result's ``candidates`` or ``reasons`` are
        first read."""
        amount = line.amount
        if amount <= ZERO:
            return unmatched(line, NOT_A_CREDIT)
        currency = line.currency.upper()
        quoted = self._quoted(line, currency, None)
        index = self.index
        iban_customer = index.customer_of_iban(line.counterparty_iban)
        if len(quoted) == 1:
            [(item, _)] = quoted.values()
            if self._settles_quoted(amount, item, iban_customer):
                return self._auto(line, (item,))
        hits = index.with_balance(currency, amount)
        if len(hits) > MAX_AMOUNT_HITS:
            hits = ()
        if not quoted:
            if iban_customer is None:
                # no reference and no known account: no candidate can be strong
                return self._later(line, "review" if hits
                                   or self._anyone_named(line, currency) else "none")
            if len(hits) == 1 and hits[0].customer_ref == iban_customer:
                # the only invoice of this amount is the account holder's: nothing rivals
                # its 60 points (amount, IBAN) but the name it may add
                return self._auto(line, hits)
            if not hits:
                return self._account_holders(line, LineFacts(amount, currency, "",
                                                             iban_customer, quoted))
        return self._weighed(line, LineFacts(amount, currency, "", iban_customer, quoted),
                             hits)

    def _account_holders(self, line: PaymentLine, facts: LineFacts) -> MatchResult:
        """The decision for a line from a known account, quoting nothing, whose amount
        is no invoice's balance (or that of too many to say anything): every candidate
        is then the account holder's.

        Each scores 25 (IBAN) plus 35, 30 or 25 for the amount, and the same name
        points: two of them are never 15 apart, so the line goes to review whenever
        there are two, and no name is scored. A single one wins when it is strong
        (it fits the amount), as :func:`decide.decide_on_bounds` would say.
        """
        search = _Search(self, facts)
        search.customer(facts.iban_customer, True)
        if not search.groups:
            return self._later(line, "none")
        if len(search.groups) > 1:
            return self._later(line, "review")
        [(group, total)] = search.groups.values()
        if weigh(group, total, facts, self.tolerance).strong:
            return self._auto(line, group)
        return self._later(line, "review")

    def _settles_quoted(self, amount: Decimal, item: OpenItem, iban_customer: str | None,
                        ) -> bool:
        """Whether the one quoted invoice wins without weighing anything else.

        When the amount settles it (exactly or short by bank fees) it scores 70 points
        or more (reference, amount), 95 with its customer's IBAN; no other candidate is
        quoted, so none scores more than 50 (amount, name), 75 with the IBAN, and the
        IBAN can only be its customer's here: the margin of 15 always holds.
        """
        balance = item.balance
        return (iban_customer is None or iban_customer == item.customer_ref) and (
            balance == amount or self.tolerance.accepts(balance - amount, balance))

    def _weighed(self, line: PaymentLine, facts: LineFacts, hits: tuple[OpenItem, ...],
                 ) -> MatchResult:
        """The decision of the general case: every candidate found and weighed, the
        payer's name scored only if it could change the decision."""
        search = self._search(facts, [item for item, _ in facts.quoted.values()], hits, ())
        if not search.groups:
            return self._later(line, "none")
        groups = list(search.groups.values())
        names = _NameScores(line.counterparty_name, self.index.normalized,
                            self.name_threshold)
        winner = decide_on_bounds(
            [weigh(group, total, facts, self.tolerance) for group, total in groups],
            [group[0].customer_ref for group, _ in groups],
            names.close if line.counterparty_name else None)
        if winner is None:
            return self._later(line, "review")
        return self._auto(line, groups[winner][0])

    def _auto(self, line: PaymentLine, group: Sequence[OpenItem]) -> MatchResult:
        allocations, unallocated, write_off = allocate(line.amount, group, self.tolerance)
        return MatchResult.explained_later(line, "auto", allocations, unallocated, write_off,
                                           self._explanation)

    def explain(self, line: PaymentLine) -> MatchResult:
        """Which open invoices ``line`` pays, every candidate weighed with its reasons."""
        if line.amount <= ZERO:
            return unmatched(line, NOT_A_CREDIT)
        currency = line.currency.upper()
        notes: list[Reason] = []
        quoted = self._quoted(line, currency, notes)
        facts = LineFacts(line.amount, currency, normalize_name(line.counterparty_name),
                          self.index.customer_of_iban(line.counterparty_iban),
                          {number: _reason(item, how) for number, (item, how) in quoted.items()})
        names = _NameScores(line.counterparty_name, self.index.normalized,
                            self.name_threshold)
        hits = self.index.with_balance(currency, line.amount)
        named = self._named(facts, names) if not quoted and facts.iban_customer is None \
            else ()
        search = self._search(facts, [item for item, _ in quoted.values()], hits, named)
        scored = [assess(group, facts, self.tolerance, names.score, self.name_threshold)
                  for group, _ in search.groups.values()]
        return decide(line, scored, self.tolerance, notes)

    def match_all(self, lines: Iterable[PaymentLine], *, explained: bool = False,
                  ) -> list[MatchResult]:
        """Match a statement's lines; an invoice settled automatically by an earlier
        line sends a later automatic match of it to review instead of paying it twice.

        ``explained=True`` weighs and explains every line at once (:meth:`explain`),
        cheaper for a caller that reads every line's candidates and reasons anyway.
        """
        settled: set[str] = set()
        results = []
        match = self.explain if explained else self.match
        for line in lines:
            result = match(line)
            if result.allocations:
                touched = {number for number, _ in result.allocations}
                if touched & settled:
                    result = _to_review(result, sorted(touched & settled))
                settled |= touched
            results.append(result)
        return results

    def _later(self, line: PaymentLine, decision: Decision) -> MatchResult:
        """A result without allocation whose explanation is computed when read."""
        return MatchResult.explained_later(line, decision, (), line.amount, ZERO,
                                           self._explanation)

    def _explanation(self, line: PaymentLine) -> Explanation:
        full = self.explain(line)
        return full.candidates, full.reasons

    def _anyone_named(self, line: PaymentLine, currency: str) -> bool:
        """Whether the payer's name designates a customer owing in ``currency``: the
        only candidates a line without reference, known IBAN or amount can have."""
        payer = normalize_name(line.counterparty_name)
        return bool(payer) and self.index.anyone_named(payer, self.name_threshold, currency)

    # -- what the payer quoted -------------------------------------------------------

    def _quoted(self, line: PaymentLine, currency: str, notes: list[Reason] | None,
                ) -> dict[str, tuple[OpenItem, str]]:
        """The quoted invoices in ``currency`` by number, with how each was quoted;
        those in another currency are ignored, with a note when ``notes`` is given."""
        reference = line.structured_reference
        text = f"{reference} {line.remittance}" if reference else " " + line.remittance
        found: dict[str, tuple[OpenItem, str]] = {}
        references = self._references(text) if self.pattern or "RF" in text.upper() \
            else [(item, "") for item in self.index.mentioned(text)]
        for item, how in references:
            if item.invoice_number in found:
                continue
            if item.currency.upper() != currency:
                if notes is not None:
                    notes.append(reason("other_currency", invoice=item.invoice_number,
                                        currency=item.currency, line_currency=currency))
                continue
            found[item.invoice_number] = (item, how)
        return found

    def _references(self, text: str) -> Iterator[tuple[OpenItem, str]]:
        """Quoted invoices, each with how it was quoted: "" for its number, "RF" for
        its creditor reference, else the organization's reference as written."""
        index = self.index
        for item in index.mentioned(text):
            yield item, ""
        for body in rf_bodies(text):
            for number in index.by_compact.get(body, ()):
                yield index.by_number[number.upper()], "RF"
        for match in self.pattern.finditer(text) if self.pattern else ():
            reference = match.group("number" if "number" in self.pattern.groupindex
                                    else 1 if self.pattern.groups else 0)
            for item in self._by_reference(reference):
                yield item, match.group(0)

    def _by_reference(self, reference: str) -> list[OpenItem]:
        item = self.index.item(reference)
        if item is not None:
            return [item]
        numbers = self.index.by_compact.get(reference.upper(), ())
        return [self.index.by_number[number.upper()] for number in numbers]

    # -- candidate groups ------------------------------------------------------------

    def _named(self, facts: LineFacts, names: _NameScores) -> list[str]:
        """Customers whose name is close to the payer's, when nothing else points to one;
        their scores are kept for weighing."""
        if not facts.payer:
            return []
        found = self.index.customers_named(facts.payer, self.name_threshold)
        names.known.update(found)
        return [ref for ref, _ in found]

    def _search(self, facts: LineFacts, quoted: list[OpenItem],
                hits: tuple[OpenItem, ...], named: Iterable[str]) -> _Search:
        search = _Search(self, facts)
        # customer -> whether a payment "on account" is a candidate (not when quoted)
        customers: dict[str, bool] = {}
        for item in quoted:
            customers[item.customer_ref] = False
        if len(customers) == len(quoted):  # one quoted invoice per customer, usually
            for item in quoted:
                search.add([item])
        else:
            for customer in customers:
                search.add([item for item in quoted if item.customer_ref == customer])
        for item in hits if len(hits) <= MAX_AMOUNT_HITS else ():
            search.add([item])
        if facts.iban_customer is not None:
            customers.setdefault(facts.iban_customer, True)
        for ref in named:
            customers[ref] = True
        for customer, on_account in customers.items():
            if customer not in search.explained:
                search.customer(customer, on_account)
        return search


#: The reason of a debit or a zero amount.
NOT_A_CREDIT = (reason("not_a_credit"),)


def _reason(item: OpenItem, how: str) -> Reason:
    """Why a quoted invoice is quoted, for the collector."""
    if not how:
        return reason("quoted", invoice=item.invoice_number)
    if how == "RF":
        return reason("quoted_rf", invoice=item.invoice_number)
    return reason("quoted_own", reference=how, invoice=item.invoice_number)


class _NameScores:
    """How close the payer's name is to each customer's, each scored once a line.

    The payer's name is normalized on first use. A score under the threshold counts
    for nothing, so rapidfuzz may stop early (``score_cutoff``) and answer 0 for it.
    """

    def __init__(self, payer: str, normalized: Mapping[str, str], threshold: float) -> None:
        self.raw, self.normalized, self.threshold = payer, normalized, threshold
        self.known: dict[str, float] = {}

    @cached_property
    def payer(self) -> str:
        return normalize_name(self.raw)

    def score(self, customer: str) -> float:
        known = self.known.get(customer)
        if known is None:
            known = self.known[customer] = fuzz.token_set_ratio(
                self.payer, self.normalized.get(customer, ""),
                score_cutoff=self.threshold) if self.payer else 0.0
        return known

    def close(self, customer: str) -> bool:
        """Whether the name earns its points (see ``evidence.CLOSE_NAME``)."""
        return self.score(customer) >= self.threshold


class _Search:
    """The candidate groups of one line, as they are found."""

    def __init__(self, matcher: Matcher, facts: LineFacts) -> None:
        self.index = matcher.index
        self.tolerance = matcher.tolerance
        self.facts = facts
        self.groups: dict[frozenset[str], tuple[Group, Decimal]] = {}  # with its total
        self.explained: set[str] = set()  # customers with a group that fits the amount
        self.rank = {number: rank for rank, number in enumerate(facts.quoted)}

    def add(self, items: list[OpenItem]) -> None:
        """Record a group; ``items`` come in payment order and quoted ones go first."""
        key = frozenset([item.invoice_number for item in items])
        if key in self.groups:
            return
        unquoted = len(self.rank)
        total = sum([item.balance for item in items], ZERO) if len(items) > 1 \
            else items[0].balance
        self.groups[key] = (tuple(sorted(
            items, key=lambda item: self.rank.get(item.invoice_number, unquoted))
            if self.rank and len(items) > 1 else items), total)
        # The amount is explained by an exact total, or by one within the bank-fee
        # tolerance that the payer quoted; a fee-short guess leaves room for a search.
        if total == self.facts.amount or (
                amount_fits(total, self.facts, self.tolerance)
                and any(item.invoice_number in self.rank for item in items)):
            self.explained.add(items[0].customer_ref)

    def customer(self, customer: str, on_account: bool) -> None:
        """Groups of ``customer``'s oldest invoices that the amount may pay."""
        facts = self.facts
        items, cents = self.index.oldest(customer, facts.currency, MAX_ITEMS)
        low, high = _bounds(facts, self.tolerance)
        # balances outside [amount, amount + fees] in minor units cannot fit: only the
        # few inside are weighed in Decimal
        found = [[item] for item, units in zip(items, cents, strict=True)
                 if low <= units <= high and amount_fits(item.balance, facts, self.tolerance)]
        # an exact single invoice is the plain explanation; one short by fees is not
        # preferred to several whose sum is exact: both are kept and weighed
        if not any(item.balance == facts.amount for [item] in found):
            found += [[items[i] for i in subset] for subset in subsets_between(cents, low, high)
                      if amount_fits(_total([items[i] for i in subset]), facts, self.tolerance)]
        if not found and on_account and items:
            found = [_covered(items, facts.amount)]
        for group in found:
            self.add(group)


def _bounds(facts: LineFacts, tolerance: Tolerance) -> tuple[int, int]:
    """The amount and the amount plus the fee tolerance, in minor units (truncated, as
    the balances are: truncation keeps the order, so no fitting balance falls out)."""
    scale = minor_units(facts.currency)
    return (int(facts.amount.scaleb(scale)),
            int((facts.amount + tolerance.absolute).scaleb(scale)))


def _total(group: Iterable[OpenItem]) -> Decimal:
    return sum((item.balance for item in group), ZERO)


def _covered(items: list[OpenItem], amount: Decimal) -> list[OpenItem]:
    """The oldest invoices that ``amount`` reaches (at least the first one)."""
    covered, left = [], amount
    for item in items:
        covered.append(item)
        left -= item.balance
        if left <= ZERO:
            break
    return covered


def _to_review(result: MatchResult, numbers: list[str]) -> MatchResult:
    why = reason("already_matched", invoices=tuple(numbers))
    return MatchResult.explained_later(
        result.line, "review", (), result.line.amount, ZERO,
        lambda _line: (result.candidates, (why, *result.reasons)))
