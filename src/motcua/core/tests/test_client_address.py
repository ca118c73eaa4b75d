"""The client's address (motcua.core.client_address): REMOTE_ADDR unless MOTCUA_TRUSTED_PROXIES
says how many reverse proxies (or which ones) stand in front; X-Forwarded-For is then read from
the right, so the entries a client writes itself (on the left) are never believed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from motcua.core.client_address import UNKNOWN, client_ip

ATTACKER = "203.0.113.66"
OFFICER = "198.51.100.7"
PROXY = "127.0.0.1"


def address(xff: str | None, remote: str = PROXY) -> str:
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(RequestFactory().get("/", **extra))


def test_off_by_default_a_forwarded_header_changes_nothing(settings):
    assert settings.MOTCUA_TRUSTED_PROXIES == 0
    assert address(None, remote=ATTACKER) == ATTACKER
    assert address(OFFICER, remote=ATTACKER) == ATTACKER
    assert address(f"{OFFICER}, 10.0.0.1", remote=ATTACKER) == ATTACKER


@pytest.mark.parametrize(
    ("proxies", "xff", "expected"),
    [
        # One proxy (nginx) appends the address it saw: the right-most entry is the client.
        (1, ATTACKER, ATTACKER),
        # The client's own header stays on the left and is ignored.
        (1, f"{OFFICER}, {ATTACKER}", ATTACKER),
        (1, f"{OFFICER},{ATTACKER}", ATTACKER),
        # Two proxies (a load balancer, then nginx): the second entry from the right.
        (2, f"{OFFICER}, {ATTACKER}, 10.0.0.2", ATTACKER),
        # Fewer entries than proxies: every entry was written by a proxy, take the left-most.
        (2, ATTACKER, ATTACKER),
        # No header at all (a health check from the proxy host): the connection's address.
        (1, None, PROXY),
        # Garbage where a proxy should have written an address: the connection's address.
        (1, f"{OFFICER}, not-an-address", PROXY),
        (1, f"{OFFICER}, ", PROXY),
        # Addresses are written in one form only (one counter per client, not per spelling).
        (1, "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
    ],
)
def test_a_number_of_proxies_reads_from_the_right(settings, proxies, xff, expected):
    settings.MOTCUA_TRUSTED_PROXIES = proxies
    assert address(xff) == expected


@pytest.mark.parametrize(
    ("remote", "xff", "expected"),
    [
        # Through the trusted proxy: the right-most entry that is not a trusted proxy.
        (PROXY, f"{OFFICER}, {ATTACKER}", ATTACKER),
        (PROXY, f"{OFFICER}, {ATTACKER}, 10.1.2.3", ATTACKER),
        # Straight to the server (not through a trusted proxy): the header is ignored.
        (ATTACKER, OFFICER, ATTACKER),
        # Only trusted proxies in the chain: the left-most of them.
        (PROXY, "10.1.2.3", "10.1.2.3"),
        (PROXY, None, PROXY),
        # Garbage written after a trusted proxy: stop at the last address known to be real.
        (PROXY, f"{OFFICER}, junk, 10.1.2.3", "10.1.2.3"),
    ],
)
def test_a_list_of_proxies_skips_them_from_the_right(settings, remote, xff, expected):
    settings.MOTCUA_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert address(xff, remote=remote) == expected


def _settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    environ.update(env, DJANGO_SETTINGS_MODULE="motcua.conf.test")
    code = "from django.conf import settings; print(repr(settings.MOTCUA_TRUSTED_PROXIES))"
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", "0"), ("0", "0"), ("1", "1"), (" 127.0.0.1, 10.0.0.0/8 ", "['127.0.0.1', '10.0.0.0/8']")],
)
def test_the_setting_comes_from_the_environment(value, expected):
    result = _settings_with(MOTCUA_TRUSTED_PROXIES=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MOTCUA_TRUSTED_PROXIES": "-1"}, "MOTCUA_TRUSTED_PROXIES"),
        ({"MOTCUA_TRUSTED_PROXIES": "nginx"}, "MOTCUA_TRUSTED_PROXIES"),
        # The settings it replaces are refused rather than silently ignored.
        ({"MOTCUA_CLIENT_IP_HEADER": "HTTP_X_REAL_IP"}, "MOTCUA_TRUSTED_PROXIES"),
        ({"MOTCUA_TRUST_X_FORWARDED_FOR": "true"}, "MOTCUA_TRUSTED_PROXIES"),
    ],
)
def test_a_wrong_setting_stops_the_start(env, message):
    result = _settings_with(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("remote", "xff", "expected"),
    [
        # A dual-stack bind reports an IPv4 proxy as ::ffff:a.b.c.d: still the trusted proxy.
        ("::ffff:127.0.0.1", ATTACKER, ATTACKER),
        ("::ffff:10.0.0.1", f"{OFFICER}, {ATTACKER}", ATTACKER),
        # A mapped entry written by a proxy is matched (and spelled) as its IPv4 address.
        (PROXY, f"{OFFICER}, ::ffff:10.1.2.3", OFFICER),
        (PROXY, "::ffff:203.0.113.66", ATTACKER),
        # A client connecting straight to a dual-stack socket: its IPv4 spelling.
        ("::ffff:203.0.113.66", OFFICER, ATTACKER),
    ],
)
def test_ipv4_mapped_addresses_match_ipv4_proxies(settings, remote, xff, expected):
    settings.MOTCUA_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert address(xff, remote=remote) == expected


def test_a_mapped_proxy_entry_matches_ipv4_connections(settings):
    settings.MOTCUA_TRUSTED_PROXIES = ["::ffff:10.0.0.0/104"]
    assert address(ATTACKER, remote="10.0.0.1") == ATTACKER
    assert address(ATTACKER, remote="::ffff:10.0.0.1") == ATTACKER
    assert address(ATTACKER, remote="11.0.0.1") == "11.0.0.1"


@pytest.mark.parametrize("proxies", [0, 1, ["127.0.0.1"]])
@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        (" 198.51.100.7 ", OFFICER),
        ("::ffff:198.51.100.7", OFFICER),
        # No usable address (none, a Unix socket's, garbage): the one documented spelling.
        ("", UNKNOWN),
        ("unix:/run/motcua.sock", UNKNOWN),
        ("not-an-address", UNKNOWN),
    ],
)
def test_the_connection_address_is_canonical(settings, proxies, remote, expected):
    settings.MOTCUA_TRUSTED_PROXIES = proxies
    assert address(None, remote=remote) == expected


def test_no_usable_address_is_spelled_one_way_everywhere(rf):
    from motcua.core.lockout import client_ip as lockout_ip
    from motcua.organisations.api.views import CalendarThrottle

    request = rf.get("/", REMOTE_ADDR="")
    assert UNKNOWN == "0.0.0.0"  # noqa: S104 - the documented spelling, never bound
    assert client_ip(request) == lockout_ip(request) == UNKNOWN
    assert CalendarThrottle().get_ident(request) == UNKNOWN


def test_the_rate_limit_counts_unknown_clients_in_one_bucket(db, rf):
    from motcua.public import ratelimit
    from motcua.public.models import AttemptCounter

    ratelimit.attempt(rf.get("/", REMOTE_ADDR=""), code="")
    ratelimit.attempt(rf.get("/", REMOTE_ADDR="unix:"), code="")
    counters = AttemptCounter.objects.all()
    assert {counter.key for counter in counters} == {f"ip:{UNKNOWN}"}
    assert sum(counter.count for counter in counters) == 2


@pytest.mark.parametrize("value", ["²", "１", "١"])
def test_a_non_ascii_digit_is_a_configuration_error_not_a_traceback(value):
    result = _settings_with(MOTCUA_TRUSTED_PROXIES=value)
    assert result.returncode != 0
    # The error that stops the start is the configuration error, not int()'s ValueError.
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("django.core.exceptions.ImproperlyConfigured: MOTCUA_TRUSTED_PROXIES")
    )
