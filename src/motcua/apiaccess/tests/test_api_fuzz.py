"""Schemathesis against the live schema, in-process (WSGI), with a valid client token holding
every scope: no 5xx, and every answer conforms to the schema (status code, content type, body).

Bounded for CI: a few examples per operation, derandomized (the same cases on every run), no
deadline. Runs with the rest of the suite."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.apiaccess.scopes import SCOPES, required_scope
from motcua.apiaccess.tests.factories import make_client, token_for
from motcua.records.tests.factories import receive, travel

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_the_test_connection(token):
    """The WSGI handler closes the database connection after each request (as in production);
    in a test that would close the test's transaction, so turn that off as Django's own test
    client does (after ``token``: the test client turns it back on after each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world):
    with travel("2025-04-21 08:00"):
        receive(world)
    client, secret = make_client(
        world.justice, world.police, world.center, scopes=" ".join(SCOPES), rate="100000/min"
    )
    return token_for(client, secret)


def _open_to_clients(ctx) -> bool:
    """Operations a token may call (``scopes.ENDPOINT_SCOPES``); the rest answer 403 to it."""
    route = re.sub(r"\{(\w+)\}", r"<str:\1>", ctx.operation.path.lstrip("/"))
    return required_scope(route, ctx.operation.method.upper()) is not None


# Loaded at collection through the app itself (no database needed for the schema).
# The coverage phase (every boundary case of every parameter) would take minutes: examples from
# the schema and hypothesis fuzzing only, a few per operation.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/", get_wsgi_application(), config=CONFIG
).include(func=_open_to_clients)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_within_its_schema(
    case, token, keep_the_test_connection
):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
