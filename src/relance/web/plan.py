"""An invoice's steps: those done, and those to come if nothing changes.

The forecast follows spec/dunning-rules.md: a pre-due step on its target day moved
back to a business day (and skipped for good once that day has passed); post-due
steps in order, each on the first business day on or after its target and at
least ``min_gap`` days after the previous one. It is an estimate for the page:
a payment, promise, dispute or pause changes it, and the daily run decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from relance.core.calendar import BusinessCalendar
from relance.core.dunning import pre_due_day
from relance.core.ledger import Invoice
from relance.core.policy import Policy, Step


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    day: date


def steps_to_come(invoice: Invoice, done: Mapping[str, date], policy: Policy,
                  calendar: BusinessCalendar, today: date) -> list[PlannedStep]:
    planned = [PlannedStep(s, d) for s in policy.pre_due_steps if s.name not in done
               for d in [pre_due_day(s, invoice, calendar)] if d >= today]
    previous = max((done[s.name] for s in policy.post_due_steps if s.name in done), default=None)
    for step in policy.post_due_steps:
        if step.name in done:
            continue
        day = max(invoice.due + timedelta(days=step.offset), today)
        if previous is not None:
            day = max(day, previous + timedelta(days=policy.min_gap))
        day = calendar.next_business_day(day)
        planned.append(PlannedStep(step, day))
        previous = day
    return sorted(planned, key=lambda p: p.day)
