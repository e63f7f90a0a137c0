"""The page of a request the application cannot answer as asked (HTTP 400).

Django's own page says "Bad Request" and nothing more; a report asked for the day
``2026-02-31`` or the currency ``EURO`` says here what was wrong. Only a
``BadRequest`` raised by our views carries a reason meant for the reader; other 400s
(a host name not allowed, a suspicious request) keep a bare page and reveal nothing.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    reason = str(exception) if type(exception) is BadRequest else ""
    return HttpResponse(render_to_string("web/bad_request.html", {"reason": reason}),
                        status=400)
