"""An inbound record runs a fixed, small number of statements once the memo is warm
(bench/api_intake.py, docs/api-clients.md "Throughput"): the agency and the procedure named by
code come from the memo, the answer's documents from the rows just written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.apiaccess.tests.factories import INBOUND, bearer, inbound_body, make_client, token_for
from motcua.records.tests.factories import travel

pytestmark = pytest.mark.django_db

# token, key row, client's agency, earlier submission, service account's role, record,
# components, event, outbox row (+ subscribers), audit head (+ audit entry + head move), the
# submission row, the key's answer, three SAVEPOINT/RELEASE pairs (the test's transaction turns
# the outer BEGIN/COMMIT into one; the call log is off in tests). On PostgreSQL the parts in
# brackets are one statement each.
EXPECTED = {"postgresql": 18}
DEFAULT = 21


def _body(external_code: str) -> dict:
    body = inbound_body(external_code=external_code)
    # Its own file name: test_inbound_records expects "to-khai.pdf" free in the media folder.
    body["documents"][0]["file"]["name"] = f"queries-{external_code}.pdf"
    return body


def test_an_inbound_record_runs_a_fixed_number_of_statements(world):
    client, secret = make_client(world.justice, scopes="records:submit records:read")
    api = bearer(token_for(client, secret))
    with travel("2025-04-21 08:00"):
        first = api.post(INBOUND, _body("A-1"), format="json", HTTP_IDEMPOTENCY_KEY="k1")
        assert first.status_code == 201, first.content
        with CaptureQueriesContext(connection) as queries:
            second = api.post(INBOUND, _body("A-2"), format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert second.status_code == 201, second.content
    assert [d["name"] for d in second.json()["documents"]] == [
        d["name"] for d in first.json()["documents"]
    ]
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == EXPECTED.get(connection.vendor, DEFAULT), "\n".join(sql)
    assert not any(
        "organisations_agency" in s and s.startswith("SELECT") and '"code"' in s for s in sql
    )
    assert not any(s.startswith("SELECT") and "catalogue_procedure" in s for s in sql)


def test_the_api_finds_an_agency_created_after_an_unknown_code(world):
    from rest_framework.exceptions import ValidationError

    from motcua.organisations.models import Agency
    from motcua.records.api.serializers import AgencyCodeField

    field = AgencyCodeField()
    try:
        field.to_internal_value("000.00.99.H99")
        raise AssertionError("an unknown code must be refused")
    except ValidationError:
        pass
    agency = Agency.objects.create(
        code="000.00.99.H99",
        name="Sở mới",
        kind=world.justice.kind,
        administrative_unit=world.justice.administrative_unit,
    )
    assert field.to_internal_value("000.00.99.H99") == agency
