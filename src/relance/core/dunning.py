"""Which dunning step is due for an invoice on a day (spec/dunning-rules.md).

The rules, per invoice:

1. nothing is chased under the balance threshold;
2. a pre-due step (negative offset) happens on its target day moved back to the
   previous business day, or never: not late, not before the invoice is known or
   issued, not when the invoice is held that day;
3. post-due steps happen in order, each on the first business day on or after its
   target day (due + offset) and at least ``min_gap`` days after the previous
   post-due step: an invoice first seen 40 days late starts at the first reminder;
4. each step once per invoice (``done`` records what already happened);
5.–7. promises, disputes, pauses and litigation hold everything (see ``holds``).

Everything is pure: the caller passes the balance and the holds as of the day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from relance.core.calendar import BusinessCalendar
from relance.core.ledger import Invoice
from relance.core.policy import Policy, Step


@dataclass(frozen=True, slots=True)
class Decision:
    """Step ``step`` is due for invoice ``invoice`` on ``day``."""

    invoice: Invoice
    step: Step
    day: date
    balance: Decimal


def pre_due_day(step: Step, invoice: Invoice, calendar: BusinessCalendar) -> date:
    """A pre-due step's day: due + offset, moved back to a business day."""
    return calendar.previous_business_day(invoice.due + timedelta(days=step.offset))


def last_post_due(done: Mapping[str, date], policy: Policy) -> date | None:
    days = [done[s.name] for s in policy.post_due_steps if s.name in done]
    return max(days) if days else None


def next_post_due(done: Mapping[str, date], policy: Policy) -> Step | None:
    """The first post-due step not done yet: steps never skip ahead."""
    return next((s for s in policy.post_due_steps if s.name not in done), None)


def earliest_post_due(step: Step, invoice: Invoice, done: Mapping[str, date],
                      policy: Policy) -> date:
    """The calendar day from which ``step`` may fire: its target and the gap rule."""
    earliest = invoice.due + timedelta(days=step.offset)
    previous = last_post_due(done, policy)
    if previous is not None:
        earliest = max(earliest, previous + timedelta(days=policy.min_gap))
    return earliest


def due_steps(invoice: Invoice, balance: Decimal, done: Mapping[str, date], policy: Policy,
              calendar: BusinessCalendar, day: date, *, held: bool = False) -> tuple[Step, ...]:
    """The steps due for ``invoice`` on ``day``, in policy order.

    Usually none or one; several when two pre-due steps fall on the same shifted day,
    or when ``min_gap`` is 0 and the next post-due step is already due as well.
    """
    if held or balance < policy.threshold or not calendar.is_business_day(day):
        return ()
    if day < invoice.known:
        return ()
    fired = [step for step in policy.pre_due_steps
             if step.name not in done and pre_due_day(step, invoice, calendar) == day
             and day >= invoice.issued]
    done = dict(done)
    while (step := next_post_due(done, policy)) is not None and \
            day >= earliest_post_due(step, invoice, done, policy):
        fired.append(step)
        done[step.name] = day
    return tuple(fired)


def due_step(invoice: Invoice, balance: Decimal, done: Mapping[str, date], policy: Policy,
             calendar: BusinessCalendar, day: date, *, held: bool = False) -> Step | None:
    """The first of ``due_steps`` (callers that record one step a day)."""
    steps = due_steps(invoice, balance, done, policy, calendar, day, held=held)
    return steps[0] if steps else None


def next_decision_day(invoice: Invoice, done: Mapping[str, date], policy: Policy,
                      calendar: BusinessCalendar, after: date) -> date | None:
    """The first day on or after ``after`` when a step could be due, if nothing changes.

    The daily run only reads invoices whose next decision day has come; every
    event that can change the answer (money, promise, dispute, pause, policy)
    re-plans it. None means nothing is left to do for this invoice.
    """
    candidates = [d for s in policy.pre_due_steps if s.name not in done
                  for d in [pre_due_day(s, invoice, calendar)]
                  if d >= after and d >= invoice.issued and d >= invoice.known]
    step = next_post_due(done, policy)
    if step is not None:
        start = max(earliest_post_due(step, invoice, done, policy), after, invoice.known)
        candidates.append(calendar.next_business_day(start))
    return min(candidates, default=None)
