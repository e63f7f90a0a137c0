"""Rendering reminders: what each message must say, and what must stop it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from relance.core.money import MoneyError
from relance.errors import TemplateError
from relance.messaging.render import (
    PLACEHOLDERS,
    MessageInvoice,
    MessageTemplate,
    check_template,
    packaged_template,
    render,
)
from tests.messaging.fixtures import (
    CUSTOMER_STEPS,
    F001,
    F007,
    F012,
    STEPS,
    consumer_context,
    context,
    several_invoices,
)

NNBSP, NBSP = "\u202f", "\u00a0"  # Babel's French group separator and space before €


def test_single_invoice_subjects_name_the_invoice_and_its_due_date() -> None:
    assert render(context("reminder_1")).subject == (
        "Relance facture N° F-2026-001 – échéance du 12 mars 2026")
    assert render(context("reminder_1", "en")).subject == (
        "Reminder: invoice F-2026-001 – due 12 March 2026")


def test_several_invoices_subject_counts_them_and_gives_the_total() -> None:
    ctx = several_invoices("reminder_1")
    total = Decimal("2500.00") + Decimal("1234.56") + Decimal("785.44")  # 4 520,00
    assert ctx.total_due == total
    assert render(ctx).subject == f"Relance : 3 factures échues – 4{NNBSP}520,00{NBSP}€"
    assert render(several_invoices("reminder_1", "en")).subject == (
        "Reminder: 3 overdue invoices – €4,520.00")


def test_greeting_uses_first_name_or_stays_neutral() -> None:
    assert render(context("reminder_1")).text.startswith("Bonjour Inès,\n")
    assert render(context("reminder_1", contact_first_name=None)).text.startswith("Bonjour,\n")
    assert render(context("reminder_1", contact_first_name="  ")).text.startswith("Bonjour,\n")
    assert render(context("reminder_1", "en", contact_first_name=None)).text.startswith("Hello,\n")


def test_each_invoice_line_shows_number_dates_and_balance() -> None:
    text = render(several_invoices("reminder_2")).text
    assert (f"Facture N° F-2026-012 du 15 février 2026, échue le 17 mars 2026 : "
            f"785,44{NBSP}€\n") in text
    assert f"Total restant dû : 4{NNBSP}520,00{NBSP}€" in text


def test_partly_paid_invoice_shows_balance_and_original_amount() -> None:
    text = render(several_invoices("reminder_1")).text
    assert (f"Facture N° F-2026-007 du 1er février 2026, échue le 3 mars 2026 : "
            f"2{NNBSP}500,00{NBSP}€ restant dû (montant initial 3{NNBSP}000,00{NBSP}€)") in text
    en = render(several_invoices("reminder_1", "en")).text
    assert "due 3 March 2026: €2,500.00 outstanding (invoice total €3,000.00)" in en


def test_fully_open_invoice_shows_a_single_amount() -> None:
    text = render(context("reminder_1")).text
    assert "montant initial" not in text


def test_signature_comes_from_the_finance_function() -> None:
    text = render(context("reminder_1")).text
    assert text.endswith(
        "Claire Martin\nComptable clients, direction financière – Atelier Nord\n"
        "claire.martin@atelier-nord.example\n01 23 45 67 89\n")
    assert render(several_invoices("reminder_1")).text.endswith(
        "claire.martin@atelier-nord.example\n")


@pytest.mark.parametrize("step", CUSTOMER_STEPS)
def test_already_paid_sentence_everywhere_but_the_formal_notice(step: str) -> None:
    french = "Si vous avez déjà réglé, merci de ne pas tenir compte de ce message."
    english = "If you have already paid, please disregard this message."
    expected = step != "formal_notice"
    assert (french in render(context(step)).text) is expected
    assert (english in render(context(step, "en")).text) is expected


def test_reminder_1_is_neutral_and_says_the_invoice_is_attached() -> None:
    text = render(context("reminder_1")).text
    assert "Sauf erreur de notre part" in text
    assert "copie en pièce jointe" in text


def test_reminder_2_recalls_terms_and_penalties_for_a_business() -> None:
    text = render(context("reminder_2")).text
    assert "règlement à 30 jours" in text
    assert "L441-10" in text and "40 €" in text
    without_terms = render(context("reminder_2", payment_terms_days=None)).text
    assert "jours." not in without_terms


def test_formal_notice_b2b_claims_balance_interest_and_indemnity_by_a_deadline() -> None:
    ctx = context("formal_notice")
    claimed = Decimal("1234.56") + Decimal("18.40") + Decimal("40.00")  # 1 292,96
    assert ctx.total_claimed == claimed
    text = render(ctx).text
    assert f"la somme de 1{NNBSP}292,96{NBSP}€ au plus tard le 21 avril 2026" in text
    assert f"intérêts de retard (article L441-10 du Code de commerce) : 18,40{NBSP}€" in text
    assert f"(article D441-5 du Code de commerce) : 40,00{NBSP}€" in text
    assert "ci-joint notre lettre de mise en demeure" in text
    assert "À défaut de règlement à cette date" in text
    assert render(ctx).subject == f"Mise en demeure – facture N° F-2026-001 – 1{NNBSP}292,96{NBSP}€"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("step", ["reminder_2", "formal_notice"])
def test_consumer_messages_never_mention_the_40_euro_indemnity(step: str, language: str) -> None:
    message = render(consumer_context(step, language))
    for text in (message.subject, message.text):
        assert "40" not in text
        assert "D441-5" not in text and "L441-10" not in text
    assert "1231-6" in message.text


def test_consumer_context_refuses_an_indemnity() -> None:
    with pytest.raises(ValueError, match="consumer"):
        context("formal_notice", consumer=True)


def test_consumer_formal_notice_claims_the_balance_only() -> None:
    text = render(consumer_context("formal_notice")).text
    assert f"la somme de 1{NNBSP}234,56{NBSP}€ au plus tard le 21 avril 2026" in text


def test_formal_notice_without_deadline_is_refused_naming_it() -> None:
    with pytest.raises(TemplateError, match=r"fr/formal_notice\.body.*deadline"):
        render(context("formal_notice", deadline=None))


def test_b2b_formal_notice_without_interest_is_refused_naming_it() -> None:
    with pytest.raises(TemplateError, match="placeholder late_interest has no value"):
        render(context("formal_notice", "en", late_interest=None))


def test_litigation_review_is_an_internal_note() -> None:
    message = render(context("litigation_review"))
    assert message.subject == (
        f"À examiner avant contentieux : Boulangerie Dupré – 1{NNBSP}234,56{NBSP}€")
    assert message.text.startswith("Note interne")
    assert "échéancier" in message.text and "injonction de payer" in message.text


# --- user templates -------------------------------------------------------------------

def _user(subject: str, body: str, step: str = "reminder_1") -> dict:
    return {("fr", step): MessageTemplate(subject=subject, body=body)}


def test_user_template_replaces_the_packaged_one_for_its_step_only() -> None:
    mine = _user("Facture {{ invoice.number }}", "Reste {{ total_due|money }}.")
    assert render(context("reminder_1"), mine).text == f"Reste 1{NNBSP}234,56{NBSP}€.\n"
    assert render(context("reminder_2"), mine) == render(context("reminder_2"))


def test_strict_undefined_names_template_and_placeholder() -> None:
    mine = _user("Relance", "Bonjour,\n\nVotre code client : {{ customer_code }}")
    with pytest.raises(TemplateError) as caught:
        render(context("reminder_1"), mine)
    assert "fr/reminder_1.body" in str(caught.value)
    assert "customer_code" in str(caught.value)
    assert "line 3" in str(caught.value)


def test_unknown_attribute_is_named() -> None:
    mine = _user("Relance {{ invoice.reference }}", "x")
    with pytest.raises(TemplateError, match=r"fr/reminder_1\.subject.*reference"):
        render(context("reminder_1"), mine)


def test_missing_optional_value_is_an_error_not_a_hole() -> None:
    mine = _user("Relance", "Payez sur {{ portal_url }}")
    with pytest.raises(TemplateError, match="portal_url"):
        render(context("reminder_1", portal_url=None), mine)


@pytest.mark.parametrize("leftover", ["{{ '{{ x }}' }}", "Bonjour {prenom}", "%(name)s",
                                      "{{ '{% if %}' }}"])
def test_no_literal_placeholder_ever_leaves(leftover: str) -> None:
    with pytest.raises(TemplateError, match="unresolved placeholder"):
        render(context("reminder_1"), _user("Relance", leftover))


def test_sandbox_blocks_python_internals() -> None:
    for body in ("{{ ''.__class__ }}", "{{ invoice.__class__.__mro__ }}",
                 "{{ signature.__init__.__globals__ }}"):
        with pytest.raises(TemplateError, match="reminder_1.body"):
            render(context("reminder_1"), _user("Relance", body))


def test_syntax_error_is_reported_with_its_line() -> None:
    with pytest.raises(TemplateError, match="line 2"):
        render(context("reminder_1"), _user("Relance", "Bonjour,\n{% if consumer %}"))


def test_empty_subject_is_refused() -> None:
    with pytest.raises(TemplateError, match="empty"):
        render(context("reminder_1"), _user("  {# rien #} ", "Texte"))


def test_unknown_step_has_no_template() -> None:
    with pytest.raises(TemplateError, match="no template for step 'phone_call'"):
        render(context("phone_call"))
    with pytest.raises(TemplateError, match="no template"):
        packaged_template("fr", "../fr/courtesy")


def test_a_float_in_a_template_is_refused() -> None:
    with pytest.raises(TemplateError, match="float"):
        render(context("reminder_1"), _user("Relance", "{{ 12.5|money }}"))


# --- check_template -------------------------------------------------------------------

def test_check_template_lists_unknown_placeholders() -> None:
    source = ("Bonjour {{ contact_first_name }} {{ unknown }},\n"
              "{% for inv in invoices %}{{ inv.number }} {{ inv.colour }}{% endfor %}\n"
              "{{ signature.mobile }} {{ total_due|money|shout }} {{ ''.__class__ }}\n"
              "{% if deadline is late %}{{ 1|whisper }}{% endif %}")
    assert check_template(source) == ["__class__", "inv.colour", "is late", "signature.mobile",
                                       "unknown", "|shout", "|whisper"]


def test_check_template_accepts_documented_placeholders_and_local_names() -> None:
    source = ("{% set n = invoice_count %}{{ n }} {{ loop_total }}"
              "{% for invoice in invoices %}{{ loop.index }} {{ invoice.due|date }}{% endfor %}")
    assert check_template(source) == ["loop_total"]


def test_check_template_refuses_what_does_not_parse() -> None:
    with pytest.raises(TemplateError, match="line 1"):
        check_template("{% if %}")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("step", STEPS)
def test_packaged_templates_use_only_documented_placeholders(step: str, language: str) -> None:
    template = packaged_template(language, step)
    assert check_template(template.subject) == []
    assert check_template(template.body) == []


def test_placeholders_are_documented_in_both_languages() -> None:
    assert {"customer_name", "invoices", "total_due", "deadline", "signature"} <= set(PLACEHOLDERS)
    for name, placeholder in PLACEHOLDERS.items():
        assert placeholder.name == name and placeholder.fr and placeholder.en


# --- the context itself ---------------------------------------------------------------

def test_invoice_refuses_float_amounts() -> None:
    with pytest.raises(MoneyError, match="float"):
        MessageInvoice("F-1", date(2026, 1, 1), date(2026, 1, 31), 100.0, Decimal("100"))  # type: ignore[arg-type]
    with pytest.raises(MoneyError, match="float"):
        replace(F001, balance=12.5)


def test_context_refuses_float_interest_and_unknown_language() -> None:
    with pytest.raises(MoneyError):
        context("formal_notice", late_interest=18.4)
    with pytest.raises(ValueError, match="language"):
        context("reminder_1", "de")


def test_context_needs_an_invoice() -> None:
    with pytest.raises(ValueError, match="at least one invoice"):
        context("reminder_1", invoices=())


def test_total_due_sums_balances_not_amounts() -> None:
    ctx = context("reminder_1", invoices=(F001, F007, F012))
    assert ctx.total_due == sum((i.balance for i in (F001, F007, F012)), Decimal(0))
    assert ctx.total_due == Decimal("4520.00")


def test_formal_notice_omits_a_zero_indemnity_but_needs_it_given() -> None:
    # No indemnity when the debtor is in insolvency proceedings: the caller passes 0.
    ctx = context("formal_notice", indemnity=Decimal("0"))
    assert ctx.total_claimed == Decimal("1234.56") + Decimal("18.40")
    text = render(ctx).text
    assert "D441-5" not in text and "40 €" not in text
    assert f"la somme de 1{NNBSP}252,96{NBSP}€" in text
    with pytest.raises(TemplateError, match="placeholder indemnity has no value"):
        render(context("formal_notice", indemnity=None))


@pytest.mark.parametrize("language, copy", [("fr", "Vous en trouverez une copie en pièce jointe."),
                                            ("en", "Please find a copy attached.")])
def test_a_reminder_without_the_invoice_pdf_does_not_say_a_copy_is_attached(language, copy):
    assert copy in render(context("reminder_1", language)).text
    text = render(context("reminder_1", language, copies_attached=False)).text
    assert copy not in text and "attach" not in text and "jointe" not in text
