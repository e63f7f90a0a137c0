"""Scenarios (steps with offsets, channels, templates) and the template editor with its
live preview on a real invoice, in French and English."""

from __future__ import annotations

import re

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from relance.core.policy import STANDARD, Policy
from relance.dunning.models import Policy as PolicyRow
from relance.dunning.policies import WRITTEN_CHANNELS, policy_named, save_policy
from relance.errors import ScenarioError
from relance.messaging.render import FILTERS, PLACEHOLDERS, MessageTemplate
from relance.web import templates_store
from relance.web.forms import ScenarioForm, StepFormSet, TemplateForm
from relance.web.orgs import get_for_org, org_view, today_of
from relance.web.preview import preview

LANGUAGES = ("fr", "en")


def org_policies(org) -> list[Policy]:
    return [STANDARD, *(policy_named(org, n) for n in org.policies.values_list("name", flat=True))]


def template_names(policies: list[Policy]) -> list[str]:
    names = {s.template_name for p in policies for s in p.steps
             if set(s.channels) & set(WRITTEN_CHANNELS)}
    return sorted(names, key=lambda n: [s.template_name for s in STANDARD.steps].index(n)
                  if n in [s.template_name for s in STANDARD.steps] else 99)


@org_view()
def scenario_list(request: HttpRequest, org) -> HttpResponse:
    policies = org_policies(org)
    edited = set(org.template_overrides.values_list("language", "step"))
    return render(request, "web/scenarios.html", {
        "policies": policies, "languages": LANGUAGES,
        "templates": [(n, [(lang, (lang, n) in edited) for lang in LANGUAGES])
                      for n in template_names(policies)]})


def _initial(policy: Policy | None) -> tuple[dict, list[dict]]:
    if policy is None:
        return {}, [{"name": s.name, "channels": list(s.channels), "offset": s.offset,
                     "template": s.template} for s in STANDARD.steps]
    return ({"name": policy.name, "min_gap": policy.min_gap, "threshold": policy.threshold,
             "promise_grace": policy.promise_grace},
            [{"name": s.name, "channels": list(s.channels), "offset": s.offset,
              "template": s.template} for s in policy.steps])


@org_view(role="viewer", write="admin")
def scenario_edit(request: HttpRequest, org, name: str | None = None) -> HttpResponse:
    row = get_for_org(PolicyRow, org, name=name) if name else None
    initial, steps = _initial(policy_named(org, name) if row else None)
    form = ScenarioForm(request.POST or None, initial=initial)
    formset = step_formset(request.POST or None, steps)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        if _save(org, form, formset):
            flash.success(request, _("Scenario saved."))
            return redirect("web:scenarios", org=org.slug)
    return render(request, "web/scenario.html", {"form": form, "formset": formset, "row": row},
                  status=400 if request.method == "POST" else 200)


def step_formset(data, steps: list[dict]):
    """The steps' forms: shown with the scenario's steps, read from what was posted only.

    Given the steps as initial values, a posted step equal to one of them in a form past
    ``INITIAL_FORMS`` counts as unchanged, hence empty, and would be dropped unseen: a
    second ``reminder_1`` identical to the standard one vanished instead of being refused.
    """
    if data is not None:
        return StepFormSet(data, prefix="steps")
    return StepFormSet(initial=steps, prefix="steps")


def _save(org, form: ScenarioForm, formset) -> bool:
    rows = [f.cleaned_data for f in formset if f.cleaned_data.get("name")]
    if not rows:
        form.add_error(None, _("A scenario needs at least one step."))
        return False
    data = {"name": form.cleaned_data["name"], "min_gap": form.cleaned_data["min_gap"],
            "threshold": str(form.cleaned_data["threshold"]),
            "promise_grace": form.cleaned_data["promise_grace"],
            "steps": [{"name": r["name"], "channels": r["channels"], "offset": r["offset"],
                       **({"template": r["template"]} if r["template"] else {})} for r in rows]}
    try:
        save_policy(org, data)
    except ScenarioError as exc:
        _place_error(form, formset, rows, str(exc))
        return False
    return True


