"""Language selection: Vietnamese unless the user chose another language.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``; many officers run an
English browser yet the system's working language is Vietnamese (its forms, legal terms and
printed documents). So the language comes only from the choice made with the language switch
(the ``set_language`` view stores it in the language cookie) and otherwise is
``settings.LANGUAGE_CODE``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase
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


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: ``Permissions-Policy`` (features no page uses,
    ``MOTCUA_PERMISSIONS_POLICY``). The CSP comes from django-csp, X-Frame-Options, Referrer-Policy
    and Cross-Origin-Opener-Policy from Django's own middleware (docs/security.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = getattr(settings, "MOTCUA_PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


# C0 and C1 control characters and DEL. No URL of ours holds one; PostgreSQL refuses a NUL in a
# query, so a code looked up from such a path was a 500.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ControlCharacterPathMiddleware:
    """A path with a control character (``/tra-cuu/%00``) matches no page: 404 before any view
    (under /api/ the API's JSON 404, see ``core.views.page_not_found``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _CONTROL.search(request.path_info):
            raise Http404("control character in the path")
        return self.get_response(request)


class Utf8RequestMiddleware:
    """Form fields and query strings are read as UTF-8 whatever charset the client names.

    Django decodes them with the ``charset`` of the request's Content-Type, and accepts any
    Python codec there: ``charset=utf-7`` turns ``+2AA-`` into a lone surrogate (U+D800) that
    no database or encoder accepts further on (a 500). Every page and form of motcua is UTF-8,
    so another charset is ignored; invalid bytes become U+FFFD as for any UTF-8 body. JSON bodies
    are read as UTF-8 by ``core.parsers`` already."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.encoding and codecs.lookup(request.encoding).name != "utf-8":
            request.encoding = "utf-8"  # also drops any GET/POST decoded so far
        return self.get_response(request)
