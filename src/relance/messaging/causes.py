"""Why a message moved, as a code and its values, worded when it is read.

A move's cause is written twice: in English on the message's audit event
(``MessageEvent.cause``, what an administrator reads in the logs), and as a code with
its values on the customer's timeline line, worded there in the reader's language
(``relance.dunning.wording``). What the values carry from outside (who did it, the
server's reply, a person's reason) is shown as it came: it is not ours to translate.

A cause may carry other causes as a value: the freshness check's reasons (an invoice
paid, a customer paused, a message too old – ``relance.messaging.freshness``) and the
sentence around an SMTP failure are causes of their own, kept as codes inside the
move's cause and worded with it; several reasons are joined by “; ”. Their dates are
stored in ISO 8601 and their amounts as exact text with the currency, and shown as the
reader writes them; the audit's English sentence keeps them as stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_noop as _noop

from relance.imports.wording import language
from relance.messaging.formatting import format_day, format_money

# Marked here, translated when a line is read (gettext then knows the language).
CAUSES = {
    "cannot_draft": _noop("cannot be drafted: %(error)s"),
    "drafted_to_approve": _noop("drafted; a person must approve it"),
    "drafted_autopilot": _noop("drafted; autopilot"),
    "requested": _noop("requested by %(by)s; no approval needed"),
    "approved": _noop("approved by %(by)s"),
    "cancelled": _noop("cancelled by %(by)s: %(reason)s"),
    "retried": _noop("retried by %(by)s"),
    "expired": _noop("not approved in time: %(reason)s"),
    "not_sent": _noop("not sent: %(reason)s"),
    "rerendered": _noop("re-rendered before sending: %(reason)s"),
    "rerendered_to_approve": _noop("re-rendered before sending: %(reason)s; approve it again"),
    "claimed": _noop("claimed by %(token)s"),
    "delivered": _noop("%(reply)s (%(transport)s)"),
    "written_to_folder": _noop("written to the outbox folder"),
    "temporary_failure": _noop("temporary failure: %(reason)s; next attempt %(next)s UTC"),
    "permanent_failure": _noop("permanent failure: %(reason)s"),
    "recovered": _noop("%(reply)s (recovered from the journal of %(token)s)"),
    "sent_again": _noop("sender %(token)s stopped before the server acknowledged it; sent "
                        "again with the same Message-ID"),
    # Why the last look before sending cancels or re-renders a message (freshness.py).
    "invoice_disputed": _noop("%(invoice)s disputed"),
    "invoice_promised": _noop("%(invoice)s under a payment promise"),
    "invoice_paid": _noop("%(invoice)s paid"),
    "balance_changed": _noop("%(invoice)s balance %(before)s → %(after)s"),
    "customer_litigation": _noop("customer in litigation since %(since)s"),
    "customer_paused": _noop("customer paused until %(until)s"),
    "too_old": _noop("drafted for %(drafted_for)s, %(days)s days before it could leave: its "
                     "dates and amounts are out of date (at most %(max_days)s days)"),
    # The sentence around an SMTP server's reply (rules.classify, sender.py).
    "recipient_refused": _noop("recipient refused – %(reply)s"),
    "login_refused": _noop("SMTP login refused: %(reply)s"),
    "refused": _noop("refused: %(addresses)s"),
    "after_attempts": _noop("%(reason)s (after %(attempts)s attempts)"),
}

# Values shown as the reader writes them: dates (ISO 8601), amounts (with ``currency``).
DATES = ("drafted_for", "since", "until")
AMOUNTS = ("before", "after")
SEPARATOR = "; "  # between several reasons: the audit's; the reader's is translated


@dataclass(frozen=True)
class Cause:
    """A cause as the code that moves a message gives it; ``str()`` is the audit's
    English sentence."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return CAUSES[self.code] % {name: english(value) for name, value in self.params.items()}


def cause(code: str, **params: Any) -> Cause:
    """``cause("approved", by="Anne")``: values kept as text, as JSON stores them; a
    cause, or a tuple of causes (several reasons), stays one."""
    if code not in CAUSES:
        raise KeyError(f"no cause {code!r}")
    return Cause(code, {name: _kept(value) for name, value in params.items()})


def _kept(value: Any) -> Any:
    if isinstance(value, Cause):
        return value
    if isinstance(value, (tuple, list)):
        return tuple(v if isinstance(v, Cause) else str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def english(value: Any) -> str:
    """A value as the audit's English sentence writes it: causes as sentences, several
    joined, the rest as stored."""
    if isinstance(value, Cause):
        return str(value)
    if isinstance(value, tuple):
        return SEPARATOR.join(str(v) for v in value)
    return value


def stored(reason: Cause | str) -> dict[str, Any]:
    """A cause as a timeline line keeps it; a plain sentence keeps nothing (the line's
    English summary is shown). A cause among its values is kept the same way, several
    as a list."""
    if isinstance(reason, str):
        return {}
    return {"cause": reason.code, **{name: stored_value(value)
                                     for name, value in reason.params.items()}}


def stored_value(value: Any) -> Any:
    """A value of a cause as JSON keeps it: a cause as its code and values, several as a
    list, a sentence as it is."""
    if isinstance(value, Cause):
        return stored(value)
    if isinstance(value, tuple):
        return [stored(v) if isinstance(v, Cause) else v for v in value]
    return value


def worded(params: Mapping[str, Any]) -> str:
    """The cause of a stored line, in the active language (KeyError if it has none)."""
    lang = language()
    return gettext(CAUSES[params["cause"]]) % {
        name: shown(value, name, params, lang) for name, value in params.items()}


def shown(value: Any, name: str = "", params: Mapping[str, Any] | None = None,
          lang: str | None = None) -> Any:
    """One stored value as the reader reads it: a cause worded (several joined), a date
    or an amount written the reader's way, anything else as stored (a server's reply, a
    person's words, a sentence stored before reasons had codes)."""
    lang = lang or language()
    if isinstance(value, Mapping) and "cause" in value:
        return worded(value)
    if isinstance(value, list):
        return pgettext("between reasons", SEPARATOR).join(str(shown(v, lang=lang))
                                                          for v in value)
    if isinstance(value, str) and value:
        if name in DATES:
            return format_day(date.fromisoformat(value), lang)
        if name in AMOUNTS and params and params.get("currency"):
            return format_money(value, params["currency"], lang)
    return value
