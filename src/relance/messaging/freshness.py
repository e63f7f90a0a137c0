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

Each reason is a cause with its values (``relance.messaging.causes``: ``invoice_paid``,
``too_old``…), worded when the customer's timeline is read; ``Verdict.reason`` is their
English sentence, as the audit keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from relance.messaging.causes import SEPARATOR, Cause, cause

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
    customer_hold: Cause | str | None = None  # a paused or litigation customer: why
    drafted_for: date | None = None  # the day of the action the message was drafted for
    sending_on: date | None = None  # the day the delivery acts on
    currency: str = ""  # of the balances, to show a changed one as money


@dataclass(frozen=True, slots=True)
class Verdict:
    """``reason`` is the English sentence of ``why``, the reasons as causes."""

    decision: str
    keep: tuple[str, ...]
    reason: str = ""
    why: tuple[Cause | str, ...] = field(default=(), compare=False)


def _verdict(decision: str, keep: tuple[str, ...], why: tuple[Cause | str, ...]) -> Verdict:
    return Verdict(decision, keep, SEPARATOR.join(str(w) for w in why), why)


def check(situation: Situation, strict: bool = False) -> Verdict:
    """Send, re-render with ``keep``, or cancel; ``why`` says what changed."""
    s = situation
    if s.customer_hold:
        return _verdict(CANCEL, (), (s.customer_hold,))
    stale = too_old(s.drafted_for, s.sending_on, strict)
    if stale:
        return _verdict(CANCEL, (), (stale,))
    looks = {number: _why(number, s) for number in s.recorded}
    changed = tuple(reason for reason, _still_owed in looks.values() if reason)
    keep = tuple(number for number, (_r, still_owed) in looks.items() if still_owed)
    if not changed:
        return Verdict(SEND, tuple(s.recorded))
    if not keep or strict:
        return _verdict(CANCEL, (), changed)
    return _verdict(RERENDER, keep, changed)


def _why(number: str, s: Situation) -> tuple[Cause | None, bool]:
    """What changed for one invoice, and whether it still belongs in the message."""
    balance = s.current.get(number, Decimal(0))
    if number in s.disputed:
        return cause("invoice_disputed", invoice=number), False
    if number in s.promised:
        return cause("invoice_promised", invoice=number), False
    if balance < THRESHOLD:
        return cause("invoice_paid", invoice=number), False
    if balance != s.recorded[number]:
        return cause("balance_changed", invoice=number, before=s.recorded[number],
                     after=balance, currency=s.currency), True
    return None, True


def too_old(drafted_for: date | None, sending_on: date | None, strict: bool) -> Cause | None:
    """Why a message drafted for ``drafted_for`` is too old to leave on ``sending_on``
    (``strict``: a formal notice), if it is."""
    if drafted_for is None or sending_on is None:
        return None
    max_age = MAX_AGE_NOTICE if strict else MAX_AGE
    age = (sending_on - drafted_for).days
    if age <= max_age:
        return None
    return cause("too_old", drafted_for=drafted_for, days=age, max_days=max_age)
