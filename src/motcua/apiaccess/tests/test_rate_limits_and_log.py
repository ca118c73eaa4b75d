"""Per-client rate limits and the API call log."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from motcua.apiaccess.models import ApiCall
from motcua.apiaccess.tests.factories import INBOUND, bearer, inbound_body, make_client, token_for

pytestmark = pytest.mark.django_db

CATALOGUE = "/api/v1/catalogue/procedures/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_each_client_has_its_own_rate(world):
    slow, slow_secret = make_client(
        world.justice, scopes="catalogue:read", name="Slow", rate="2/min"
    )
    other, other_secret = make_client(world.justice, scopes="catalogue:read", name="Other")
    api = bearer(token_for(slow, slow_secret))
    assert [api.get(CATALOGUE).status_code for _ in range(3)] == [200, 200, 429]
    refused = api.get(CATALOGUE)
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert bearer(token_for(other, other_secret)).get(CATALOGUE).status_code == 200


def test_the_default_rate_comes_from_the_setting(world, settings):
    settings.MOTCUA_API_CLIENT_RATE = "1/min"
    client, secret = make_client(world.justice, scopes="catalogue:read")
    api = bearer(token_for(client, secret))
    assert [api.get(CATALOGUE).status_code for _ in range(2)] == [200, 429]


def test_sessions_are_not_limited_by_the_client_rate(world, settings):
    settings.MOTCUA_API_CLIENT_RATE = "1/min"
    session = APIClient()
    session.force_login(world.reception)
    assert [session.get(CATALOGUE).status_code for _ in range(3)] == [200, 200, 200]


def test_every_call_is_logged_without_bodies(world, api_log):
    client, secret = make_client(world.justice, scopes="records:submit")
    api = bearer(token_for(client, secret))
    api.post(INBOUND, inbound_body(), format="json")
    api.get("/api/v1/records/")
    bearer("wrong").get("/api/v1/records/")
    session = APIClient()
    session.force_login(world.reception)
    session.get(CATALOGUE)
    rows = list(
        ApiCall.objects.order_by("pk").values_list("client", "user", "endpoint", "method", "status")
    )
    assert rows == [
        (None, None, "oauth:token", "POST", 200),
        (client.pk, client.user_id, "api:inbound:records", "POST", 201),
        (client.pk, None, "api:records:list", "GET", 403),
        (None, None, "api:records:list", "GET", 401),
        (None, world.reception.pk, "api:catalogue-procedure-list", "GET", 200),
    ]
    assert all(call.duration_ms >= 0 for call in ApiCall.objects.all())
    field_names = {field.name for field in ApiCall._meta.get_fields()}
    assert not field_names & {"body", "request_body", "response_body", "query"}


def test_logging_costs_one_insert(world, settings):
    session = APIClient()
    session.force_login(world.reception)
    session.get(CATALOGUE)
    settings.MOTCUA_API_LOG = False
    with CaptureQueriesContext(connection) as without:
        session.get(CATALOGUE)
    settings.MOTCUA_API_LOG = True
    with CaptureQueriesContext(connection) as with_log:
        session.get(CATALOGUE)
    assert len(with_log.captured_queries) == len(without.captured_queries) + 1
    inserts = [q["sql"] for q in with_log.captured_queries if "apiaccess_apicall" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].startswith('INSERT INTO "apiaccess_apicall"')
