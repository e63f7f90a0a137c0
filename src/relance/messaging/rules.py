"""Pure sending rules: the send window, retries with backoff, the rate limit, SMTP replies.

No Django, no clock: every function takes the moment it decides for.

* Send window (spec/dunning-rules.md: "emails go out inside a send window, default
  09:00–17:00 local time" on business days): :func:`next_opening`.
* Retries: a temporary failure (an SMTP 4xx reply, RFC 5321 §4.2.1, or a lost
  connection) is tried again after ``base × 2^(attempt−1)``, capped; a permanent one
  (5xx) is not (:func:`classify`, :func:`retry_delay`).
* Rate limit: a token bucket per SMTP server (:class:`TokenBucket`).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol

RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)


class Calendar(Protocol):
    def is_business_day(self, day: date) -> bool: ...


@dataclass(frozen=True, slots=True)
class Window:
    """When messages may leave: ``start`` ≤ local time < ``end``, on business days if asked.

    ``start`` and ``end`` both ``None`` means any hour.
    """

    start: time | None = time(9, 0)
    end: time | None = time(17, 0)
    business_days_only: bool = True

    def opens_on(self, day: date, calendar: Calendar) -> bool:
        return not self.business_days_only or calendar.is_business_day(day)


def next_opening(local_now: datetime, window: Window, calendar: Calendar) -> datetime:
    """``local_now`` if the window is open then, else the moment it next opens.

    ``local_now`` is an aware datetime in the organization's time zone.
    """
    day, now = local_now.date(), local_now.timetz().replace(tzinfo=None)
    start = window.start or time(0, 0)
    if window.opens_on(day, calendar) and start <= now and (window.end is None or now < window.end):
        return local_now
    if window.opens_on(day, calendar) and now < start:
        return datetime.combine(day, start, local_now.tzinfo)
    for n in range(1, 370):
        later = day + timedelta(days=n)
        if window.opens_on(later, calendar):
            return datetime.combine(later, start, local_now.tzinfo)
    raise ValueError("no business day in the coming year: check the calendar")


def retry_delay(attempts: int, base: timedelta = RETRY_BASE,
                cap: timedelta = RETRY_CAP) -> timedelta:
    """The wait before attempt ``attempts + 1``: 1, 2, 4, 8… minutes, at most ``cap``.

    >>> [int(retry_delay(n).total_seconds() // 60) for n in (1, 2, 3, 10)]
    [1, 2, 4, 360]
    """
    return min(base * (2 ** max(attempts - 1, 0)), cap)


@dataclass(frozen=True, slots=True)
class Failure:
    """Why an SMTP attempt failed; ``permanent`` failures are never retried."""

    permanent: bool
    reason: str
    refused: tuple[str, ...] = ()
    # ``reason`` as the code of its sentence and the values inside it (the server's
    # words), so it can be worded for the reader (``relance.messaging.causes``); no code:
    # ``reason`` is the server's words, or the system's, alone
    code: str = ""
    params: tuple[tuple[str, object], ...] = ()


def classify(exc: BaseException) -> Failure:
    """Sort an ``smtplib``/socket error into temporary or permanent (RFC 5321 §4.2.1).

    5yz replies are permanent; 4yz replies, lost connections and timeouts are temporary.
    A refused recipient list is permanent only when every refusal is a 5yz reply.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        text = "; ".join(f"{rcpt}: {code} {_text(msg)}"
                         for rcpt, (code, msg) in exc.recipients.items())
        return Failure(all(c >= 500 for c in codes), f"recipient refused – {text}",
                       tuple(exc.recipients), "recipient_refused", (("reply", text),))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        reply = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        return Failure(False, f"SMTP login refused: {reply}", code="login_refused",
                       params=(("reply", reply),))
    if isinstance(exc, smtplib.SMTPResponseException):
        return Failure(exc.smtp_code >= 500, f"{exc.smtp_code} {_text(exc.smtp_error)}")
    return Failure(False, f"{type(exc).__name__}: {exc}")


def _text(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


@dataclass(slots=True)
class TokenBucket:
    """At most ``per_minute`` messages a minute, in bursts of at most ``burst``.

    ``wait(now)`` says how many seconds to wait before the next message may go; ``take``
    spends a token. ``now`` is a monotonic clock reading in seconds.
    """

    per_minute: float
    burst: float = 1.0
    tokens: float = field(default=-1.0)
    at: float | None = None

    def _refill(self, now: float) -> None:
        if self.at is None:
            self.tokens, self.at = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.per_minute / 60)
        self.at = now

    def wait(self, now: float) -> float:
        if self.per_minute <= 0:
            return 0.0
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) * 60 / self.per_minute

    def take(self, now: float) -> None:
        if self.per_minute > 0:
            self._refill(now)
            self.tokens -= 1
