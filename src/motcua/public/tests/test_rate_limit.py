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


PROXY = "127.0.0.1"


def via_proxy(client, record, xff):
    return client.get(
        reverse("public:lookup", args=[record.code]),
        {"k": record.lookup_secret},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=xff,
    )


def test_behind_the_proxy_each_citizen_has_their_own_count(client, record, settings):
    settings.MOTCUA_LOOKUP_LIMIT_PER_IP = 1
    settings.MOTCUA_TRUSTED_PROXIES = 1
    with travel("2025-04-22 08:00"):
        first = via_proxy(client, record, "192.0.2.1")
        second = via_proxy(client, record, "192.0.2.2")
        # A client writing another address on the left is still counted on the one nginx saw.
        forged = via_proxy(client, record, "10.9.9.9, 192.0.2.1")
    assert first.status_code == second.status_code == 200
    assert forged.status_code == 429
    assert AttemptCounter.objects.filter(key="ip:192.0.2.1").exists()
    assert not AttemptCounter.objects.filter(key="ip:10.9.9.9").exists()


def test_a_forged_forwarded_header_changes_nothing_when_no_proxy_is_trusted(
    client, record, settings
):
    settings.MOTCUA_LOOKUP_LIMIT_PER_IP = 1
    with travel("2025-04-22 08:00"):
        first = client.get(
            reverse("public:lookup", args=[record.code]),
            {"k": record.lookup_secret},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR="192.0.2.1",
        )
        second = client.get(
            reverse("public:lookup", args=[record.code]),
            {"k": record.lookup_secret},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR="192.0.2.2",
        )
    assert (first.status_code, second.status_code) == (200, 429)
    assert AttemptCounter.objects.filter(key="ip:203.0.113.66").exists()


# ---- a stranger cannot block the citizen (wrong guesses per client and code) -----------------

STRANGER = "203.0.113.66"
CITIZEN = "198.51.100.7"


def guess(client, record, digits, ip):
    return client.get(
        reverse("api:public:lookup"), {"code": record.code, "digits": digits}, REMOTE_ADDR=ip
    )


def wrong_digits(record) -> list[str]:
    right = {record.applicant_phone[-4:], record.applicant_id_number[-4:]}
    return [f"{n:04d}" for n in range(100) if f"{n:04d}" not in right]


def test_twenty_wrong_guesses_from_one_address_do_not_lock_the_citizen_out(
    client, record, settings
):
    assert settings.MOTCUA_LOOKUP_LIMIT_PER_CLIENT_CODE == 10
    with travel("2025-04-22 08:00"):
        answers = [
            guess(client, record, d, STRANGER).status_code for d in wrong_digits(record)[:20]
        ]
        # The stranger is stopped after 10 wrong guesses, even with the right digits.
        right = guess(client, record, record.applicant_id_number[-4:], STRANGER)
        # The citizen, at their own address, is not.
        citizen = lookup(client, record.code, record.lookup_secret, ip=CITIZEN)
        by_digits = guess(client, record, record.applicant_id_number[-4:], CITIZEN)
    assert answers == [404] * 10 + [429] * 10
    assert right.status_code == 429
    assert citizen.status_code == 200
    assert by_digits.status_code == 200


def test_only_wrong_guesses_count_against_a_code(client, record, settings):
    settings.MOTCUA_LOOKUP_LIMIT_PER_CLIENT_CODE = 2
    settings.MOTCUA_LOOKUP_LIMIT_PER_CODE = 3
    with travel("2025-04-22 08:00"):
        # The citizen opens the QR link again and again: never refused by the code's limits.
        for _ in range(10):
            assert lookup(client, record.code, record.lookup_secret, ip=CITIZEN).status_code == 200
        # One mistyped digit, then the right ones: still fine.
        assert guess(client, record, wrong_digits(record)[0], CITIZEN).status_code == 404
        assert guess(client, record, record.applicant_phone[-4:], CITIZEN).status_code == 200


def test_the_code_is_closed_to_everybody_only_at_the_much_higher_limit(client, record, settings):
    settings.MOTCUA_LOOKUP_LIMIT_PER_CLIENT_CODE = 2
    settings.MOTCUA_LOOKUP_LIMIT_PER_CODE = 5
    wrong = wrong_digits(record)
    with travel("2025-04-22 08:00"):
        # One stranger hammering: only their first 2 wrong guesses count for the code.
        for digits in wrong[:30]:
            guess(client, record, digits, "203.0.113.1")
        assert guess(client, record, wrong[0], "203.0.113.2").status_code == 404
        assert guess(client, record, wrong[1], "203.0.113.2").status_code == 404  # 4 counted
        assert lookup(client, record.code, record.lookup_secret, ip=CITIZEN).status_code == 200
        assert guess(client, record, wrong[2], "203.0.113.3").status_code == 404  # 5 counted
        # Past the per-code limit, nobody gets through, the citizen included.
        assert guess(client, record, wrong[3], "203.0.113.3").status_code == 429
        assert lookup(client, record.code, record.lookup_secret, ip=CITIZEN).status_code == 429
