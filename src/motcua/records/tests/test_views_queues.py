"""The officer's work queues: who sees which step, counts, search, pagination, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from motcua.records import services
from motcua.records.selectors_ui import COUNT_CAP, capped_count, queue_steps
from motcua.records.tests.factories import applicant, at, receive, travel
from motcua.records.tests.factories_ui import client_for, htmx_headers, received

QUEUE_URLS = {
    "mine": "records:queue_mine",
    "unit": "records:queue_unit",
    "due_soon": "records:queue_due_soon",
    "overdue": "records:queue_overdue",
}


def _codes(response) -> set[str]:
    return {row.step.record.code for row in response.context["rows"]}


def test_my_queue_shows_the_steps_assigned_to_me_and_nobody_elses(world):
    with travel("2025-04-21 08:00"):
        mine, other, unassigned = received(world, 3)
        services.step_claim(actor=world.specialist, record=mine)
        services.step_claim(actor=world.specialist2, record=other)
        response = client_for(world.specialist).get(reverse("records:queue_mine"))
    assert response.status_code == 200
    assert _codes(response) == {mine.code}
    assert mine.code in response.content.decode()
    assert other.code not in response.content.decode()


def test_unit_queue_shows_unassigned_steps_of_my_unit_with_a_claim_button(world):
    with travel("2025-04-21 08:00"):
        waiting, taken = received(world, 2)
        services.step_claim(actor=world.specialist2, record=taken)
        response = client_for(world.specialist).get(reverse("records:queue_unit"))
    assert _codes(response) == {waiting.code}
    html = response.content.decode()
    assert reverse("records:claim", args=[waiting.code]) in html
    assert reverse("records:claim", args=[taken.code]) not in html


def test_queues_show_nothing_from_another_agency(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        for user in (world.outsider, world.police_officer, world.center_reception):
            client = client_for(user)
            for name in QUEUE_URLS.values():
                response = client.get(reverse(name))
                assert response.status_code == 200
                assert record.code not in response.content.decode(), (user, name)
                assert response.context["rows"] == []


def test_inter_agency_step_is_in_the_other_agencys_unit_queue_with_its_badge(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
        services.step_forward(actor=world.specialist, record=record)
        response = client_for(world.police_officer).get(reverse("records:queue_unit"))
        justice_view = client_for(world.specialist).get(reverse("records:queue_mine"))
    assert _codes(response) == {record.code}
    row = response.context["rows"][0]
    assert row.inter_agency
    assert "Liên thông" in response.content.decode()
    assert justice_view.context["rows"] == []


def test_due_soon_uses_working_hours_of_the_calendar(world):
    # Received Monday 21/04/2025 08:00 with 10 working days: due Wednesday 07/05/2025 08:00
    # (30/04, 01/05 and the swapped 02/05 are days off).
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
    client = client_for(world.specialist)
    with travel("2025-05-05 09:00"):  # 15 working hours before the appointment
        soon = client.get(reverse("records:queue_due_soon"))
        overdue = client.get(reverse("records:queue_overdue"))
    assert _codes(soon) == {record.code}
    assert soon.context["rows"][0].due_soon
    assert overdue.context["rows"] == []
    with travel("2025-04-29 09:00"):  # 4 working days left: not due soon
        assert client.get(reverse("records:queue_due_soon")).context["rows"] == []
    with override_settings(MOTCUA_DUE_SOON_WORKING_HOURS=40), travel("2025-04-29 09:00"):
        assert _codes(client.get(reverse("records:queue_due_soon"))) == {record.code}


def test_overdue_queue_and_badge(world):
    with travel("2025-04-21 08:00"):
        late, paused = received(world, 2)
        services.step_claim(actor=world.specialist, record=late)
        services.step_claim(actor=world.specialist, record=paused)
    with travel("2025-04-22 08:00"):
        # Paused for a supplement before the appointment: not overdue while it waits.
        services.supplement_request(
            actor=world.specialist,
            record=paused,
            reason="Thiếu giấy tờ",
            items=[{"name": "Bản sao CCCD"}],
        )
    with travel("2025-05-08 09:00"):
        response = client_for(world.specialist).get(reverse("records:queue_overdue"))
        mine = client_for(world.specialist).get(reverse("records:queue_mine"))
    assert _codes(response) == {late.code}
    assert response.context["rows"][0].overdue
    html = mine.content.decode()
    assert "rc-row-overdue" in html
    assert "Chờ bổ sung" in html  # the supplement badge


def test_tabs_show_counts_of_every_queue(world):
    with travel("2025-04-21 08:00"):
        a, b, c = received(world, 3)
        services.step_claim(actor=world.specialist, record=a)
    with travel("2025-04-22 09:00"):
        response = client_for(world.specialist).get(reverse("records:queue_mine"))
    counts = {tab["queue"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"mine": 1, "unit": 2, "due_soon": 0, "overdue": 0}


def test_tab_counts_are_capped(world):
    with travel("2025-04-21 08:00"):
        received(world, 3)
    qs = queue_steps(user=world.specialist, queue="unit", now=at("2025-04-21 09:00"))
    assert capped_count(qs, cap=2) == 3  # stops at cap + 1
    assert capped_count(qs, cap=10) == 3
    assert COUNT_CAP >= 100


def test_search_by_code_applicant_and_procedure(world):
    with travel("2025-04-21 08:00"):
        first = receive(world, applicant=applicant(name="Lê Văn Tám"))
        second = receive(world, applicant=applicant(name="Hồ Thị Chín"))
        third = receive(world, world.restart_procedure, applicant=applicant(name="Đinh Văn Mười"))
        client = client_for(world.specialist)
        url = reverse("records:queue_unit")
        assert _codes(client.get(url, {"q": second.code})) == {second.code}
        assert _codes(client.get(url, {"q": "văn tám"})) == {first.code}
        assert _codes(client.get(url, {"q": "2.000505"})) == {third.code}
        assert _codes(client.get(url, {"q": "không có ai"})) == set()
        partial = client.get(url, {"q": "Chín"}, **htmx_headers("queue-results"))
    assert partial.templates[0].name == "records/partials/_queue_results.html"
    assert second.code in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_htmx_tab_switch_returns_the_panel_and_tabs_refresh_returns_the_tabs(world):
    with travel("2025-04-21 08:00"):
        received(world, 1)
        client = client_for(world.specialist)
        panel = client.get(reverse("records:queue_unit"), **htmx_headers("queue-panel"))
        tabs = client.get(
            reverse("records:queue_unit"), {"part": "tabs"}, **htmx_headers("queue-tabs")
        )
    assert panel.templates[0].name == "records/partials/_queue_panel.html"
    assert tabs.templates[0].name == "records/partials/_queue_tabs.html"
    assert 'id="queue-tabs"' in tabs.content.decode()


def test_queue_is_ordered_by_due_and_paginated(world):
    with travel("2025-04-21 08:00"):
        early = receive(world)
    with travel("2025-04-22 08:00"):
        later = received(world, 26)
    with travel("2025-04-22 09:00"):
        client = client_for(world.specialist)
        first_page = client.get(reverse("records:queue_unit"))
        second_page = client.get(reverse("records:queue_unit"), {"page": 2})
    rows = first_page.context["rows"]
    assert len(rows) == 25
    assert rows[0].record.code == early.code
    dues = [(r.step.due_at, r.record.due_at, r.step.pk) for r in rows]
    assert dues == sorted(dues)
    assert first_page.context["paginator"].count == 27
    assert len(second_page.context["rows"]) == 2
    codes = {r.record.code for r in rows} | {r.record.code for r in second_page.context["rows"]}
    assert codes == {early.code, *(r.code for r in later)}


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("records:queue_mine"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("queue", list(QUEUE_URLS))
def test_queue_page_runs_the_same_number_of_queries_for_1_and_25_rows(
    world, queue, django_assert_num_queries
):
    # Records received 21/04 08:00 are due 07/05 08:00: due soon on 06/05, overdue on 08/05.
    moment = {
        "mine": "2025-04-22 09:00",
        "unit": "2025-04-22 09:00",
        "due_soon": "2025-05-06 09:00",
        "overdue": "2025-05-08 09:00",
    }[queue]
    claim = queue != "unit"

    def add(count):
        with travel("2025-04-21 08:00"):
            for record in received(world, count):
                if claim:
                    services.step_claim(actor=world.specialist, record=record)

    client = client_for(world.specialist)
    url = reverse(QUEUE_URLS[queue])
    add(1)
    with travel(moment):
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as one_row:
            response = client.get(url)
        assert len(response.context["rows"]) == 1
    add(24)
    with travel(moment):
        with django_assert_num_queries(len(one_row.captured_queries)):
            response = client.get(url)
        assert len(response.context["rows"]) == 25


def test_record_search_uses_the_shared_filters_and_stays_in_scope(world):
    with travel("2025-04-21 08:00"):
        first, second = received(world, 2)
        services.step_claim(actor=world.specialist, record=first)
        client = client_for(world.specialist)
        url = reverse("records:search")
        everything = client.get(url)
        assert {row["record"].code for row in everything.context["rows"]} == {
            first.code,
            second.code,
        }
        # The empty fields of the form mean "any".
        by_code = client.get(
            url, {"q": second.code, "status": "", "received_from": "", "received_to": ""}
        )
        assert [row["record"].code for row in by_code.context["rows"]] == [second.code]
        by_status = client.get(url, {"status": "in_progress"})
        assert [row["record"].code for row in by_status.context["rows"]] == [first.code]
        partial = client.get(url, {"q": "Nguyễn Văn 001"}, **htmx_headers("search-results"))
        assert partial.templates[0].name == "records/partials/_record_search_results.html"
        assert second.code in partial.content.decode()
        bad = client.get(url, {"received_from": "not-a-date"})
        assert bad.context["rows"] == []
        assert client_for(world.outsider).get(url).context["rows"] == []
    with travel("2025-05-08 09:00"):
        overdue = client_for(world.specialist).get(url, {"overdue": "true"})
    assert {row["record"].code for row in overdue.context["rows"]} == {first.code, second.code}


def test_record_search_pages_without_counting(world):
    with travel("2025-04-21 08:00"):
        received(world, 26)
        client = client_for(world.leader)
        url = reverse("records:search")
        client.get(url)
        first = client.get(url)
        second = client.get(url, {"page": 2})
    assert len(first.context["rows"]) == 25 and first.context["page"].has_next
    assert len(second.context["rows"]) == 1 and not second.context["page"].has_next
    assert not any("COUNT(" in q["sql"].upper() for q in _queries(client, url))


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return captured.captured_queries
