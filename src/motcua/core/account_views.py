"""The signed-in staff member's own account: two-factor enrolment and code, password change.

URLs under ``/account/`` (namespace ``account``). Policy and resets: docs/security.md.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.audit.services import audit_log
from motcua.core.client_address import client_ip
from motcua.core.models import User
from motcua.core.twofactor import (
    ENROLLED_SESSION_KEY,
    confirmed_device,
    enrolment_device,
    enrolment_done,
    qr_data_uri,
    secret_text,
)

WRONG_CODE = _(
    "That code is not right or has expired. Enter the 6-digit code your authenticator app shows "
    "now (check that the phone's clock is right). After several wrong codes, wait a minute "
    "before trying again."
)

REPLACED_KEY = _(
    "This set-up was replaced by a newer sign-in, so the key shown before no longer works. "
    "Remove it from your authenticator app, scan the new QR code below and enter the code it "
    "shows."
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        min_length=6,
        max_length=8,
        strip=True,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app.")},
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).replace(" ", "")
        if not re.fullmatch(r"[0-9]+", code):
            raise forms.ValidationError(_("The code has digits only."))
        return code


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


def _verified(request: HttpRequest, device: TOTPDevice, action: str) -> HttpResponse:
    otp_login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True
    audit_log(actor=request.user, action=action, obj=request.user, ip=client_ip(request))
    return HttpResponseRedirect(_next_url(request))


def _refused(request: HttpRequest, form: CodeForm) -> None:
    form.add_error("code", WRONG_CODE)
    audit_log(actor=request.user, action="auth.otp_failed", obj=request.user, ip=client_ip(request))


def _already_enrolled(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():  # type: ignore[union-attr]
        messages.info(
            request,
            _("Two-factor sign-in is already set up. An administrator can reset it."),
        )
        return HttpResponseRedirect(_next_url(request))
    return HttpResponseRedirect(f"{reverse('account:otp_verify')}?{request.GET.urlencode()}")


@never_cache
@sensitive_post_parameters("code")
@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code (or type the key), confirm with a code."""
    if confirmed_device(request.user) is not None:
        return _already_enrolled(request)
    form = CodeForm(request.POST or None)
    confirmed = False
    with transaction.atomic():  # the device locked: a sign-in elsewhere waits to discard it
        # The officer locked and checked again: of two sessions confirming at the same moment,
        # the second waits for the first and finds its device (docs/security.md).
        User.objects.select_for_update().filter(pk=cast(User, request.user).pk).first()
        if confirmed_device(request.user) is not None:
            return _already_enrolled(request)
        device, new = enrolment_device(request)
        if request.method == "POST" and form.is_valid():
            if new:
                # The key this page showed before was discarded by a newer sign-in (here or in
                # another browser): no code can confirm it; the new one must be scanned.
                form.add_error("code", REPLACED_KEY)
            elif device.verify_token(form.cleaned_data["code"]):
                enrolment_done(request, device)
                confirmed = True
            else:
                _refused(request, form)
    if confirmed:
        messages.success(request, _("Two-factor sign-in is set up."))
        return _verified(request, device, "auth.otp_enrolled")
    context: dict[str, Any] = {
        "form": form,
        "qr": qr_data_uri(device),
        "secret": secret_text(device),
        "next": _next_url(request),
    }
    return render(request, "account/otp_enrol.html", context, status=400 if form.errors else 200)


@never_cache
@sensitive_post_parameters("code")
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The code step after the password."""
    device = confirmed_device(request.user)
    if device is None:
        return HttpResponseRedirect(f"{reverse('account:otp_enrol')}?{request.GET.urlencode()}")
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            return _verified(request, device, "auth.otp_verified")
        _refused(request, form)
    context = {"form": form, "next": _next_url(request)}
    return render(request, "account/otp_verify.html", context, status=400 if form.errors else 200)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "account/password_change.html"
    success_url = reverse_lazy("account:password_change_done")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["otp_device"] = confirmed_device(self.request.user)
        context["password_min_length"] = settings.MOTCUA_PASSWORD_MIN_LENGTH
        return context


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "account/password_change_done.html"
