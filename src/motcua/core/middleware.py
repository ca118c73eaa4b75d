"""Language selection: Vietnamese unless the user chose another language.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``; many officers run an
English browser yet the system's working language is Vietnamese (its forms, legal terms and
printed documents). So the language comes only from the choice made with the language switch
(the ``set_language`` view stores it in the language cookie) and otherwise is
``settings.LANGUAGE_CODE``.
"""

from __future__ import annotations

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
