"""Criteria 1-4 read from records walked through the services: early, on time and late
finishes, one and two supplement requests, the per-agency step results and the desks."""

from motcua.evaluation import selectors
from motcua.evaluation.tests.factories import finished_record, walk_to_result
from motcua.records import services
from motcua.records.tests.factories import receive, travel


def scores(record):
    return selectors.derived_criteria(record).scores


def test_early_finish_scores_two_on_time_and_per_agency(world):
    record = finished_record(world, result_day="2025-04-23")
    assert record.timeliness == "early"
    derived = selectors.derived_criteria(record)
    assert derived.scores == {1: 2, 2: 2, 3: 2, 4: 2}
    # criterion 2 names every agency that took part, the police's verification step included
    assert "Công an tỉnh" in derived.reasons[2]
    assert "Sở Tư pháp" in derived.reasons[2]


def test_finish_on_the_due_day_scores_one(world):
    # due Wed 07/05 08:00 (10 working days from Mon 21/04 08:00)
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-05-07 07:40"):
        services.step_claim(actor=world.specialist, record=record)
        services.step_forward(actor=world.specialist, record=record, assignee=world.police_officer)
        services.step_forward(actor=world.police_officer, record=record)
        services.step_claim(actor=world.unit_head, record=record)
        services.step_forward(actor=world.unit_head, record=record, assignee=world.leader)
        services.record_approve(actor=world.leader, record=record)
        record = services.record_mark_result_ready(actor=world.reception, record=record)
    assert record.timeliness == "on_time"
    derived = scores(record)
    assert derived[1] == 1
    # the specialist's step (24 working hours from 21/04) finished long after its budget
    assert derived[2] == 0


def test_late_finish_scores_zero(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    record = walk_to_result(world, record, day="2025-05-08")
    assert record.timeliness == "late"
    assert scores(record)[1] == 0
    assert scores(record)[2] == 0


def test_one_supplement_scores_one_contact(world):
    record = finished_record(world, supplements=1, result_day="2025-04-24")
    assert record.supplement_count == 1
    derived = selectors.derived_criteria(record)
    assert derived.scores[3] == 1
    assert "1" in derived.reasons[3]


def test_two_supplements_score_zero_contacts(world):
    record = finished_record(world, supplements=2, result_day="2025-04-25")
    assert record.supplement_count == 2
    assert scores(record)[3] == 0
    assert scores(record)[4] == 2  # both supplements came back through the same desk
