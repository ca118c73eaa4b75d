"""The citizen lookup limits and the sign-in lockout count an IPv6 client by its /64 network
(one subscriber usually holds a whole /64, so its addresses are free to rotate) and an IPv4 client
by its address (core.client_address.rate_key); the audit log keeps the full address. The lookup
side: public/tests/test_rate_limit_ipv6.py."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from motcua.audit.models import AuditEntry
from motcua.core.tests.factories import UserFactory

# Two addresses of one /64, and one of the next /64 (public/tests/test_rate_limit_ipv6.py too).
SAME_A = "2001:db8:1:2::1"
SAME_B = "2001:db8:1:2:ffff:ffff:ffff:fffe"
OTHER = "2001:db8:1:3::1"


def test_rate_key():
    from motcua.core.client_address import rate_key

    assert rate_key(SAME_A) == rate_key(SAME_B) == "2001:db8:1:2::"
    assert rate_key(OTHER) == "2001:db8:1:3::"
    assert rate_key("2001:DB8:1:2:0:0:0:9") == "2001:db8:1:2::"
    assert rate_key("203.0.113.7") == "203.0.113.7"
    assert rate_key("203.0.113.8") == "203.0.113.8"
    assert rate_key("::ffff:203.0.113.7") == "203.0.113.7"  # an IPv4 client on a dual stack
    assert rate_key("") == ""
    assert rate_key("not an address") == "not an address"


@pytest.mark.django_db
def test_addresses_of_one_64_share_the_lockout(client):
    UserFactory(username="tiepnhan.thu")

    def sign_in(password: str, ip: str) -> int:
        data = {"username": "tiepnhan.thu", "password": password}
        return client.post(reverse("login"), data, REMOTE_ADDR=ip).status_code

    for n in range(5):  # five wrong passwords, each from a new address of the same /64
        status = sign_in("wrong-password", f"2001:db8:1:2::{n + 10:x}")
    assert status == 429
    assert sign_in("wrong-password", SAME_B) == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"2001:db8:1:2::"}
    # Another /64 is another client.
    assert sign_in("wrong-password", OTHER) == 200
    # The audit log keeps each full address.
    ips = set(AuditEntry.objects.filter(action="auth.login_failed").values_list("ip", flat=True))
    assert {"2001:db8:1:2::a", SAME_B, OTHER} <= ips
