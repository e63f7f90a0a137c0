"""The matcher's reasons, stored as codes and worded for the person reading them.

The core states each reason as a code and its values (``relance.core.matching.Reason``,
the codes in ``REASON_CODES``); a bank line keeps them so, and the review page and the
API word them in the language active when they are read: a collector in
English reads English, one in French reads French, from the same stored line. The
shortfall of bank fees is shown as money (``2,00 €`` / ``€2.00``).

A line matched before reasons had codes keeps French sentences: they are shown as they
are; so is a code this module does not know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

from relance.core.matching import Reason
from relance.imports.wording import language
from relance.messaging.formatting import format_money

# Marked here, translated when a sentence is made (gettext then knows the language).
SENTENCES = {
    "quoted": _noop("reference %(invoice)s in the remittance"),
    "quoted_rf": _noop("RF creditor reference of invoice %(invoice)s in the remittance"),
    "quoted_own": _noop("reference %(reference)s of invoice %(invoice)s"),
    "close_name": _noop("payer's name close to “%(name)s” (%(score)s)"),
    "one_balance": _noop("amount equal to the balance"),
    "sum_of_balances": _noop("amount equal to the sum of the balances of %(count)s invoices"),
    "within_tolerance": _noop("%(shortfall)s short, within the tolerance (bank fees)"),
    "known_iban": _noop("the customer's known IBAN"),
    "other_customer_iban": _noop("IBAN known for another customer (%(customer)s)"),
    "other_currency": _noop("%(invoice)s quoted but in %(currency)s, not in "
                            "%(line_currency)s: ignored"),
    "not_a_credit": _noop("not money received: negative or zero amount"),
    "nothing_matches": _noop("no open invoice matches (no reference, amount or known "
                             "payer)"),
    "sure": _noop("sure match: %(invoices)s"),
    "close_rivals": _noop("close explanations: %(best)s (%(best_score)s) and %(rival)s "
                          "(%(rival_score)s); to check"),
    "weak_evidence": _noop("not enough evidence to match automatically; to check"),
    "already_matched": _noop("already matched by an earlier line: %(invoices)s; to check"),
    "by_hand": _noop("allocated by a collector: %(invoices)s"),
    "assigned_by_hand": _noop("recorded by a collector as a payment of %(customer)s"),
}


def stored(reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    """Reasons as a bank line keeps them (JSON): ``{"code": …, "params": {…}}``."""
    return [{"code": reason.code, "params": reason.params} for reason in reasons]


def worded(reason: Reason | Mapping[str, Any] | str) -> str:
    """One reason as a sentence in the active language."""
    if isinstance(reason, str):  # stored before reasons had codes
        return reason
    code, params = ((reason.code, reason.params) if isinstance(reason, Reason)
                    else (reason.get("code", ""), reason.get("params") or {}))
    template = SENTENCES.get(code)
    if template is None:
        return str(code)
    shown = dict(params)
    if "shortfall" in shown:
        shown["shortfall"] = format_money(shown["shortfall"], shown["currency"], language())
    try:
        return gettext(template) % shown
    except (KeyError, ValueError, TypeError):  # values of another version of the code
        return str(code)


def for_reader(reason: Mapping[str, Any] | str) -> dict[str, Any]:
    """A stored reason with its sentence, as the API gives it (``code`` null for a
    sentence stored before reasons had codes)."""
    if isinstance(reason, str):
        return {"code": None, "params": {}, "message": reason}
    return {"code": reason.get("code"), "params": reason.get("params") or {},
            "message": worded(reason)}
