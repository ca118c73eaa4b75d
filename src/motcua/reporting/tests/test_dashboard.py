"""The leaders' dashboard and the public transparency page."""

from datetime import date

import pytest
import time_machine
from rest_framework.test import APIClient

from motcua.records import services
from motcua.records.tests.factories import at, receive, travel
from motcua.reporting import dashboard, svg
from motcua.reporting.settlement import report_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    with travel("2025-03-10 08:00"):
        march = receive(world)
    with travel("2025-03-12 09:00"):
        services.record_stop(actor=world.leader, record=march, reason="Dừng")
    with travel("2025-04-21 08:00"):
        records = [receive(world) for _ in range(2)]
        online = receive(world, channel="postal")
    with travel("2025-04-22 09:00"):
        services.record_withdraw(actor=world.reception, record=records[0], reason="Rút")
    return [march, *records, online]


def test_dashboard_figures(world, history):
    scope = report_scope(user=None, agency_code=None)
    data = dashboard.dashboard(scope=scope, day=date(2025, 4, 25))
    assert data.this_month["received_total"] == 3
    assert data.last_month["settled_total"] == 1
    rates = {r.month: (r.settled, r.timely) for r in data.rates}
    assert len(data.rates) == 12
    assert rates[date(2025, 3, 1)] == (1, 1)
    assert rates[date(2025, 4, 1)] == (1, 1)
    assert data.channels == {"direct": 2, "postal": 1, "online": 0}
    assert data.busiest[0]["received"] == 3
    [times] = data.times
    assert times["settled"] == 1 and times["average_days"] == pytest.approx(1.0, abs=0.1)
    with time_machine.travel(at("2025-05-08 09:00"), tick=False):
        [row] = dashboard.open_by_agency(scope=scope)
    assert row == {
        "agency_code": world.justice.code,
        "agency_name": world.justice.name,
        "open": 2,
        "overdue": 2,
        "due_soon": 0,
    }
    with time_machine.travel(at("2025-05-06 09:00"), tick=False):
        [row] = dashboard.open_by_agency(scope=scope)
    assert (row["overdue"], row["due_soon"]) == (0, 2)


def test_dashboard_page_draws_inline_svg_without_scripts(world, history):
    client = APIClient()
    client.force_login(world.leader)
    with travel("2025-04-25 10:00"):
        response = client.get("/reports/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 4
    assert "cdn" not in html.lower()
    client.force_login(world.outsider)
    assert client.get("/reports/dashboard/", {"agency": world.justice.code}).status_code == 404


def test_transparency_page_is_public_and_aggregate_only(world, history):
    response = APIClient().get("/cong-khai/ket-qua/", {"thang": "2025-04"})
    assert response.status_code == 200
    html = response.content.decode()
    assert world.justice.name in html
    for record in history:
        assert record.code not in html
        assert record.applicant_name not in html
    assert APIClient().get("/cong-khai/ket-qua/", {"thang": "april"}).status_code == 400


def test_svg_escapes_labels():
    chart = svg.bar_chart([("<script>x</script>", 3)], title="t<")
    assert "<script>" not in chart and "&lt;script&gt;" in chart
