"""Amounts and dates the way the reader expects them (Babel, ``1 234,56 €``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from django import template
from django.utils.translation import get_language, gettext

from relance.core.money import from_minor
from relance.dunning import wording as dunning_wording
from relance.imports import wording
from relance.ledger import reasons
from relance.messaging.formatting import format_day, format_money, locale_of
from relance.messaging.models import STATUSES

register = template.Library()


def _language() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


@register.filter
def money(amount, currency: str = "EUR") -> str:
    """``1 234,56 €`` from a Decimal amount."""
    if amount is None or amount == "":
        return "–"
    return format_money(Decimal(amount), currency or "EUR", _language())


@register.simple_tag
def minor(amount_minor, currency: str = "EUR") -> str:
    """``1 234,56 €`` from integer minor units."""
    return format_money(from_minor(int(amount_minor or 0), currency), currency, _language())


@register.filter
def day(value) -> str:
    """``12 mars 2026`` / ``12 March 2026``."""
    if not isinstance(value, date):
        return "–"
    return format_day(value, _language())


@register.filter
def weekday(value, reference=None) -> str:
    """``lundi 30 novembre`` / ``Monday 30 November``: a recent day named as people say
    it; the year is added when it is not ``reference``'s (``mardi 1er décembre 2026``)."""
    if not isinstance(value, date):
        return "–"
    language = _language()
    same_year = isinstance(reference, date) and reference.year == value.year
    pattern = "EEEE d MMMM" if same_year else "EEEE d MMMM y"
    text = format_date(value, format=pattern, locale=locale_of(language))
    if language == "fr" and value.day == 1:  # « le 1er », as format_day writes it
        text = text.replace(" 1 ", " 1er ", 1)
    return text


@register.filter
def percent(rate) -> str:
    """``2,15 %`` / ``2.15 %`` from a Decimal annual rate in percent (two decimals, as
    the ECB and the Journal officiel publish them)."""
    if rate is None or rate == "":
        return "–"
    return f"{format_decimal(Decimal(rate), '0.00', locale=_language())}\u00a0%"


@register.filter
def days_late(due: date, as_of: date) -> int:
    return (as_of - due).days


@register.filter
def step_label(step: str) -> str:
    return dunning_wording.step_label(step)


@register.filter
def channels(names) -> str:
    return dunning_wording.channels_label(names)


@register.filter
def entry_label(kind: str) -> str:
    if kind.startswith("step:"):
        return step_label(kind[5:])
    if kind in ENTRY_LABELS:
        return gettext(ENTRY_LABELS[kind])
    status = kind.removeprefix("message_")
    if kind.startswith("message_") and status in MESSAGE_STATUSES:
        return f"{gettext('Email')} · {MESSAGE_STATUSES[status]}"
    return kind


@register.filter
def row_problem(error) -> str:
    """``line 5, column “Date”: …`` of a RowError, in the reader's language."""
    return wording.located(error)


@register.filter
def match_reason(reason) -> str:
    """A stored reason of the matcher, in the reader's language."""
    return reasons.worded(reason)


@register.filter
def outcome_label(outcome: str) -> str:
    return gettext(OUTCOME_LABELS[outcome]) if outcome in OUTCOME_LABELS else outcome


# Marked for translation here; gettext at render time picks the user's language.
def _(text: str) -> str:
    return text


ENTRY_LABELS = {
    "promise": _("Promise to pay"), "promise_kept": _("Promise kept"),
    "promise_broken": _("Promise broken"), "dispute": _("Dispute opened"),
    "dispute_resolved": _("Dispute resolved"), "pause": _("Pause"),
    "litigation": _("Litigation"), "call": _("Call"), "note": _("Note"),
    "message_sent": _("Email sent"), "message_written": _("Email written to the outbox"),
    "message_failed": _("Email failed"), "message_approved": _("Email approved"),
    "message_cancelled": _("Email not sent"), "payment": _("Payment"),
    "credit_note": _("Credit note"), "task_task": _("Review done"),
    "task_letter": _("Letter posted"), "scenario": _("Scenario changed"),
    "message_changed": _("Email changed"), "message_alert": _("Email refused: call instead"),
    "statement_sent": _("Statement sent"),
}
MESSAGE_STATUSES = dict(STATUSES)
OUTCOME_LABELS = {"created": _("created"), "updated": _("updated"), "unchanged": _("unchanged")}
