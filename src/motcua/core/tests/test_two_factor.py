"""Two-factor sign-in (TOTP, django-otp): enrolment with a QR code, the code step after the
password, every staff page and session API call gated when MOTCUA_REQUIRE_2FA is on, API
clients (OAuth2 client credentials) unaffected, and the administrator's reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.audit.models import AuditEntry
from motcua.core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
ENROL = reverse("account:otp_enrol")
VERIFY = reverse("account:otp_verify")
API = "/api/v1/catalogue/procedures/"


def code_for(device: TOTPDevice) -> str:
    """The code the authenticator app shows now, from the device's key (as the app does)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, username: str = "tiepnhan.thu") -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


@pytest.fixture
def required(settings):
    settings.MOTCUA_REQUIRE_2FA = True
    return settings


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def officer(db):
    return UserFactory(username="tiepnhan.thu")


def test_login_leads_to_enrolment_then_a_code_opens_the_desk(required, client, officer):
    sign_in(client)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2F"

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code, rendered on the server
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    assert device.config_url.startswith("otpauth://totp/")
    secret = page.context["secret"].replace(" ", "")
    assert secret in html.replace(" ", "")
    assert 'autocomplete="one-time-code"' in html

    done = client.post(ENROL, {"code": code_for(device), "next": HOME})
    assert done.status_code == 302
    assert done["Location"] == HOME
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(action="auth.otp_enrolled", object_id=str(officer.pk)).exists()
    # Reloading the enrolment page does not make a second device.
    assert client.get(ENROL).status_code == 302
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def device_showing(secret: str) -> TOTPDevice:
    """The device whose key the enrolment page showed."""
    from motcua.core.twofactor import secret_text

    return next(d for d in TOTPDevice.objects.all() if secret_text(d) == secret)


