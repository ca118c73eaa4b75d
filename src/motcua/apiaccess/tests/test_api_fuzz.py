"""Schemathesis against the live schema, in-process (WSGI), twice: anonymously on every
operation, and with a token of a client holding every scope in the world's agencies (the demo
agencies' codes) on every operation a client may call. No 5xx, and every answer conforms to the
schema (status code, content type, body).

Anonymously most operations stop at 401, so the authenticated run is the one that reaches the
input handling: records are seeded at several points of their process (received, claimed, at
the police, at the last step, approved, result ready, online submissions) and the record code
in a path is one of theirs half of the time, so the action endpoints act on real records (an
example changes the records the next ones see, as a stateful run would).

Bounded for CI: a few examples per operation, derandomized (the same cases on every run), no
deadline. Runs with the rest of the suite, on SQLite and on PostgreSQL. A failure fails the test
and prints the schemathesis report with a curl command that reproduces it."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.apiaccess.scopes import SCOPES, required_scope
from motcua.apiaccess.tests.factories import make_client, token_for
from motcua.records.tests.factories import receive, travel
from motcua.records.tests.factories_api import (
    approved,
    at_last_step,
    at_police,
    claimed,
    result_ready,
    submitted_online,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# A record code generated as seeded-N is replaced by the code (or id) of a seeded record.
SEEDED = "seeded-"
SEEDS = 8
PROCEDURE_CODES = ("2.000488", "2.000505", "2.000815")


@schemathesis.serializer("application/x-ndjson")
def _json_lines(ctx, value) -> bytes:
    """The historical import's body (JSON Lines): the generated text as it is."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


def _disconnect_close_old_connections():
    """The WSGI handler closes the database connection after each request (as in production);
    in a test that would close the test's transaction, so turn that off as Django's own test
    client does. Use it after any use of the test client (which turns it back on after each
    request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(world):
    """Records at several points of their process: the refs (code, or id while there is no
    code) that replace the generated ``seeded-N`` codes."""
    with travel("2025-04-21 08:00"):
        records = [
            receive(world),
            claimed(world),
            at_police(world),
            at_last_step(world),
            approved(world),
            result_ready(world),
            submitted_online(world, "G22.99-20250421-0000901"),
            submitted_online(world, "G22.99-20250421-0000902"),
        ]
    assert len(records) == SEEDS
    return [record.code or str(record.pk) for record in records]


@pytest.fixture
def token(world, seeded):
    client, secret = make_client(
        world.justice, world.police, world.center, scopes=" ".join(SCOPES), rate="100000/min"
    )
    return token_for(client, secret)


@pytest.fixture
def keep_the_test_connection(token):
    yield from _disconnect_close_old_connections()


@pytest.fixture
def keep_the_test_connection_anonymous(db):
    yield from _disconnect_close_old_connections()


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
anonymous_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/", get_wsgi_application(), config=CONFIG
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/", get_wsgi_application(), config=CONFIG
).include(func=_open_to_clients)


@schema.hook
def flatmap_path_parameters(ctx, path_parameters):
    """Half of the record codes are seeded records, half of the procedure codes real ones."""
    if "code" not in (path_parameters or {}):
        return st.just(path_parameters)
    if ctx.operation.path.startswith("/api/v1/records/"):
        real = st.sampled_from([f"{SEEDED}{index}" for index in range(SEEDS)])
    else:
        real = st.sampled_from(PROCEDURE_CODES)
    return st.one_of(
        real.map(lambda code: {**path_parameters, "code": code}), st.just(path_parameters)
    )


def _resolve_seeded(case, refs: list[str]) -> None:
    code = (case.path_parameters or {}).get("code")
    if isinstance(code, str) and code.startswith(SEEDED):
        case.path_parameters["code"] = refs[int(code.removeprefix(SEEDED))]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_within_its_schema(
    case, seeded, token, keep_the_test_connection
):
    _resolve_seeded(case, seeded)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@pytest.mark.django_db
@anonymous_schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_anonymous_request_within_its_schema(
    case, keep_the_test_connection_anonymous
):
    case.call_and_validate(checks=CHECKS)
