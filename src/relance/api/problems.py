"""The API's errors worded for the caller: ``{"code", "message"}`` in its language.

django-ninja and pydantic answer in English and in their own shapes: pydantic's "Input
should be 'aged', 'dso' or 'forecast'", ninja's "Cannot parse request body", a plain
text "Method not allowed", Django's HTML page for an unknown address. The README
promises JSON worded per ``Accept-Language`` (French by default) for every error, so:

* :func:`invalid_parameters` words each pydantic error by its ``type`` (the values it
  needs are in its ``ctx``), naming the parameter as the caller sent it;
* :class:`JsonProblems` turns the 404 of an address no operation has and the 405 of a
  method an address does not take into the same JSON, under ``/api/`` only (the pages
  keep their HTML).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_noop as _noop

from relance.web.language import API_PREFIX

#: ninja's message for a body it cannot parse (``ninja.params.models.BodyModel``).
UNPARSABLE_BODY = "Cannot parse request body"

# Marked here, translated when the message is made (the caller's language is active).
WHOLE_NUMBER = _noop("expected a whole number")
OBJECT = _noop("expected a JSON object")
SENTENCES = {
    "missing": _noop("missing"),
    "literal_error": _noop("expected one of: %(expected)s"),
    "enum": _noop("expected one of: %(expected)s"),
    "greater_than_equal": _noop("must be %(ge)s or more"),
    "less_than_equal": _noop("must be %(le)s or less"),
    "greater_than": _noop("must be more than %(gt)s"),
    "less_than": _noop("must be less than %(lt)s"),
    "int_parsing": WHOLE_NUMBER,
    "int_type": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "string_type": _noop("expected text"),
    "list_type": _noop("expected a list"),
    "dict_type": OBJECT,
    "model_type": OBJECT,
    "model_attributes_type": OBJECT,
    "json_invalid": _noop("not valid JSON"),
    "not_a_day": _noop("expected a day as YYYY-MM-DD (2026-03-16), got %(value)s"),
}
#: A pydantic error type not listed above.
OTHER = _noop("not an accepted value")


def invalid_parameters(errors: Iterable[Mapping[str, Any]]) -> str:
    """``date: expected a day as YYYY-MM-DD…; limit: must be 1 or more`` in the active
    language, one part per wrong parameter."""
    parts = [gettext("%(field)s: %(problem)s") % {"field": _field(error["loc"]),
                                                  "problem": _problem(error)}
             for error in errors]
    return pgettext("list of problems", "; ").join(parts)


def _field(loc: tuple) -> str:
    """The parameter as the caller names it: ``date``, ``invoices.1`` — not the source
    (``query``) nor, in a JSON body, the operation's argument that holds it (``body``)."""
    names = loc[2:] if loc[0] == "body" and len(loc) > 2 else loc[1:]
    return ".".join(str(part) for part in names) or str(loc[0])


def _problem(error: Mapping[str, Any]) -> str:
    values = {name: str(value) for name, value in (error.get("ctx") or {}).items()}
    if "expected" in values:  # pydantic's "'aged', 'dso' or 'forecast'", English "or"
        values["expected"] = ", ".join(re.findall(r"'([^']*)'", values["expected"])) \
            or values["expected"]
    try:
        return gettext(SENTENCES[error["type"]]) % values
    except (KeyError, ValueError, TypeError):
        return gettext(OTHER)


def unparsable_body() -> tuple[str, str]:
    """The code and message of a body that is not JSON."""
    return "bad_body", gettext("the request body is not valid JSON")


def problem(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status,
                        json_dumps_params={"ensure_ascii": False})


class JsonProblems:
    """A 404 or 405 that no operation answered, as the API's JSON, under ``/api/``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (not request.path.startswith(API_PREFIX) or response.status_code not in (404, 405)
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        if response.status_code == 404:
            return problem(404, "not_found", gettext(
                "no such address in the API: %(path)s") % {"path": request.path})
        allowed = response.get("Allow", "")
        answer = problem(405, "method_not_allowed", gettext(
            "%(method)s is not allowed at this address; allowed: %(allowed)s") % {
            "method": request.method, "allowed": allowed})
        answer["Allow"] = allowed
        return answer
