"""Lockout of repeated failed sign-ins (django-axes), wired in the settings (docs/security.md).

``MOTCUA_LOGIN_FAILURE_LIMIT`` wrong passwords for one username from one address (an IPv6
client: its /64 network) lock that pair out for ``MOTCUA_LOGIN_COOLOFF_MINUTES``; during the lockout even the right password is refused
and the login page says why (HTTP 429). Every attempt still reaches the audit log through
Django's ``user_login_failed`` signal. An administrator unlocks with ``motcua axes_reset_username
<username>`` (or ``axes_reset``) or by deleting the access attempt in the admin.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.core.client_address import client_key


class LockoutBackend(AxesStandaloneBackend):
    """axes' check before the password backends. ``authenticate()`` called without a request
    (the test client's ``login()``, scripts) is not a sign-in from the web and is not counted;
    every web sign-in (login page, admin login) passes its request."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)  # type: ignore[no-any-return]


def client_ip(request: HttpRequest) -> str:
    """axes' ``AXES_CLIENT_IP_CALLABLE``: the client address of motcua.core.client_address
    (``MOTCUA_TRUSTED_PROXIES`` applies) as ``client_key`` counts it: an IPv6 client by its /64
    network, so that rotating addresses in it gives no new attempts (the audit log keeps the
    full address); without a usable address its ``UNKNOWN``, an IP address as axes' column
    requires."""
    return client_key(request)


def lockout_message() -> str:
    minutes = settings.MOTCUA_LOGIN_COOLOFF_MINUTES
    return _(
        "Too many failed sign-in attempts: this account is locked from this address for "
        "%(minutes)d minutes. Try again later, or ask an administrator to unlock it."
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, with the lockout message instead of the password error."""
    username = ""
    if request.method == "POST":
        username = str(request.POST.get("username", ""))[:150]
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "lockout_message": lockout_message(),
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    return render(request, "registration/login.html", context, status=429)
