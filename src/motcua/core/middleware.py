"""Language selection: Vietnamese unless the user chose another language.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``; many officers run an
English browser yet the system's working language is Vietnamese (its forms, legal terms and
printed documents). So the language comes only from the choice made with the language switch
(the ``set_language`` view stores it in the language cookie) and otherwise is
``settings.LANGUAGE_CODE``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            code = translation.get_supported_language_variant(code)
        except LookupError:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # The language depends on a cookie, not on Accept-Language (no language URL prefixes).
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
