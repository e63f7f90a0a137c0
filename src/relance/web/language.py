"""French unless the user chose English: the browser's language is not asked.

PRODUCT.md: the interface is French by default, English available. Django's
LocaleMiddleware would follow the browser's Accept-Language; a French finance team
on an English-language laptop still expects French, so only an explicit choice
(the language cookie set by the switcher) changes it. A program calling the API
(``/api/``) states its language in ``Accept-Language``: there it is the choice.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

API_PREFIX = "/api/"


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen is None and request.path.startswith(API_PREFIX):
            chosen = translation.get_language_from_request(request)
        known = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in known else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: the next one in the same thread (a worker, a test)
        # starts from the default again, not from this caller's choice.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
