"""The customer's timeline worded for the person reading it, in the active language.

A timeline line is stored as its kind and its values (``TimelineEntry.kind`` and
``params``) and becomes a sentence when it is read, as the matcher's reasons do
(``relance.ledger.reasons``): a collector in French reads « promesse de payer 120,00 €
au plus tard le 1er mars 2026 : F-1, F-2 », one in English “promise to pay €120.00 by
1 March 2026: F-1, F-2”, from the same row. Amounts are stored as text with their
currency and dates in ISO 8601, and shown as the reader writes them. What a person or a
server wrote (a dispute's reason, a note, a remittance, a refusal) is shown as written.

A line stored before lines had values, of a kind this module does not know, or whose
values do not fit its sentence (another version of the kind) shows its English
``summary`` as stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

from relance.imports.wording import language
from relance.messaging import causes
from relance.messaging.formatting import format_day, format_money

# Marked here, translated when a line is read (gettext then knows the language).
SENTENCES = {
    "promise": _noop("promise to pay %(amount)s by %(until)s: %(invoices)s"),
    "promise_any_amount": _noop("promise to pay by %(until)s: %(invoices)s"),
    "promise_kept": _noop("promise of %(made_on)s to pay by %(until)s kept: %(invoices)s"),
    "promise_broken": _noop("promise of %(made_on)s to pay by %(until)s broken: "
                            "%(invoices)s"),
    "dispute": _noop("dispute on %(invoices)s: %(reason)s"),
    "dispute_without_reason": _noop("dispute on %(invoices)s"),
    "dispute_resolved": _noop("dispute resolved: %(invoices)s"),
    "pause": _noop("paused through %(until)s"),
    "litigation": _noop("litigation since %(since)s"),
    "litigation_lifted": _noop("litigation lifted"),
    "step": _noop("%(step)s (%(channels)s): %(invoices)s – %(amount)s"),
    "payment": _noop("payment of %(amount)s: %(remittance)s"),
    "payment_without_remittance": _noop("payment of %(amount)s"),
    "call_no_answer": _noop("call: no answer"),
    "call_voicemail": _noop("call: voicemail left"),
    "call_promise": _noop("call: promise to pay"),
    "call_dispute": _noop("call: dispute"),
    "call_paid": _noop("call: customer says the invoices are already paid"),
    "call_not_received": _noop("call: customer says the invoice was not received"),
    "task_call": _noop("call done"),
    "task_task": _noop("review done"),
    "task_letter": _noop("letter done"),
    "note": _noop("%(author)s: %(text)s"),
    "message": _noop("%(subject)s – %(cause)s"),
    "statement_sent": _noop("%(files)s sent to %(to)s – %(cause)s"),
    "message_alert": _noop("email not delivered (%(reason)s): call the customer"),
}

# The steps of the standard scenario, as the reader names them; a step a person named
# in a scenario of their own keeps that name. ``statement``: a requested statement.
STEP_LABELS = {
    "courtesy": _noop("Courtesy reminder"), "reminder_1": _noop("First reminder"),
    "reminder_2": _noop("Second reminder"), "formal_notice": _noop("Formal notice"),
    "litigation_review": _noop("Litigation review"), "statement": _noop("Statement of account"),
}

# The channels a step goes through, as the reader names them.
CHANNELS = {"email": _noop("email"), "call": _noop("call"), "letter": _noop("letter"),
            "task": _noop("task")}

# Kinds whose sentence is shorter when a value is empty: kind → (value, sentence).
SHORTER = {"promise": ("amount", "promise_any_amount"),
           "dispute": ("reason", "dispute_without_reason"),
           "litigation": ("since", "litigation_lifted"),
           "payment": ("remittance", "payment_without_remittance")}

DATES = ("until", "since", "made_on")


def amount(value: Decimal | str, currency: str) -> dict[str, str]:
    """An amount as a line keeps it: exact text and its currency, never a float."""
    return {"amount": str(value), "currency": currency}


def day(value: date | None) -> str:
    """A date as a line keeps it (ISO 8601); empty for none."""
    return value.isoformat() if value else ""


def sentence_of(kind: str, params: Mapping[str, Any]) -> str:
    """The catalogue's code for a line: steps share one, messages one per cause, calls
    one per outcome, and some kinds say less when a value is empty."""
    if kind.startswith("step:"):
        return "step"
    if kind == "call":
        return f"call_{params.get('outcome')}"
    if kind.startswith("message_") and kind != "message_alert":
        return "message"
    value, shorter = SHORTER.get(kind, ("", ""))
    return shorter if shorter and not params.get(value) else kind


def worded(kind: str, params: Mapping[str, Any] | None, summary: str) -> str:
    """One timeline line as a sentence in the active language; ``summary`` when the
    line has no values or they do not fit."""
    template = SENTENCES.get(sentence_of(kind, params)) if params else None
    if template is None:
        return summary
    try:
        return _with_note(gettext(template) % _shown(params), params.get("note", ""))
    except (KeyError, ValueError, TypeError, AttributeError, ArithmeticError):
        return summary  # values of another version of the kind


def _shown(params: Mapping[str, Any]) -> dict[str, Any]:
    """The values as the reader writes them: money, dates, lists and causes worded."""
    shown, lang = dict(params), language()
    if "amount" in shown:
        shown["amount"] = _money(shown["amount"], shown["currency"], lang)
    for name in DATES:
        if shown.get(name):
            shown[name] = format_day(date.fromisoformat(shown[name]), lang)
    for name in ("invoices", "files", "to"):
        if name in shown and not isinstance(shown[name], str):
            shown[name] = ", ".join(shown[name])
    if "channels" in shown:
        shown["channels"] = channels_label(shown["channels"])
    if "step" in shown:
        shown["step"] = step_label(shown["step"])
    if "cause" in shown:
        shown["cause"] = causes.worded(params)
    if "reason" in shown:  # a failure's sentence around the server's words, if it has one
        shown["reason"] = causes.shown(shown["reason"])
    return shown


def _money(value: str, currency: str, lang: str) -> str:
    """Money needs its currency: Babel would show ``¤`` for a missing one."""
    if not isinstance(currency, str) or len(currency) != 3:
        raise ValueError(f"not a currency: {currency!r}")
    return format_money(value, currency, lang)


def step_label(step: str) -> str:
    """A step as the reader names it (``Première relance``); a step of the organization's
    own naming as it was named."""
    from relance.messaging.compose import STATEMENT, is_statement

    if is_statement(step):  # statement, statement-2… for a second one the same day
        step = STATEMENT
    return gettext(STEP_LABELS[step]) if step in STEP_LABELS else step


def channels_label(names: Iterable[str] | str) -> str:
    """``email,call`` (as an action stores them) or a list, named for the reader:
    « e-mail, appel »."""
    if isinstance(names, str):
        names = [n for n in names.split(",") if n]
    return ", ".join(gettext(CHANNELS[n]) if n in CHANNELS else n for n in names)


def _with_note(sentence: str, note: str) -> str:
    """A call's or a task's free note follows its sentence, as typed."""
    return f"{sentence} – {note}" if note else sentence
