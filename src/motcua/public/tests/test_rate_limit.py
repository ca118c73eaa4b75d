"""Attempts are limited per client IP and per record code (database counters, HTTP 429)."""

import pytest
from django.urls import reverse

from motcua.public.models import AttemptCounter
from motcua.records.tests.factories import receive, travel


@pytest.fixture
def record(world):
    with travel("2025-04-21 08:00"):
        return receive(world)


def lookup(client, code, secret, ip="203.0.113.7"):
    return client.get(reverse("public:lookup", args=[code]), {"k": secret}, REMOTE_ADDR=ip)


def test_too_many_attempts_from_one_client_answer_429(client, record, settings):
    settings.MOTCUA_LOOKUP_LIMIT_PER_IP = 3
    settings.MOTCUA_LOOKUP_LIMIT_PER_CODE = 100
    with travel("2025-04-22 08:00"):
        for n in range(3):
            assert lookup(client, f"UNKNOWN-{n}", "x").status_code == 404
        response = lookup(client, record.code, record.lookup_secret)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Quá nhiều lần tra cứu" in response.content.decode()
    with travel("2025-04-22 08:00"):
        # another client is not affected
        assert (
            lookup(client, record.code, record.lookup_secret, ip="198.51.100.2").status_code == 200
        )


def test_too_many_attempts_on_one_code_answer_429_from_any_client(client, record, settings):
    settings.MOTCUA_LOOKUP_LIMIT_PER_IP = 100
    settings.MOTCUA_LOOKUP_LIMIT_PER_CODE = 2
    with travel("2025-04-22 08:00"):
        assert lookup(client, record.code, "0000", ip="198.51.100.1").status_code == 404
        assert lookup(client, record.code, "1111", ip="198.51.100.2").status_code == 404
        assert (
            lookup(client, record.code, record.lookup_secret, ip="198.51.100.3").status_code == 429
        )


def test_the_window_ends_and_old_counters_are_deleted(client, record, settings):
    settings.MOTCUA_LOOKUP_LIMIT_PER_IP = 1
    settings.MOTCUA_LOOKUP_WINDOW_SECONDS = 600
    with travel("2025-04-22 08:00"):
        assert lookup(client, record.code, record.lookup_secret).status_code == 200
        assert lookup(client, record.code, record.lookup_secret).status_code == 429
    with travel("2025-04-22 08:10"):
        assert lookup(client, record.code, record.lookup_secret).status_code == 200
    with travel("2025-04-24 08:00"):
        lookup(client, record.code, record.lookup_secret)
    assert not AttemptCounter.objects.filter(window_start__lt="2025-04-23T00:00:00+07:00").exists()


def test_the_form_and_the_api_are_limited_too(client, record, settings):
    settings.MOTCUA_LOOKUP_LIMIT_PER_IP = 1
    with travel("2025-04-22 08:00"):
        client.post(reverse("public:lookup_form"), {"code": record.code, "proof": "0000"})
        form = client.post(reverse("public:lookup_form"), {"code": record.code, "proof": "0000"})
        api = client.get(reverse("api:public:lookup"), {"code": record.code, "digits": "0000"})
    assert form.status_code == 429
    assert api.status_code == 429
    assert api.json()["error"]["code"] == "rate_limited"


def test_the_client_address_comes_from_the_configured_proxy_header(client, record, settings):
    settings.MOTCUA_LOOKUP_LIMIT_PER_IP = 1
    settings.MOTCUA_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    with travel("2025-04-22 08:00"):
        first = client.get(
            reverse("public:lookup", args=[record.code]),
            {"k": record.lookup_secret},
            HTTP_X_FORWARDED_FOR="192.0.2.1, 10.0.0.1",
        )
        second = client.get(
            reverse("public:lookup", args=[record.code]),
            {"k": record.lookup_secret},
            HTTP_X_FORWARDED_FOR="192.0.2.2, 10.0.0.1",
        )
    assert first.status_code == second.status_code == 200
    assert AttemptCounter.objects.filter(key="ip:192.0.2.1").exists()
