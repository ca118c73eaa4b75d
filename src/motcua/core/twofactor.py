"""Two-factor sign-in for staff: a TOTP code (django-otp) after the password.

``MOTCUA_REQUIRE_2FA`` (on in the production settings) makes every staff page ask for it; a user
who enrolled a device is asked whatever the setting says. Until the session is verified:

- pages answer with a redirect to the enrolment page (no device yet) or to the code page;
- session-authenticated API calls are refused (403, ``VerifiedSessionAuthentication``);
- API clients with OAuth2 client-credential tokens are not concerned (no session, no user).

Enrolment, verification and resets are described in docs/security.md.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

# Set at sign-in when the user has a confirmed device (checked then, not on every request).
ENROLLED_SESSION_KEY = "motcua_2fa_enrolled"
# The unconfirmed device this session is enrolling: its key is shown in this browser only.
ENROLMENT_SESSION_KEY = "motcua_2fa_enrolment_device"
# Paths served before verification: the two-factor pages, sign-out, the language switch,
# static files, the API (refused by its own authentication instead) and OAuth token requests.
OPEN_PREFIXES = ("/account/2fa/", "/accounts/logout/", "/i18n/", "/api/", "/oauth/", "/healthz")


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def verification_pending(request: HttpRequest) -> bool:
    """True when the signed-in user still owes a code in this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.is_verified():
        return False
    return bool(settings.MOTCUA_REQUIRE_2FA or request.session.get(ENROLLED_SESSION_KEY))


def mark_enrolled_at_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = confirmed_device(user) is not None


def discard_unconfirmed_at_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A new sign-in ends every enrolment under way: a key shown before, in this browser or in
    another one, can no longer be confirmed (docs/security.md)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    if request is not None and hasattr(request, "session"):
        request.session.pop(ENROLMENT_SESSION_KEY, None)


def enrolment_device(request: HttpRequest) -> tuple[TOTPDevice, bool]:
    """This session's unconfirmed device, or a new one with a fresh key; and whether it is new.
    The device is bound to the session: another browser never sees nor confirms its key."""
    pk = request.session.get(ENROLMENT_SESSION_KEY)
    device = None
    if isinstance(pk, int):
        mine = TOTPDevice.objects.select_for_update().filter(pk=pk, user=request.user)
        device = mine.filter(confirmed=False).first()
    if device is not None:
        return device, False
    device = TOTPDevice.objects.create(
        user=request.user, name=str(_("Authenticator app")), confirmed=False
    )
    request.session[ENROLMENT_SESSION_KEY] = device.pk
    return device, True


def enrolment_done(request: HttpRequest, device: TOTPDevice) -> None:
    """``device`` is confirmed: every other unconfirmed device of the user goes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    request.session.pop(ENROLMENT_SESSION_KEY, None)


def connect() -> None:
    user_logged_in.connect(mark_enrolled_at_login, dispatch_uid="twofactor-enrolled")
    user_logged_in.connect(discard_unconfirmed_at_login, dispatch_uid="twofactor-discard")


def next_target(request: HttpRequest) -> str:
    """Where the two-factor pages send the user back to (the page first asked for)."""
    return request.get_full_path()


def gate_url(request: HttpRequest) -> str:
    name = "account:otp_verify" if confirmed_device(request.user) else "account:otp_enrol"
    return f"{reverse(name)}?{urlencode({'next': next_target(request)})}"


class TwoFactorMiddleware:
    """Sends an unverified session to the enrolment or code page before any staff page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            not path.startswith(OPEN_PREFIXES)
            and not path.startswith(settings.STATIC_URL or "/static/")
            and verification_pending(request)
        ):
            url = gate_url(request)
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            return HttpResponseRedirect(url)
        return self.get_response(request)


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, refusing a session that still owes its two-factor code."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and verification_pending(request._request):
            raise exceptions.PermissionDenied(
                _("Two-factor verification is required: enter your code on the sign-in page.")
            )
        return result


class VerifiedSessionScheme(SessionScheme):
    """The same ``cookieAuth`` in the OpenAPI schema as DRF's session authentication."""

    target_class = "motcua.core.twofactor.VerifiedSessionAuthentication"


def secret_text(device: TOTPDevice) -> str:
    """The key as people type it into an authenticator app (base32, in groups of four)."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI (allowed by img-src)."""
    return str(segno.make(device.config_url, micro=False).svg_data_uri(scale=5, border=2))
