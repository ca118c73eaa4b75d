"""GET /api/v1/records/: scope, filters, pagination and a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.records import services
from motcua.records.tests.factories import applicant, receive, travel
from motcua.records.tests.factories_api import URL, at_police, client_for, error, submitted_online


def codes(response):
    assert response.status_code == 200, response.json()
    return [row["code"] for row in response.json()["results"]]


def test_the_list_is_scoped_to_the_users_agencies_and_steps(world):
    with travel("2025-04-21 08:00"):
        first = receive(world)
        second = at_police(world)
    assert set(codes(client_for(world.reception).get(URL))) == {first.code, second.code}
    assert codes(client_for(world.admin).get(URL)) == [second.code, first.code]
    # the police see only the record that has a step with them
    assert codes(client_for(world.police_officer).get(URL)) == [second.code]
    assert codes(client_for(world.outsider).get(URL)) == []


def test_anonymous_is_refused(world):
    response = client_for(None).get(URL)
    assert response.status_code == 403
    assert error(response)["code"] == "not_authenticated"


def test_a_row_has_the_status_clock_and_current_step(world):
    with travel("2025-04-21 08:00"):
        at_police(world)
        row = client_for(world.reception).get(URL).json()["results"][0]
    assert row["status"] == "in_progress"
    assert row["national_code"] == 4
    assert row["procedure"] == {
        "code": "2.000488",
        "name": "Cấp phiếu lý lịch tư pháp (2.000488)",
        "version": 1,
    }
    assert row["applicant_name"] == "Nguyễn Thị Hồng Nhung"
    assert row["due_at"] == "2025-05-07T08:00:00+07:00"
    assert row["overdue"] is False
    assert row["current_step"]["unit"]["ref"] == "000.00.30.H99/HSNV"
    assert row["current_step"]["assignee"] == {"username": "police", "name": "Police"}
    assert "applicant" not in row and "events" not in row


def test_search_by_code_applicant_name_id_number_and_procedure(world):
    with travel("2025-04-21 08:00"):
        nhung = receive(world)
        binh = receive(
            world,
            procedure=world.restart_procedure,
            applicant=applicant(name="Trần Văn Bình", id_number="001200099999"),
        )
    client = client_for(world.reception)
    assert codes(client.get(URL, {"q": nhung.code})) == [nhung.code]
    assert codes(client.get(URL, {"q": "-0002"})) == [binh.code]
    assert codes(client.get(URL, {"q": "Văn Bình"})) == [binh.code]
    assert codes(client.get(URL, {"q": "001200099999"})) == [binh.code]
    assert codes(client.get(URL, {"q": "2.000505"})) == [binh.code]
    assert codes(client.get(URL, {"procedure": "2.000488"})) == [nhung.code]
    assert codes(client.get(URL, {"q": "nobody"})) == []


def test_filter_by_status_agency_and_channel(world):
    with travel("2025-04-21 08:00"):
        received = receive(world)
        moving = at_police(world)
        online = submitted_online(world)
    client = client_for(world.admin)
    assert codes(client.get(URL, {"status": "received"})) == [received.code]
    assert set(codes(client.get(URL, {"status": ["received", "in_progress"]}))) == {
        received.code,
        moving.code,
    }
    assert [r["id"] for r in client.get(URL, {"status": "submitted"}).json()["results"]] == [
        online.pk
    ]
    assert codes(client.get(URL, {"channel": "online"})) == [None]
    assert len(codes(client.get(URL, {"agency": "000.00.12.H99"}))) == 3
    assert codes(client.get(URL, {"agency": "000.00.30.H99"})) == []
    assert len(codes(client.get(URL, {"handling_agency": "000.00.12.H99"}))) == 3


def test_filter_by_received_day_in_local_time(world):
    # 06:30 local on 22/04 is 23:30 UTC on 21/04: the local day counts
    with travel("2025-04-21 16:00"):
        monday = receive(world)
    with travel("2025-04-22 06:30"):
        tuesday = receive(world)
    with travel("2025-04-24 09:00"):
        thursday = receive(world)
    client = client_for(world.reception)
    assert codes(client.get(URL, {"received_from": "2025-04-22"})) == [thursday.code, tuesday.code]
    assert codes(client.get(URL, {"received_to": "2025-04-22"})) == [tuesday.code, monday.code]
    assert codes(client.get(URL, {"received_from": "2025-04-22", "received_to": "2025-04-22"})) == [
        tuesday.code
    ]
    assert (
        codes(client.get(URL, {"received_from": "2025-04-23", "received_to": "2025-04-23"})) == []
    )


def test_filter_overdue(world):
    with travel("2025-04-21 08:00"):
        late = receive(world)
    with travel("2025-05-06 08:00"):
        paused = receive(world)  # due much later
        services.step_claim(actor=world.specialist, record=paused)
    with travel("2025-05-07 09:00"):
        fresh = receive(world)
        client = client_for(world.reception)
        assert codes(client.get(URL, {"overdue": "true"})) == [late.code]
        assert set(codes(client.get(URL, {"overdue": "false"}))) == {fresh.code, paused.code}
        rows = {r["code"]: r["overdue"] for r in client.get(URL).json()["results"]}
        assert rows == {late.code: True, paused.code: False, fresh.code: False}


def test_a_record_paused_before_its_due_is_not_overdue_while_waiting(world):
    with travel("2025-04-21 08:00"):
        record = services.step_claim(actor=world.specialist, record=receive(world))
    with travel("2025-05-06 08:00"):
        services.supplement_request(
            actor=world.specialist, record=record, reason="Thiếu", items=[{"name": "Tờ khai"}]
        )
    with travel("2025-06-02 08:00"):
        client = client_for(world.reception)
        assert codes(client.get(URL, {"overdue": "true"})) == []
        assert client.get(URL).json()["results"][0]["overdue"] is False


def test_finished_records_are_never_overdue(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.record_withdraw(actor=world.reception, record=record, reason="Rút hồ sơ")
    with travel("2025-06-02 08:00"):
        client = client_for(world.reception)
        assert codes(client.get(URL, {"overdue": "true"})) == []
        assert codes(client.get(URL, {"overdue": "false"})) == [record.code]


def test_ordering(world):
    with travel("2025-04-21 08:00"):
        first = receive(world)
    with travel("2025-04-22 08:00"):
        second = receive(world)
    client = client_for(world.reception)
    assert codes(client.get(URL)) == [second.code, first.code]
    assert codes(client.get(URL, {"ordering": "received_at"})) == [first.code, second.code]
    assert codes(client.get(URL, {"ordering": "-due_at"})) == [second.code, first.code]


def test_invalid_filters_are_400_with_the_field(world):
    response = client_for(world.reception).get(
        URL, {"received_from": "21/04/2025", "status": "nonsense"}
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"received_from", "status"}


def test_the_list_is_paginated(world):
    with travel("2025-04-21 08:00"):
        for _ in range(3):
            receive(world)
    client = client_for(world.reception)
    page = client.get(URL, {"page_size": 2}).json()
    assert page["count"] == 3
    assert len(page["results"]) == 2
    assert "page=2" in page["next"]
    assert len(client.get(URL, {"page_size": 2, "page": 2}).json()["results"]) == 1
    assert client.get(URL, {"page": 3}).status_code == 404


def _count_queries(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("who", ["reception", "police_officer"])
def test_the_list_runs_a_constant_number_of_queries(world, who, django_assert_num_queries):
    user = getattr(world, who)
    with travel("2025-04-21 08:00"):
        at_police(world)
    params = {"q": "Nguyễn", "overdue": "false", "page_size": 100}
    with travel("2025-04-21 10:00"):
        client = client_for(user)
        # session read, user, the user's roles (scope), count, page; then the session saved
        # (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release)
        one, rows = _count_queries(client, params)
        assert rows == 1
        assert one == 8
    with travel("2025-04-21 09:00"):
        for _ in range(29):
            at_police(world)
    with travel("2025-04-21 10:00"), django_assert_num_queries(one):
        response = client.get(URL, params)
    assert len(response.json()["results"]) == 30
