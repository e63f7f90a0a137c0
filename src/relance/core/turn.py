"""One invoice's turn in the daily run: the steps due today and the next day to look.

The daily run is incremental: it reads only the invoices whose next decision day has
come, decides, and plans the next day. This is that decision for one invoice, pure,
so that the run, its benchmark and its tests replay the very same rule
(spec/dunning-rules.md, rules 1 to 7):

- a held invoice takes no step and is looked at again when the hold may end
  (``relance.core.holds.hold_end``; None while a dispute or litigation lasts);
- a settled invoice (balance under the threshold) takes no step and is not planned
  again: only a change of money or policy can make a step due, and every such change
  re-plans the invoice (``plan``/``replan_customer`` in the shell). Planning it for
  the next business day instead would re-read every paid invoice every day;
- otherwise ``due_steps`` says what is due today (usually one step, sometimes two:
  two pre-due steps on one shifted day, or ``min_gap`` 0) and ``next_decision_day``
  when to look again, counting today's steps as done.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from relance.core.calendar import BusinessCalendar
from relance.core.dunning import due_steps, next_decision_day
from relance.core.ledger import Invoice
from relance.core.policy import Policy, Step

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Turn:
    """What the run does with one invoice on one day."""

    steps: tuple[Step, ...]
    next_day: date | None

    @property
    def step(self) -> Step | None:
        return self.steps[0] if self.steps else None


def take_turn(invoice: Invoice, balance: Decimal, done: Mapping[str, date], policy: Policy,
              calendar: BusinessCalendar, day: date, *, held: bool = False,
              hold_ends: date | None = None) -> Turn:
    """The steps due for ``invoice`` on ``day`` and the next day the run must look at it.

    ``hold_ends`` is the day a hold may end (only read when ``held``).
    """
    if held:
        return Turn((), hold_ends)
    if balance < policy.threshold:
        return Turn((), None)
    steps = due_steps(invoice, balance, done, policy, calendar, day)
    after = {**done, **{step.name: day for step in steps}}
    return Turn(steps, next_decision_day(invoice, after, policy, calendar, day + ONE_DAY))
