"""Concurrent retries on PostgreSQL (several connections): one record, one answer replayed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from motcua.apiaccess.models import IdempotencyKey, InboundSubmission
from motcua.apiaccess.tests.factories import INBOUND, bearer, inbound_body, make_client, token_for
from motcua.records.models import Record
from motcua.records.tests.factories import build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://...",
    ),
]

THREADS = 8


def post_in_threads(token: str, body: dict, keys: list[str | None]) -> list:
    barrier = threading.Barrier(len(keys))
    responses: list = []
    errors: list = []

    def work(key: str | None) -> None:
        try:
            api = bearer(token)
            headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
            barrier.wait(timeout=10)
            responses.append(api.post(INBOUND, body, format="json", **headers))
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return responses


@pytest.fixture
def token():
    world = build_world()
    client, secret = make_client(world.justice, scopes="records:submit", rate="100000/min")
    return token_for(client, secret)


@pytest.mark.django_db(transaction=True)
def test_threads_posting_the_same_key_create_one_record_and_get_the_same_answer(token):
    responses = post_in_threads(token, inbound_body(), ["same-key"] * THREADS)
    assert sorted(r.status_code for r in responses) == [201] * THREADS
    first = responses[0].json()
    assert all(r.json() == first for r in responses)  # jsonb may reorder keys, not values
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == THREADS - 1
    assert Record.objects.count() == 1
    assert IdempotencyKey.objects.get().response_status == 201


@pytest.mark.django_db(transaction=True)
def test_threads_posting_the_same_portal_code_without_keys_create_one_record(token):
    responses = post_in_threads(token, inbound_body(), [None] * THREADS)
    assert sorted(r.status_code for r in responses) == [201] * THREADS
    assert all(r.json() == responses[0].json() for r in responses)
    assert Record.objects.count() == 1
    assert InboundSubmission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_threads_with_different_keys_for_the_same_portal_code_create_one_record(token):
    keys = [f"key-{n}" for n in range(THREADS)]
    responses = post_in_threads(token, inbound_body(), keys)
    assert sorted(r.status_code for r in responses) == [201] * THREADS
    assert all(r.json() == responses[0].json() for r in responses)
    assert Record.objects.count() == 1
    assert IdempotencyKey.objects.count() == THREADS