def _place_error(form, formset, rows, message: str) -> None:
    """Put a scenario error next to the step it names, in the user's language."""
    named = [f for f in formset if f.cleaned_data.get("name")]
    by_name = {f.cleaned_data["name"]: f for f in named}
    order = re.search(r"offsets out of order: (\S+) \((-?\d+)\) comes after (\S+)", message)
    twice = re.search(r"step name used twice: ([\w-]+(?:, [\w-]+)*)", message)
    indexed = re.search(r"steps\[(\d+)\]\.(\w+)", message)
    if order and order.group(1) in by_name:
        by_name[order.group(1)].add_error("offset", _(
            "Each step must come after the one before: %(step)s comes after %(previous)s.")
            % {"step": order.group(1), "previous": order.group(3)})
    elif twice and set(twice.group(1).split(", ")) <= set(by_name):
        # The last form of each name, found before add_error takes the names away.
        for step, last in {step: by_name[step] for step in twice.group(1).split(", ")}.items():
            last.add_error("name", _("Another step is already named “%(step)s”: give each "
                                     "step its own name.") % {"step": step})
    elif "missing template" in message:
        step = next((f for f in named if f.cleaned_data["name"] in message), None)
        (step or form).add_error("template" if step else None,
                                 _("No template of that name: choose one of the list."))
    elif indexed and int(indexed.group(1)) < len(named):
        field = indexed.group(2) if indexed.group(2) in ("name", "offset", "template") else None
        named[int(indexed.group(1))].add_error(field, message)
    else:
        form.add_error(None, message)


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise Http404("no such language")
    return language


@org_view(role="viewer", write="admin")
def template_edit(request: HttpRequest, org, language: str, step: str) -> HttpResponse:
    language = _language(language)
    current, edited = templates_store.current(org, language, step)
    form = TemplateForm(request.POST or None,
                        initial={"subject": current.subject, "body": current.body})
    if request.method == "POST" and request.POST.get("reset"):
        templates_store.reset(org, language, step)
        flash.success(request, _("Back to the packaged template."))
        return redirect("web:template", org=org.slug, language=language, step=step)
    result = None
    if not form.is_bound:
        result = preview(org, language, step, current, today_of(org))
    elif form.is_valid():
        source = MessageTemplate(form.cleaned_data["subject"], form.cleaned_data["body"])
        result = preview(org, language, step, source, today_of(org))
        _errors_to_form(form, result.errors)
        if not form.errors:
            templates_store.save(org, language, step, source, request.user)
            flash.success(request, _("Template saved: the next messages use it."))
            return redirect("web:template", org=org.slug, language=language, step=step)
    return render(request, "web/template.html", {
        "form": form, "language": language, "step": step, "edited": edited, "result": result,
        "problems": problems(form, result),
        "placeholders": PLACEHOLDERS.values(), "filters": FILTERS.values(),
        "other": "en" if language == "fr" else "fr"},
        status=400 if form.errors else 200)


def _errors_to_form(form, errors: dict[str, list[str]]) -> None:
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field, _translate_template_error(message))


def _translate_template_error(message: str) -> str:
    if message.startswith("unknown: "):
        return _("Not a known placeholder: %(names)s") % {"names": message[9:]}
    return message


@org_view()
def template_preview(request: HttpRequest, org, language: str, step: str) -> HttpResponse:
    """The live preview (htmx): check and render what is in the editor, store nothing."""
    language = _language(language)
    form = TemplateForm(request.POST or None)
    result = None
    if form.is_valid():
        result = preview(org, language, step, MessageTemplate(
            form.cleaned_data["subject"], form.cleaned_data["body"]), today_of(org))
        _errors_to_form(form, result.errors)
    return render(request, "web/_preview.html", {"result": result, "form": form,
                                                 "problems": problems(form, result)})


def problems(form, result) -> list[tuple[str, str]]:
    """What keeps the preview from rendering, as (field label, message)."""
    if form.is_bound:
        return [(form.fields[name].label if name in form.fields else "", message)
                for name, messages in form.errors.items() for message in messages]
    errors = result.errors if result else {}
    return [(form.fields[name].label, _translate_template_error(message))
            for name, messages in errors.items() for message in messages]


