"""The public satisfaction and on-time figures: aggregates by agency for this month and the
last, no record code, name or comment on the page."""

from django.urls import reverse

from motcua.evaluation.tests.factories import evaluate, finished_record
from motcua.records.tests.factories import travel


def test_figures_for_this_and_last_month(client, world):
    early = finished_record(world, result_day="2025-04-23")  # finished early, in April
    late = finished_record(world, result_day="2025-05-08", returned="2025-05-09 09:00")
    assert late.timeliness == "late"
    evaluate(early, satisfaction="very_satisfied", at="2025-05-02 09:00", comment="Rất tốt")
    evaluate(late, satisfaction="dissatisfied", at="2025-05-12 09:00", comment="Quá hạn")
    with travel("2025-05-20 10:00"):
        response = client.get(reverse("public:figures"))
    assert response.status_code == 200
    months = response.context["months"]
    may, april = months
    assert may.period.start.month == 5 and april.period.start.month == 4
    (may_row,) = may.rows
    assert may_row.agency == "Sở Tư pháp"
    assert (may_row.finished, may_row.on_time) == (1, 0)
    assert str(may_row.on_time_rate) == "0.00"
    assert may_row.evaluations == 2
    assert str(may_row.satisfied_share) == "50.00"
    (april_row,) = april.rows
    assert (april_row.finished, april_row.on_time, april_row.evaluations) == (1, 1, 0)
    assert str(april_row.on_time_rate) == "100.00"
    body = response.content.decode()
    for hidden in (early.code, late.code, "Rất tốt", "Quá hạn", early.applicant_name):
        assert hidden not in body


def test_the_page_works_without_any_data(client, db):
    response = client.get(reverse("public:figures"))
    assert response.status_code == 200


def test_the_page_links_to_the_settlement_transparency_page(client, db):
    body = client.get(reverse("public:figures")).content.decode()
    assert reverse("reporting_public:transparency") in body
