"""The citizen lookup limits count an IPv6 client by its /64 network (core.client_address.rate_key):
rotating addresses inside one /64 gives no new attempts; another /64 is another client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.core.tests.test_ipv6_network_keys import OTHER, SAME_B
from motcua.records.tests.factories import receive, travel


@pytest.mark.django_db
def test_addresses_of_one_64_share_the_lookup_limit(client, world, settings):
    settings.MOTCUA_LOOKUP_LIMIT_PER_IP = 3
    settings.MOTCUA_LOOKUP_LIMIT_PER_CODE = 100
    with travel("2025-04-21 08:00"):
        record = receive(world)

    def lookup(code: str, secret: str, ip: str) -> int:
        url = reverse("public:lookup", args=[code])
        return client.get(url, {"k": secret}, REMOTE_ADDR=ip).status_code

    with travel("2025-04-22 08:00"):
        for n in range(3):  # each guess from a new address of the same /64
            assert lookup(f"UNKNOWN-{n}", "x", f"2001:db8:1:2::{n + 10:x}") == 404
        assert lookup(record.code, record.lookup_secret, SAME_B) == 429
        assert lookup(record.code, record.lookup_secret, OTHER) == 200
