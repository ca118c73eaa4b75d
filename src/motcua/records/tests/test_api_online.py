"""POST /api/v1/records/online/: online submissions (status 1), idempotent by source + code."""

import threading

import pytest
from django.db import connection, connections

from motcua.core.models import User
from motcua.records.models import Record, RecordEvent
from motcua.records.tests.factories import build_world, travel
from motcua.records.tests.factories_api import (
    URL,
    applicant_body,
    client_for,
    error,
    online_body,
)

ONLINE = f"{URL}online/"


def portal(db):
    return User.objects.create_user(username="portal", password="x-portal", is_staff=True)


def test_a_system_account_posts_an_online_submission(world):
    with travel("2025-04-21 08:00"):
        response = client_for(portal(world)).post(ONLINE, online_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    record = Record.objects.get()
    assert body["id"] == record.pk
    assert body["code"] is None
    assert body["status"] == "submitted"
    assert body["national_code"] == 1
    assert body["channel"] == "online"
    assert body["source"] == "dvcqg"
    assert body["external_code"] == "G22.99-20250421-0000123"
    assert body["submitted_at"] == "2025-04-20T21:15:00+07:00"
    assert body["received_at"] is None
    assert [(c["component_code"], c["copy_kind"]) for c in body["components"]] == [
        ("TK", "electronic")
    ]
    # a system account holds no role in the agency: contact details are masked for it
    assert body["applicant"]["masked"] is True
    assert body["allowed_actions"] == []
    assert [e["kind"] for e in body["events"]] == ["record.submitted"]


def test_posting_the_same_submission_again_returns_the_existing_record(world):
    client = client_for(portal(world))
    with travel("2025-04-21 08:00"):
        first = client.post(ONLINE, online_body(), format="json")
    with travel("2025-04-21 08:05"):
        again = client.post(ONLINE, online_body(subject="Gửi lại"), format="json")
    assert first.status_code == 201
    assert again.status_code == 200, again.json()
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["subject"] == "Nộp trực tuyến"
    assert Record.objects.count() == 1
    assert RecordEvent.objects.count() == 1


def test_the_same_portal_code_for_another_agency_is_409(world):
    client = client_for(portal(world))
    with travel("2025-04-21 08:00"):
        assert client.post(ONLINE, online_body(), format="json").status_code == 201
        response = client.post(ONLINE, online_body(agency="000.00.01.H99"), format="json")
    assert response.status_code == 409
    assert error(response)["code"] == "duplicate"
    assert Record.objects.count() == 1


def test_the_same_code_from_another_source_is_another_record(world):
    client = client_for(portal(world))
    with travel("2025-04-21 08:00"):
        assert client.post(ONLINE, online_body(), format="json").status_code == 201
        assert client.post(ONLINE, online_body(source="hub"), format="json").status_code == 201
    assert Record.objects.count() == 2


def test_the_desk_then_receives_it(world):
    with travel("2025-04-21 08:00"):
        record_id = (
            client_for(portal(world)).post(ONLINE, online_body(), format="json").json()["id"]
        )
        desk = client_for(world.reception)
        waiting = desk.get(URL, {"status": "submitted"}).json()["results"]
        assert [r["id"] for r in waiting] == [record_id]
        body = desk.post(f"{URL}{record_id}/actions/receive/", {}, format="json").json()
    assert body["status"] == "received"
    assert body["code"] == "000.00.12.H99-250421-0001"


def test_invalid_submissions_are_400_with_the_fields(world):
    client = client_for(portal(world))
    # the shape first (missing code, naive instant) ...
    body = online_body(external_code="", submitted_at="2025-04-20T21:15:00")
    response = client.post(ONLINE, body, format="json")
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"external_code", "submitted_at"}
    # ... then the codes against the catalogue ...
    response = client.post(
        ONLINE, online_body(components=[{"component_code": "ZZ"}]), format="json"
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"components.0.component_code"}
    # ... then the service's rules
    response = client.post(ONLINE, online_body(applicant=applicant_body(email="x@")), format="json")
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"applicant.email"}
    assert Record.objects.count() == 0


def test_officers_and_anonymous_may_not_post_submissions(world):
    officer = client_for(world.reception).post(ONLINE, online_body(), format="json")
    anonymous = client_for(None).post(ONLINE, online_body(), format="json")
    assert officer.status_code == 403
    assert error(officer)["code"] == "permission_denied"
    assert anonymous.status_code == 403
    assert error(anonymous)["code"] == "not_authenticated"
    assert Record.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: run with DATABASE_URL=postgres://...",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_the_same_submission_create_one_record():
    build_world()
    account = User.objects.create_user(username="portal", password="x-portal", is_staff=True)
    clients = [client_for(account) for _ in range(6)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    ids: set[int] = set()

    def post(client):
        try:
            barrier.wait(timeout=10)
            response = client.post(ONLINE, online_body(), format="json")
            statuses.append(response.status_code)
            ids.add(response.json()["id"])
        finally:
            connections.close_all()

    with travel("2025-04-21 08:00"):
        threads = [threading.Thread(target=post, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(statuses) == [200] * 5 + [201]
    assert len(ids) == 1
    assert Record.objects.count() == 1
    assert RecordEvent.objects.count() == 1
