"""evaluation_submit: one evaluation per record, changeable for N days, refused for unfinished
records, wrong secrets, other agencies' kiosks and bad answers, leaving nothing written."""

import pytest
from django.db import IntegrityError, transaction

from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.evaluation.models import Evaluation
from motcua.evaluation.tests.factories import ASKED, desk_colleague, evaluate, finished_record
from motcua.records.tests.factories import at, receive, travel


@pytest.fixture
def record(world):
    return finished_record(world)


def test_evaluation_stores_derived_and_asked_criteria_with_total_and_band(world, record):
    evaluation = evaluate(record, comment="  Cán bộ nhiệt tình  ")
    assert evaluation.channel == "qr"
    assert evaluation.given_at == at("2025-05-20 09:00")
    # derived: early 2, agencies early 2, no supplement 2, one desk 2; asked 2+2+2+1+1
    assert evaluation.scores() == {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 1, 9: 1}
    assert evaluation.total == 16
    assert evaluation.band == "excellent"
    assert evaluation.satisfaction == "satisfied"
    assert evaluation.comment == "Cán bộ nhiệt tình"
    assert evaluation.derived["1"]["score"] == 2
    assert evaluation.agency == world.justice
    assert evaluation.receiving_agency == world.justice
    assert evaluation.officer == world.reception
    assert evaluation.unit == world.desk
    assert evaluation.procedure == world.pause_procedure


def test_a_derived_criterion_cannot_be_overridden_by_the_answers(record):
    evaluation = evaluate(record, answers={**ASKED, 1: 0, 2: 0, 3: 0, 4: 0})
    assert evaluation.c1 == 2 and evaluation.c3 == 2


def test_one_evaluation_per_record_in_the_database(record):
    first = evaluate(record)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(
            record=record,
            agency=first.agency,
            receiving_agency=first.receiving_agency,
            procedure=first.procedure,
            channel="qr",
            given_at=first.given_at,
            changed_at=first.given_at,
            **{f"c{n}": 1 for n in range(1, 10)},
            total=9,
            band="fair",
            satisfaction="satisfied",
        )


def test_a_second_submission_changes_the_evaluation_within_the_window(record, settings):
    settings.MOTCUA_EVALUATION_EDIT_DAYS = 7
    evaluate(record, at="2025-05-20 09:00")
    changed = evaluate(
        record, at="2025-05-27 08:00", satisfaction="dissatisfied", answers={**ASKED, 7: 0}
    )
    assert Evaluation.objects.filter(record=record).count() == 1
    assert changed.satisfaction == "dissatisfied"
    assert changed.c7 == 0
    assert changed.change_count == 1
    assert changed.given_at == at("2025-05-20 09:00")
    assert changed.changed_at == at("2025-05-27 08:00")


def test_a_change_after_the_window_is_refused_and_nothing_changes(record, settings):
    settings.MOTCUA_EVALUATION_EDIT_DAYS = 7
    evaluate(record, at="2025-05-20 09:00")
    with pytest.raises(Conflict) as error:
        evaluate(record, at="2025-05-27 09:01", satisfaction="dissatisfied")
    assert error.value.code == "evaluation_closed"
    assert Evaluation.objects.get(record=record).satisfaction == "satisfied"


def test_an_unfinished_record_cannot_be_evaluated(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with pytest.raises(Conflict) as error:
        evaluate(record)
    assert error.value.code == "not_finished"
    assert not Evaluation.objects.exists()


def test_a_record_with_its_result_ready_but_not_returned_can_be_evaluated(world):
    record = finished_record(world, returned=None)
    assert record.status == "result_ready"
    assert evaluate(record).pk


@pytest.mark.parametrize("secret", ["", "wrong", "x" * 22])
def test_without_the_secret_the_record_is_not_found(record, secret):
    with pytest.raises(NotFound):
        evaluate(record, secret=secret)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"answers": {5: 2, 6: 2, 7: 2, 8: 1}}, "c9"),
        ({"answers": {**ASKED, 5: 3}}, "c5"),
        ({"answers": {**ASKED, 6: "x"}}, "c6"),
        ({"satisfaction": "ecstatic"}, "satisfaction"),
        ({"comment": "x" * 2001}, "comment"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_is_written(record, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        evaluate(record, **overrides)
    assert error.value.field == field
    assert not Evaluation.objects.exists()


def test_kiosk_needs_a_reception_officer_of_the_record_agency(world, record):
    with pytest.raises(PermissionDenied):
        evaluate(record, channel="kiosk", actor=world.outsider, secret="")
    with pytest.raises(PermissionDenied):
        evaluate(record, channel="kiosk", actor=world.specialist, secret="")
    # Another officer of the desk: the one who received the record may not (own work).
    colleague = desk_colleague(world)
    evaluation = evaluate(record, channel="kiosk", actor=colleague, secret="")
    assert evaluation.channel == "kiosk"
    assert evaluation.kiosk_officer == colleague