def test_a_key_shown_in_one_browser_is_useless_in_another(required, client, officer):
    """Whoever sees the key shown during an enrolment (a screen photographed, a second browser
    signed in with the password) must not end up holding the officer's second factor."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = client
        first.cookies["django_language"] = "en"
        sign_in(first)
        key_a = first.get(ENROL).context["secret"]
        assert first.get(ENROL).context["secret"] == key_a  # a reload shows the same key
        device_a = device_showing(key_a)
        # A new sign-in elsewhere discards the unconfirmed device and shows a fresh key.
        second = client.__class__()
        sign_in(second)
        assert not TOTPDevice.objects.filter(pk=device_a.pk).exists()
        key_b = second.get(ENROL).context["secret"]
        assert key_b != key_a
        device_b = device_showing(key_b)
        # A code made from the first key opens neither browser.
        assert second.post(ENROL, {"code": code_for(device_a)}).status_code == 400
        replaced = first.post(ENROL, {"code": code_for(device_a)})
        assert replaced.status_code == 400
        assert replaced.context["secret"] not in (key_a, key_b)  # the first browser starts over
        assert "replaced by a newer sign-in" in replaced.content.decode()
        # Nor does a code from the second browser's key work in the first one.
        clock.shift(timedelta(seconds=5))
        assert first.post(ENROL, {"code": code_for(device_b)}).status_code == 400
        assert first.get(HOME).status_code == 302
        # The second browser confirms its own key; every unconfirmed device goes.
        clock.shift(timedelta(seconds=5))
        assert second.post(ENROL, {"code": code_for(device_b)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=officer)) == [device_b]
    assert TOTPDevice.objects.get().confirmed


def test_a_new_sign_in_in_the_same_browser_shows_a_fresh_key(required, client, officer):
    sign_in(client)
    before = client.get(ENROL).context["secret"]
    client.post(reverse("logout"))
    sign_in(client)
    assert client.get(ENROL).context["secret"] != before
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_two_browsers_confirming_at_the_same_moment_leave_one_device(required, client, officer):
    """Two sessions of the same officer confirm their keys at the same moment: the second one
    passes the page's first check (no confirmed device yet) and only then does the first one's
    confirmation commit, its clean-up having missed the second device, which that request
    held. The enrolment locks the officer and checks again: the second is refused, and the
    officer holds one confirmed device."""
    with time_machine.travel(timezone.now(), tick=False):
        sign_in(client)
        second = client.__class__()
        sign_in(second)
        device_a = device_showing(client.get(ENROL).context["secret"])
        device_b = device_showing(second.get(ENROL).context["secret"])
        done: list[str] = []

        def first_confirms_meanwhile(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            result = execute(sql, params, many, context)
            if not done and "otp_totp_totpdevice" in sql:
                done.append(sql)  # the page's first check has just read: no confirmed device
                TOTPDevice.objects.filter(pk=device_a.pk).update(confirmed=True)
            return result

        with connection.execute_wrapper(first_confirms_meanwhile):
            response = second.post(ENROL, {"code": code_for(device_b)})
    assert done
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=officer, confirmed=True)) == [device_a]
    assert not AuditEntry.objects.filter(action="auth.otp_enrolled").exists()
    assert second.get(HOME).status_code == 302  # still owes a code from the confirmed device


def test_a_wrong_code_is_refused_with_a_clear_message(required, english, officer):
    client = english
    sign_in(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=officer)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 400
    html = response.content.decode()
    assert "That code is not right or has expired" in html
    assert 'role="alert"' in html
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(HOME).status_code == 302  # still not through
    assert AuditEntry.objects.filter(action="auth.otp_failed").count() == 1
    # Not digits: refused by the form, nothing counted against the device.
    response = client.post(ENROL, {"code": "abcdef"})
    assert response.status_code == 400
    assert "The code has digits only." in response.content.decode()


def test_an_enrolled_user_gives_a_code_after_the_password(required, english, officer):
    device = enrolled(officer)
    client = english
    sign_in(client)
    response = client.get(HOME)
    assert response["Location"] == f"{VERIFY}?next=%2F"
    # The enrolment page sends an enrolled user to the code page (no new device).
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        wrong = "000000" if code_for(device) != "000000" else "111111"
        refused = client.post(VERIFY, {"code": wrong})
        assert refused.status_code == 400
        assert "That code is not right or has expired" in refused.content.decode()
        # After a wrong code the device waits (1 s, doubling with each further failure).
        assert client.post(VERIFY, {"code": code_for(device)}).status_code == 400
        clock.shift(timedelta(seconds=5))
        ok = client.post(VERIFY, {"code": code_for(device), "next": HOME})
    assert ok["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(action="auth.otp_verified").count() == 1


def test_a_verified_session_keeps_working_and_a_code_is_not_reused(required, client, officer):
    device = enrolled(officer)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client)
        code = code_for(device)
        assert client.post(VERIFY, {"code": code})["Location"] == HOME
        for _ in range(3):
            assert client.get(HOME).status_code == 200
        # Another browser signing in with the same code inside its 30 s is refused (replay).
        other = client.__class__()
        sign_in(other)
        assert other.post(VERIFY, {"code": code}).status_code == 400
        clock.shift(timedelta(seconds=60))
        assert other.post(VERIFY, {"code": code_for(device)}).status_code == 302
        assert other.get(HOME).status_code == 200


def test_a_user_without_device_is_sent_to_enrolment_from_any_staff_page(required, client, officer):
    sign_in(client)
    for url in (HOME, reverse("account:password_change"), "/admin/", "/reports/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL), url
    # htmx requests are redirected by htmx itself (the whole page, not a fragment).
    response = client.get(HOME, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(ENROL)
    # Sign-out and the language switch still work.
    assert client.post(reverse("logout")).status_code == 302


def test_session_api_calls_need_the_code_too(required, client, officer):
    device = enrolled(officer)
    sign_in(client)
    client.cookies["django_language"] = "en"
    response = client.get(API)
    assert response.status_code == 403
    assert "Two-factor" in str(response.json())
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get(API).status_code == 200


def test_api_clients_with_tokens_are_not_affected(required, db):
    from motcua.apiaccess.tests.factories import bearer, make_client, token_for
    from motcua.records.tests.factories import build_world

    world = build_world()
    api_client, secret = make_client(world.justice, scopes="catalogue:read")
    assert bearer(token_for(api_client, secret)).get(API).status_code == 200


def test_off_by_default_outside_production(client, officer, settings):
    assert settings.MOTCUA_REQUIRE_2FA is False
    sign_in(client)
    assert client.get(HOME).status_code == 200
    assert client.get(API).status_code == 200


def test_who_enrolled_anyway_is_asked_even_when_not_required(client, officer):
    device = enrolled(officer)
    sign_in(client)
    assert client.get(HOME)["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_for(device)})
    assert client.get(HOME).status_code == 200


def test_the_verify_page_never_redirects_to_another_host(required, client, officer):
    device = enrolled(officer)
    sign_in(client)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == HOME


def test_an_administrator_resets_a_lost_phone(required, client, officer):
    enrolled(officer)
    call_command("otp_reset", officer.username)
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEntry.objects.filter(action="auth.otp_reset").exists()
    sign_in(client)
    assert client.get(HOME)["Location"].startswith(ENROL)
    with pytest.raises(CommandError, match="No user named"):
        call_command("otp_reset", "nobody")


def test_devices_are_in_the_admin(required, client):
    admin = UserFactory(username="quantri.thu", is_staff=True, is_superuser=True)
    device = enrolled(admin)
    sign_in(client, admin.username)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.get("/admin/otp_totp/totpdevice/")
    assert response.status_code == 200
    assert client.get("/admin/axes/accessattempt/").status_code == 200


@pytest.mark.parametrize(
    ("module", "expected"),
    [("motcua.conf.dev", "False"), ("motcua.conf.production", "True")],
)
def test_required_in_production_not_in_the_demo(tmp_path, module, expected):
    """`make run` (dev settings) lets the demo accounts in with the password alone."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "MOTCUA_REQUIRE_2FA"}}
    env.update(
        DJANGO_SETTINGS_MODULE=module,
        MOTCUA_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY="k" * 64,
        MOTCUA_DEMO_DATA="0" if module.endswith("production") else "1",
    )
    code = "from django.conf import settings; print(settings.MOTCUA_REQUIRE_2FA)"
    motcua = str(Path(sys.executable).with_name("motcua"))
    result = subprocess.run(  # noqa: S603 - our own console script
        [motcua, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_the_admin_never_shows_an_enrolled_key(client, officer):
    """Whoever holds the key makes the user's codes: an administrator (a superuser here) sees
    the device but neither its key nor its QR code."""
    device = enrolled(officer)
    admin_user = UserFactory(username="quantri.thu", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    qrcode = reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])
    assert client.get(qrcode).status_code == 403
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert listing.status_code == 200 and device.key not in listing.content.decode()
