"""Why a message moved, as a code and its values, worded when it is read.

A move's cause is written twice: in English on the message's audit event
(``MessageEvent.cause``, what an administrator reads in the logs), and as a code with
its values on the customer's timeline line, worded there in the reader's language
(``relance.dunning.wording``). What the values carry (who did it, the server's reply,
why the facts changed) is shown as it came: it is not ours to translate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

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
    "temporary_failure": _noop("temporary failure: %(reason)s; next attempt %(next)s UTC"),
    "permanent_failure": _noop("permanent failure: %(reason)s"),
    "recovered": _noop("%(reply)s (recovered from the journal of %(token)s)"),
    "sent_again": _noop("sender %(token)s stopped before the server acknowledged it; sent "
                        "again with the same Message-ID"),
}


@dataclass(frozen=True)
class Cause:
    """A cause as the code that moves a message gives it; ``str()`` is the audit's
    English sentence."""

    code: str
    params: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return CAUSES[self.code] % self.params


def cause(code: str, **params: Any) -> Cause:
    """``cause("approved", by="Anne")``: values kept as text, as JSON stores them."""
    if code not in CAUSES:
        raise KeyError(f"no cause {code!r}")
    return Cause(code, {name: str(value) for name, value in params.items()})


def stored(reason: Cause | str) -> dict[str, str]:
    """A cause as a timeline line keeps it; a plain sentence keeps nothing (the line's
    English summary is shown)."""
    if isinstance(reason, str):
        return {}
    return {"cause": reason.code, **reason.params}


def worded(params: Mapping[str, Any]) -> str:
    """The cause of a stored line, in the active language (KeyError if it has none)."""
    return gettext(CAUSES[params["cause"]]) % params
