"""Satisfaction reports: the numbers (counts, shares, average, band, satisfied share), low
scores, XLSX export, grouping, scoping to the user's agencies and who may read them."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from motcua.evaluation import reports
from motcua.evaluation.tests.factories import ASKED, evaluate, finished_record
from motcua.organisations.models import Role, StaffRole
from motcua.records.tests.factories import travel

PERIOD = reports.Period(
    start=__import__("datetime").date(2025, 5, 1), end=__import__("datetime").date(2025, 5, 31)
)


@pytest.fixture
def evaluations(world):
    """Three records of the justice department evaluated in May 2025 (16, 16 and 8 points:
    very satisfied, satisfied, dissatisfied) and one evaluated in June."""
    records = []
    with travel("2025-04-21 08:00"):
        pass
    for _n in range(4):
        records.append(finished_record(world))
    evaluate(records[0], satisfaction="very_satisfied", at="2025-05-05 09:00")
    evaluate(records[1], satisfaction="satisfied", at="2025-05-06 09:00")
    evaluate(
        records[2],
        satisfaction="dissatisfied",
        answers={5: 0, 6: 0, 7: 0, 8: 0, 9: 0},
        comment="Phải chờ lâu",
        at="2025-05-07 09:00",
    )
    evaluate(records[3], satisfaction="satisfied", at="2025-06-02 09:00")
    return records


def leader_scope(world):
    return reports.evaluations_for(user=world.leader, period=PERIOD)


def test_summary_by_agency_counts_shares_average_and_band(world, evaluations):
    rows = reports.summary(leader_scope(world), group="agency")
    assert len(rows) == 1
    row = rows[0]
    assert row.label == "Sở Tư pháp"
    assert (row.count, row.very_satisfied, row.satisfied, row.dissatisfied) == (3, 1, 1, 1)
    assert row.very_satisfied_share == Decimal("33.33")
    assert row.dissatisfied_share == Decimal("33.33")
    assert row.satisfied_share == Decimal("66.67")
    assert row.average == Decimal("13.33")  # (16 + 16 + 8) / 3
    assert row.band == "good"
    total = reports.overall(leader_scope(world))
    assert total.count == 3


@pytest.mark.parametrize(
    ("group", "label"),
    [
        ("unit", "Bộ phận Một cửa, Sở Tư pháp"),
        ("officer", "Reception"),
        ("procedure", "2.000488 · Thủ tục 2.000488"),
    ],
)
def test_summary_by_unit_officer_and_procedure(world, evaluations, group, label):
    rows = reports.summary(leader_scope(world), group=group)
    assert [(r.label, r.count) for r in rows] == [(label, 3)]


def test_low_scores_list_the_dissatisfied_with_their_comment(world, evaluations):
    low = reports.low_scores(leader_scope(world))
    assert [(e.total, e.comment) for e in low] == [(8, "Phải chờ lâu")]


def test_other_agencies_see_nothing(world, evaluations):
    StaffRole.objects.create(user=world.outsider, agency=world.police, role=Role.AGENCY_LEADER)
    assert not reports.evaluations_for(user=world.outsider, period=PERIOD).exists()
    assert not reports.evaluations_for(user=world.specialist, period=PERIOD).exists()
    assert reports.evaluations_for(user=world.admin, period=PERIOD).count() == 3


def test_report_page_access(client, world, evaluations):
    url = reverse("evaluation:report")
    assert client.get(url).status_code == 302
    client.force_login(world.specialist)
    assert client.get(url).status_code == 403
    client.force_login(world.leader)
    response = client.get(url, {"start": "2025-05-01", "end": "2025-05-31", "group": "agency"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "66.67" in body or "66,67" in body
    assert "Phải chờ lâu" in body


def test_report_page_queries_do_not_grow_with_rows(
    client, world, evaluations, django_assert_max_num_queries
):
    client.force_login(world.leader)
    with django_assert_max_num_queries(20):
        client.get(
            reverse("evaluation:report"),
            {"start": "2025-05-01", "end": "2025-06-30", "group": "officer"},
        )


def test_xlsx_export_has_the_summary_and_the_low_scores(client, world, evaluations):
    client.force_login(world.leader)
    response = client.get(
        reverse("evaluation:report"),
        {"start": "2025-05-01", "end": "2025-05-31", "group": "agency", "format": "xlsx"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    summary, low = book.worksheets
    values = [[c.value for c in row] for row in summary.iter_rows()]
    assert values[2][:3] == ["Sở Tư pháp", 3, 1]
    assert values[2][8] == pytest.approx(66.67)
    assert values[2][9] == pytest.approx(13.33)
    low_rows = [[c.value for c in row] for row in low.iter_rows(min_row=2)]
    assert low_rows[0][4] == 8
    assert low_rows[0][6] == "Phải chờ lâu"


def test_asked_answers_default(world):
    assert set(ASKED) == {5, 6, 7, 8, 9}


def test_month_against_last_for_the_dashboard(world, evaluations):
    from datetime import date

    this, now, last, before = reports.month_against_last(user=world.leader, day=date(2025, 6, 10))
    assert (this.start, last.start) == (date(2025, 6, 1), date(2025, 5, 1))
    assert (now.count, now.satisfied) == (1, 1)
    assert (before.count, before.very_satisfied, before.dissatisfied) == (3, 1, 1)
    assert before.satisfied_share == Decimal("66.67")
    # Narrowed to another agency: nothing.
    _t, other, _l, other_before = reports.month_against_last(
        user=world.leader, day=date(2025, 6, 10), agency_id=world.police.pk
    )
    assert other.count == 0 and other_before.count == 0


def test_leaders_dashboard_shows_satisfaction_this_month_and_last(world, evaluations, client):
    client.force_login(world.leader)
    with travel("2025-06-10 09:00"):
        response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="satisfaction"' in html
    section = html[html.index('id="satisfaction"') :]
    assert "66,67" in section  # Vietnamese decimal comma. May: 2 of 3 satisfied or very satisfied
    assert "100,00" in section  # June: 1 of 1
    assert reverse("evaluation:report") + "?start=2025-06-01&amp;end=2025-06-30" in section


def test_dashboard_without_satisfaction_for_roles_that_may_not_read_it(world, evaluations, client):
    client.force_login(world.specialist)
    with travel("2025-06-10 09:00"):
        response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    assert 'id="satisfaction"' not in response.content.decode()
