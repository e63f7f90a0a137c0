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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

from rapidfuzz import fuzz

from relance.core.matching.decide import decide, unmatched
from relance.core.matching.evidence import LineFacts, amount_fits, assess
from relance.core.matching.index import BookIndex
from relance.core.matching.records import (
    ZERO,
    MatchResult,
    OpenItem,
    PaymentLine,
    Tolerance,
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
    call :meth:`match` per line; a line costs look-ups in proportion to its words and to
    the open invoices of the few customers it points to, never to the size of the book.

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
        """Which open invoices ``line`` pays (see the module docstring)."""
        if line.amount <= ZERO:
            return unmatched(line, ("pas un encaissement : montant négatif ou nul",))
        currency = line.currency.upper()
        quoted, notes = self._quoted(line, currency)
        facts = LineFacts(line.amount, currency, normalize_name(line.counterparty_name),
                          self.index.customer_of_iban(line.counterparty_iban),
                          {number: reason for number, (_, reason) in quoted.items()})
        names = _NameScores(facts.payer, self.index.normalized, self.name_threshold)
        groups = self._groups(facts, [item for item, _ in quoted.values()], names)
        scored = [assess(group, facts, self.tolerance, names.score, self.name_threshold)
                  for group in groups]
        return decide(line, scored, self.tolerance, notes)

    def match_all(self, lines: Iterable[PaymentLine]) -> list[MatchResult]:
        """Match a statement's lines; an invoice settled automatically by an earlier
        line sends a later automatic match of it to review instead of paying it twice."""
        settled: set[str] = set()
        results = []
        for line in lines:
            result = self.match(line)
            touched = {number for number, _ in result.allocations}
            if touched & settled:
                result = _to_review(result, sorted(touched & settled))
            settled |= touched
            results.append(result)
        return results

    # -- what the payer quoted -------------------------------------------------------

    def _quoted(self, line: PaymentLine, currency: str,
                ) -> tuple[dict[str, tuple[OpenItem, str]], list[str]]:
        text = f"{line.structured_reference} {line.remittance}"
        found: dict[str, tuple[OpenItem, str]] = {}
        notes: list[str] = []
        for item, reason in self._references(text):
            if item.invoice_number in found:
                continue
            if item.currency.upper() != currency:
                notes.append(f"{item.invoice_number} citée mais en {item.currency}, "
                             f"pas en {currency} : ignorée")
                continue
            found[item.invoice_number] = (item, reason)
        return found, notes

    def _references(self, text: str) -> Iterator[tuple[OpenItem, str]]:
        index = self.index
        for item in index.mentioned(text):
            yield item, f"référence {item.invoice_number} dans le libellé"
        for body in rf_bodies(text):
            for number in index.by_compact.get(body, ()):
                yield index.by_number[number.upper()], (
                    f"référence RF de la facture {number} dans le libellé")
        for match in self.pattern.finditer(text) if self.pattern else ():
            reference = match.group("number" if "number" in self.pattern.groupindex
                                    else 1 if self.pattern.groups else 0)
            for item in self._by_reference(reference):
                yield item, f"référence {match.group(0)} de la facture {item.invoice_number}"

    def _by_reference(self, reference: str) -> list[OpenItem]:
        item = self.index.item(reference)
        if item is not None:
            return [item]
        numbers = self.index.by_compact.get(reference.upper(), ())
        return [self.index.by_number[number.upper()] for number in numbers]

    # -- candidate groups ------------------------------------------------------------

    def _groups(self, facts: LineFacts, quoted: list[OpenItem], names: _NameScores,
                ) -> list[Group]:
        search = _Search(self, facts)
        # customer -> whether a payment "on account" is a candidate (not when quoted)
        customers: dict[str, bool] = {}
        for item in quoted:
            customers[item.customer_ref] = False
        for customer in customers:
            search.add([item for item in quoted if item.customer_ref == customer])
        hits = self.index.with_balance(facts.currency, facts.amount)
        for item in hits if len(hits) <= MAX_AMOUNT_HITS else ():
            search.add([item])
        if facts.iban_customer is not None:
            customers.setdefault(facts.iban_customer, True)
        if not customers and facts.payer:
            for ref, score in self.index.customers_named(facts.payer, self.name_threshold):
                customers[ref] = True
                names.known[ref] = score
        for customer, on_account in customers.items():
            if customer not in search.explained:
                search.customer(customer, on_account)
        return list(search.groups.values())


class _NameScores:
    """How close the payer's name is to each customer's, each scored once a line.

    A score under the threshold counts for nothing, so rapidfuzz may stop early
    (``score_cutoff``) and answer 0 for it.
    """

    def __init__(self, payer: str, normalized: Mapping[str, str], threshold: float) -> None:
        self.payer, self.normalized, self.threshold = payer, normalized, threshold
        self.known: dict[str, float] = {}

    def score(self, customer: str) -> float:
        known = self.known.get(customer)
        if known is None:
            known = self.known[customer] = fuzz.token_set_ratio(
                self.payer, self.normalized.get(customer, ""), score_cutoff=self.threshold)
        return known


class _Search:
    """The candidate groups of one line, as they are found."""

    def __init__(self, matcher: Matcher, facts: LineFacts) -> None:
        self.index = matcher.index
        self.tolerance = matcher.tolerance
        self.facts = facts
        self.groups: dict[frozenset[str], Group] = {}
        self.explained: set[str] = set()  # customers with a group that fits the amount
        self.rank = {number: rank for rank, number in enumerate(facts.quoted)}

    def add(self, items: list[OpenItem]) -> None:
        """Record a group; ``items`` come in payment order and quoted ones go first."""
        key = frozenset([item.invoice_number for item in items])
        if key in self.groups:
            return
        unquoted = len(self.rank)
        self.groups[key] = tuple(sorted(
            items, key=lambda item: self.rank.get(item.invoice_number, unquoted))
            if self.rank and len(items) > 1 else items)
        # The amount is explained by an exact total, or by one within the bank-fee
        # tolerance that the payer quoted; a fee-short guess leaves room for a search.
        total = sum([item.balance for item in items], ZERO)
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
    reason = f"déjà rapprochée par une ligne précédente : {', '.join(numbers)} ; à vérifier"
    return MatchResult(result.line, result.candidates, "review", (), result.line.amount,
                       (reason, *result.reasons))
