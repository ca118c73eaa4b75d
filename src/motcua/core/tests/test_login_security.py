"""Sign-in hardening: lockout after repeated wrong passwords (django-axes) with a clear message
and audit entries, the password policy on the password-change page, the idle session expiry and
the security headers (CSP and friends) on every kind of page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from motcua.audit.models import AuditEntry
from motcua.core.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("core:home")


@pytest.fixture
def officer(db):
    return UserFactory(username="tiepnhan.thu")


def attempt(client, password: str, ip: str = "10.0.0.7"):
    return client.post(LOGIN, {"username": "tiepnhan.thu", "password": password}, REMOTE_ADDR=ip)


def fail_five_times(client) -> None:
    for _ in range(5):
        response = attempt(client, "wrong-password")
    # The fifth failure reaches the limit: the answer is already the lockout page.
    assert response.status_code == 429


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, officer, settings):
    client.cookies["django_language"] = "en"
    assert settings.MOTCUA_LOGIN_FAILURE_LIMIT == 5
    for _ in range(4):
        assert attempt(client, "wrong-password").status_code == 200
    assert attempt(client, "wrong-password").status_code == 429
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert "15 minutes" in html
    assert 'role="alert"' in html
    assert 'value="tiepnhan.thu"' in html  # the login form is shown again
    assert "_auth_user_id" not in client.session
    # Every attempt, the refused right password included, is in the audit log.
    assert (
        AuditEntry.objects.filter(action="auth.login_failed", object_id="tiepnhan.thu").count() == 6
    )
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_the_lockout_message_is_vietnamese_by_default(client, officer):
    fail_five_times(client)
    html = attempt(client, PASSWORD).content.decode()
    assert '<html lang="vi">' in html
    assert 'role="alert"' in html


def test_the_lockout_is_per_username_and_address(client, officer):
    fail_five_times(client)
    assert attempt(client, PASSWORD, ip="10.0.0.8").status_code == 302
    UserFactory(username="tiepnhan.khac")
    other = client.post(
        LOGIN, {"username": "tiepnhan.khac", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert other.status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, officer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail_five_times(client)
        clock.shift(timedelta(minutes=14))
        assert attempt(client, PASSWORD).status_code == 429
        # A failure during the lockout starts the cool-off again.
        clock.shift(timedelta(minutes=16))
        response = attempt(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == HOME
    # A successful sign-in clears the failures.
    assert not AccessAttempt.objects.exists()


def test_an_administrator_unlocks_with_the_command(client, officer):
    fail_five_times(client)
    call_command("axes_reset_username", "tiepnhan.thu")
    assert attempt(client, PASSWORD).status_code == 302


def test_an_administrator_unlocks_in_the_admin(client, officer):
    fail_five_times(client)
    UserFactory(username="quantri.thu", is_staff=True, is_superuser=True)
    admin = client.__class__()
    admin.post(LOGIN, {"username": "quantri.thu", "password": PASSWORD})
    lock = AccessAttempt.objects.get(username="tiepnhan.thu")
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
    response = admin.post(f"/admin/axes/accessattempt/{lock.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert attempt(client, PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(client, officer):
    officer.is_staff = True
    officer.save()
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": "tiepnhan.thu", "password": "nope"},
            REMOTE_ADDR="10.0.0.7",
        )
    assert attempt(client, PASSWORD).status_code == 429


# ---- the client's address behind a proxy (MOTCUA_TRUSTED_PROXIES) ---------------------------

ATTACKER = "203.0.113.66"
OFFICER_IP = "198.51.100.7"
PROXY = "127.0.0.1"


def proxied(client, password: str, *, xff: str, remote: str = PROXY):
    return client.post(
        LOGIN,
        {"username": "tiepnhan.thu", "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=xff,
    )


def test_an_attacker_elsewhere_cannot_lock_the_officer_out(client, officer):
    for _ in range(10):
        attempt(client, "wrong-password", ip=ATTACKER)
    assert attempt(client, PASSWORD, ip=ATTACKER).status_code == 429
    assert attempt(client, PASSWORD, ip=OFFICER_IP).status_code == 302


def test_a_forged_forwarded_header_changes_nothing_when_no_proxy_is_trusted(client, officer):
    for _ in range(10):
        proxied(client, "wrong-password", xff=OFFICER_IP, remote=ATTACKER)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # Another forged address does not give the attacker a fresh count.
    assert proxied(client, PASSWORD, xff="192.0.2.99", remote=ATTACKER).status_code == 429
    # The officer whose address was forged signs in.
    assert attempt(client, PASSWORD, ip=OFFICER_IP).status_code == 302
    failed = AuditEntry.objects.filter(action="auth.login_failed")
    assert set(failed.values_list("ip", flat=True)) == {ATTACKER}


def test_behind_the_proxy_the_lockout_follows_the_address_the_proxy_saw(client, officer, settings):
    settings.MOTCUA_TRUSTED_PROXIES = 1
    # The attacker writes the officer's address in X-Forwarded-For; nginx appends the real one.
    for _ in range(10):
        proxied(client, "wrong-password", xff=f"{OFFICER_IP}, {ATTACKER}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert proxied(client, PASSWORD, xff=ATTACKER).status_code == 429
    # The officer, behind the same proxy, still signs in from their own address.
    assert proxied(client, PASSWORD, xff=OFFICER_IP).status_code == 302
    failed = AuditEntry.objects.filter(action="auth.login_failed")
    assert set(failed.values_list("ip", flat=True)) == {ATTACKER}
    assert AuditEntry.objects.get(action="auth.login").ip == OFFICER_IP


# ---- password policy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Ab1!xyz", "This password is too short. It must contain at least 10 characters."),
        ("1234567890123", "This password is entirely numeric."),
        ("password1234", "This password is too common."),
        ("tiepnhan.thu1", "The password is too similar to the username."),
    ],
)
def test_a_weak_password_is_refused(client, officer, new, message):
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("account:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_a_strong_password_is_accepted_and_the_session_kept(client, officer):
    client.force_login(officer)
    page = client.get(reverse("account:password_change"))
    assert page.status_code == 200
    assert reverse("account:otp_enrol") in page.content.decode()
    new = "Sông Hồng chảy qua 36 phố"
    response = client.post(
        reverse("account:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("account:password_change_done")
    officer.refresh_from_db()
    assert officer.check_password(new)
    assert client.get(HOME).status_code == 200


def test_the_minimum_length_is_a_setting(settings):
    from django.contrib.auth.password_validation import get_default_password_validators

    lengths = [v.min_length for v in get_default_password_validators() if hasattr(v, "min_length")]
    assert lengths == [settings.MOTCUA_PASSWORD_MIN_LENGTH] == [10]


def test_the_password_page_needs_a_login(client):
    response = client.get(reverse("account:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# ---- session expiry --------------------------------------------------------------------------


def test_an_idle_session_expires_and_activity_keeps_it(client, officer, settings):
    age = settings.SESSION_COOKIE_AGE
    assert age == 8 * 3600
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(officer)
        clock.shift(timedelta(seconds=age - 60))
        assert client.get(HOME).status_code == 200  # activity renews the expiry
        clock.shift(timedelta(seconds=age - 60))
        assert client.get(HOME).status_code == 200
        clock.shift(timedelta(seconds=age + 1))
        response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


# ---- security headers ------------------------------------------------------------------------

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def policy(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return {name: value for name, value in directives}


def assert_security_headers(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_every_kind_of_page_has_the_csp_and_headers(client, officer):
    pages = [LOGIN, "/tra-cuu/", "/cong-khai/ket-qua/", "/api/v1/schema/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code < 400, url
        assert policy(response) == CSP, url
        assert_security_headers(response)
    client.force_login(officer)
    for url in (HOME, reverse("account:password_change")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == CSP, url
        assert_security_headers(response)


def test_only_swagger_ui_may_run_inline_code(client):
    response = client.get("/api/v1/docs/")
    relaxed = policy(response)
    assert relaxed["script-src"] == "'self' 'unsafe-inline'"
    assert relaxed["style-src"] == "'self' 'unsafe-inline'"
    assert relaxed["frame-ancestors"] == "'none'"


def test_no_inline_script_or_style_attribute_in_our_templates():
    """The CSP forbids them; a new one would silently not work (the browser test catches the
    pages it opens, this catches every template)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    pattern = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=\"|\son[a-z]+=\"|hx-on|<style")
    for path in root.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            offenders.append(f"{path.relative_to(root)}: {match.group(0)}")
    assert offenders == []
