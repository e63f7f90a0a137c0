"""The last look before a message leaves: is what it says still true?

A reminder is drafted (and perhaps approved) hours or days before it is sent. Right
before the SMTP transaction the sender re-reads the invoices' balances, their disputes
and promises, and the customer's pause and litigation, and asks :func:`check`:

* nothing changed: send as drafted;
* the customer is paused or in litigation, or nothing is left to claim (paid,
  disputed, under a promise): cancel, with the reasons;
* some invoices were paid, disputed or promised, or a balance went down: re-render
  with what is still owed (spec/dunning-rules.md, rule 1: a message shows remaining
  balances) – except for a formal notice, a legal letter whose figures a person
  approved: any change cancels it, and the collector issues a new one;
* the message waited too long (an approval forgotten, the relay down for days): its
  dates, its interest and a formal notice's 8-day deadline speak of the day it was
  drafted for, so it is cancelled rather than sent stale – after :data:`MAX_AGE`
  days, :data:`MAX_AGE_NOTICE` for a formal notice (at least 5 of its 8 days left).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

THRESHOLD = Decimal("1.00")  # no claim under this balance (spec/dunning-rules.md, rule 1)
SEND, RERENDER, CANCEL = "send", "rerender", "cancel"
MAX_AGE = 7  # days a reminder may wait between the day it was drafted for and leaving
MAX_AGE_NOTICE = 3  # a formal notice: its 8-day deadline runs from the drafted day


@dataclass(frozen=True, slots=True)
class Situation:
    """What is true now about a message's invoices (numbers → balances in its currency)."""

    recorded: dict[str, Decimal]
    current: dict[str, Decimal]
    disputed: frozenset[str] = frozenset()
    promised: frozenset[str] = frozenset()
    customer_hold: str | None = None
    drafted_for: date | None = None  # the day of the action the message was drafted for
    sending_on: date | None = None  # the day the delivery acts on


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: str
    keep: tuple[str, ...]
    reason: str = ""


def check(situation: Situation, strict: bool = False) -> Verdict:
    """Send, re-render with ``keep``, or cancel; ``reason`` says what changed."""
    s = situation
    if s.customer_hold:
        return Verdict(CANCEL, (), s.customer_hold)
    stale = too_old(s.drafted_for, s.sending_on, strict)
    if stale:
        return Verdict(CANCEL, (), stale)
    looks = {number: _why(number, s) for number in s.recorded}
    changed = [reason for reason, _still_owed in looks.values() if reason]
    keep = tuple(number for number, (_r, still_owed) in looks.items() if still_owed)
    if not changed:
        return Verdict(SEND, tuple(s.recorded))
    reason = "; ".join(changed)
    if not keep or strict:
        return Verdict(CANCEL, (), reason)
    return Verdict(RERENDER, keep, reason)


def _why(number: str, s: Situation) -> tuple[str | None, bool]:
    """What changed for one invoice, and whether it still belongs in the message."""
    balance = s.current.get(number, Decimal(0))
    if number in s.disputed:
        return f"{number} disputed", False
    if number in s.promised:
        return f"{number} under a payment promise", False
    if balance < THRESHOLD:
        return f"{number} paid", False
    if balance != s.recorded[number]:
        return f"{number} balance {s.recorded[number]} → {balance}", True
    return None, True


def too_old(drafted_for: date | None, sending_on: date | None, strict: bool) -> str | None:
    """Why a message drafted for ``drafted_for`` is too old to leave on ``sending_on``
    (``strict``: a formal notice), if it is."""
    if drafted_for is None or sending_on is None:
        return None
    max_age = MAX_AGE_NOTICE if strict else MAX_AGE
    age = (sending_on - drafted_for).days
    if age <= max_age:
        return None
    return (f"drafted for {drafted_for}, {age} days before it could leave: its dates "
            f"and amounts are out of date (at most {max_age} days)")
