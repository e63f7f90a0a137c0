"""What collection achieved in a period: lateness, promises, steps, collectors.

These figures depend on the order of events (the allocation that settles an
invoice, the last step before a payment), so the core decides them
(:mod:`relance.core.reporting.collection`) on records loaded here. Only the rows
that can change a figure are loaded: an invoice settled in the period has an
allocation dated in it, money recovered in the period is an allocation dated in
it; promises and actions are counted by the database
(:mod:`relance.reports.collection_rows`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet

from relance.core.reporting import (
    BEFORE_ANY_STEP,
    DaysLate,
    Period,
    PromiseTally,
    average_days_late,
    on_time_share,
    recovered_by_step,
)
from relance.dunning.models import StepRecord
from relance.dunning.policies import policy_named
from relance.errors import RelanceError
from relance.ledger.models import Allocation, Invoice, Organization
from relance.reports import records
from relance.reports.collection_rows import counts, paid_rows
from relance.reports.queries import allocations_of


@dataclass(frozen=True, slots=True)
class Collection:
    """The period's collection results in one currency."""

    days_late: DaysLate
    on_time: Decimal | None
    promises: PromiseTally
    recovered: dict[str, Decimal]  # by step, BEFORE_ANY_STEP first
    collectors: dict[str, int]


def _allocated_in(org: Organization, currency: str, period: Period) -> QuerySet:
    """Allocations dated in ``period`` to invoices of ``org`` in ``currency``. The
    credit's organization is the invoice's (an allocation never crosses organizations);
    naming it lets the database start from the organization's credits, far fewer than
    its invoices."""
    return allocations_of(org.pk, Allocation.objects.filter(
        credit__organization=org, invoice__organization=org, invoice__currency=currency,
        date__range=(period.start, period.end)))


def payments_in(org: Organization, currency: str, period: Period) -> QuerySet:
    """Allocations of payments dated in ``period``: credit notes and bank fees written off
    bring no money in."""
    return _allocated_in(org, currency, period).filter(credit__kind="payment")


def recovered(org: Organization, currency: str, period: Period,
              customers: dict | None = None) -> dict[str, Decimal]:
    """Money paid in ``period`` per scenario step (core ``recovered_by_step``); ``customers``
    narrows the invoices (``{"customer__policy": "standard"}``)."""
    payments = payments_in(org, currency, period).filter(**_prefixed(customers, "invoice__"))
    invoices = Invoice.objects.filter(pk__in=payments.values("invoice"))
    steps = StepRecord.objects.filter(invoice__in=invoices)
    return _in_step_order(recovered_by_step(records.steps(steps), records.allocations(payments),
                                            records.invoices(invoices), period, currency))


def _in_step_order(result: dict[str, Decimal]) -> dict[str, Decimal]:
    """Money before any step first, then the steps by name."""
    return dict(sorted(result.items(), key=lambda kv: (kv[0] != BEFORE_ANY_STEP, kv[0])))


def _prefixed(fields: dict | None, prefix: str) -> dict:
    return {f"{prefix}{k}": v for k, v in (fields or {}).items()}


def collection(org: Organization, currency: str, period: Period) -> Collection:
    """The period's results, from two queries (:mod:`relance.reports.collection_rows`)."""
    paid = paid_rows(org.pk, currency, period)
    promises, collectors = counts(org.pk, period)
    return Collection(average_days_late(paid.invoices, paid.allocations, period, currency),
                      on_time_share(paid.invoices, paid.allocations, period, currency),
                      promises, _in_step_order(recovered_by_step(
                          paid.steps, paid.payments, paid.invoices, period, currency)),
                      collectors)


@dataclass(frozen=True, slots=True)
class StepResult:
    """One step of one scenario over a period: how often it went out, what followed."""

    scenario: str
    step: str
    carried_out: int  # step records dated in the period
    recovered: Decimal  # money paid after it (docs/reporting.md, "Money recovered per step")

    @property
    def per_step(self) -> Decimal | None:
        """Average money recovered per step carried out."""
        return (self.recovered / self.carried_out).quantize(Decimal("0.01")) \
            if self.carried_out else None


def scenario_effectiveness(org: Organization, currency: str, period: Period,
                           ) -> list[StepResult]:
    """Per scenario (the customer's current one) and step: steps carried out in the
    period and the money paid in it attributed to the step."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    done = (StepRecord.objects.filter(invoice__organization=org, invoice__currency=currency,
                                      day__range=(period.start, period.end))
            .values_list("invoice__customer__policy", "step").annotate(n=Count("id")))
    for policy, step, n in done:
        counts[(policy, step)] = n
    policies = set(org.customers.values_list("policy", flat=True).distinct())
    money: dict[tuple[str, str], Decimal] = {}
    for policy in sorted(policies):
        for step, amount in recovered(org, currency, period, {"customer__policy": policy}).items():
            money[(policy, step)] = amount
    keys = _ranked(org, set(counts) | set(money))
    return [StepResult(p, s, counts.get((p, s), 0), money.get((p, s), Decimal("0.00")))
            for p, s in keys]


def _step_order(org: Organization, policy: str) -> list[str]:
    try:
        return [s.name for s in policy_named(org, policy).steps]
    except RelanceError:  # a scenario deleted since: its steps keep their names
        return []


def _ranked(org: Organization, keys: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Steps in the scenario's own order; money before any step first, unknown steps last."""
    orders = {policy: _step_order(org, policy) for policy, _ in keys}

    def rank(key: tuple[str, str]) -> tuple:
        policy, step = key
        known = orders[policy]
        place = -1 if step == BEFORE_ANY_STEP else (
            known.index(step) if step in known else len(known))
        return (policy, place, step)
    return sorted(keys, key=rank)
