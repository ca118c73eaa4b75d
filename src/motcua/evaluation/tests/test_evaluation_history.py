"""An evaluation cannot be overwritten by the desk (issue 13, item 3): the kiosk cannot replace
what the applicant gave by QR or online, every change keeps the version it replaces, and nobody
who worked on the record submits its evaluation, on any channel. (The audit entries of every
submission and change are written by the pages' boundary, issue 13 item 10:
public/tests/test_evaluation_audit.py.)"""

from datetime import datetime

import pytest
from django.urls import reverse

from motcua.core.errors import Conflict, PermissionDenied
from motcua.evaluation.models import Evaluation, EvaluationRevision
from motcua.evaluation.tests.factories import ASKED, desk_colleague, evaluate, finished_record
from motcua.organisations.calendar import TZ
from motcua.records.services.retention import personal_data_purge
from motcua.records.tests.factories import at, travel

FORM = {"c5": "0", "c6": "0", "c7": "0", "c8": "0", "c9": "0", "satisfaction": "very_satisfied"}


@pytest.fixture
def record(world):
    return finished_record(world)


@pytest.fixture
def colleague(world):
    return desk_colleague(world)


# ---- the kiosk cannot replace the applicant's own evaluation ---------------------------------
@pytest.mark.parametrize("channel", ["qr", "online"])
def test_the_kiosk_cannot_replace_an_evaluation_the_applicant_gave(record, colleague, channel):
    evaluate(record, channel=channel, satisfaction="dissatisfied", comment="Chờ quá lâu")
    with pytest.raises(Conflict) as error:
        evaluate(
            record,
            at="2025-05-21 09:00",
            channel="kiosk",
            actor=colleague,
            secret="",
            satisfaction="very_satisfied",
        )
    assert error.value.code == "given_by_applicant"
    evaluation = Evaluation.objects.get(record=record)
    assert (evaluation.channel, evaluation.satisfaction) == (channel, "dissatisfied")
    assert evaluation.comment == "Chờ quá lâu"
    assert evaluation.change_count == 0
    assert not EvaluationRevision.objects.exists()


def test_the_kiosk_page_cannot_replace_it_either(client, record, colleague):
    evaluate(record, satisfaction="dissatisfied")
    client.force_login(colleague)
    with travel("2025-05-21 09:00"):
        response = client.post(reverse("public:kiosk_submit"), {"code": record.code, **FORM})
    assert response.status_code == 400
    assert Evaluation.objects.get(record=record).satisfaction == "dissatisfied"
    assert not EvaluationRevision.objects.exists()


def test_the_applicant_may_change_an_evaluation_given_at_the_kiosk(record, colleague):
    evaluate(record, channel="kiosk", actor=colleague, secret="", satisfaction="very_satisfied")
    changed = evaluate(record, at="2025-05-21 10:00", satisfaction="dissatisfied")
    assert (changed.channel, changed.kiosk_officer) == ("qr", None)
    (kept,) = EvaluationRevision.objects.filter(evaluation=changed)
    assert (kept.channel, kept.kiosk_officer, kept.satisfaction) == (
        "kiosk",
        colleague,
        "very_satisfied",
    )
    assert kept.replaced_by_channel == "qr"


# ---- every change keeps the previous answers and is audited ----------------------------------
def test_every_change_keeps_the_version_it_replaces(world, record, settings):
    settings.MOTCUA_EVALUATION_EDIT_DAYS = 7
    first = evaluate(record, at="2025-05-20 09:00", comment="Tốt")
    evaluate(
        record,
        at="2025-05-22 09:00",
        channel="online",
        answers={**ASKED, 5: 0},
        satisfaction="dissatisfied",
        comment="Thật ra chưa tốt",
    )
    last = evaluate(record, at="2025-05-24 09:00", answers={**ASKED, 5: 1}, comment="Tạm được")
    assert last.pk == first.pk
    assert (last.c5, last.comment, last.change_count) == (1, "Tạm được", 2)

    one, two = EvaluationRevision.objects.filter(evaluation=last).order_by("number")
    assert (one.number, one.channel, one.c5, one.comment, one.satisfaction) == (
        1,
        "qr",
        2,
        "Tốt",
        "satisfied",
    )
    assert (one.given_at, one.replaced_at, one.replaced_by_channel) == (
        at("2025-05-20 09:00"),
        at("2025-05-22 09:00"),
        "online",
    )
    assert one.scores() == first.scores()
    assert one.total == first.total
    assert (two.number, two.channel, two.c5, two.comment, two.satisfaction) == (
        2,
        "online",
        0,
        "Thật ra chưa tốt",
        "dissatisfied",
    )
    assert two.given_at == at("2025-05-22 09:00")

    # The first submission is not a change: nothing kept.
    other = finished_record(world, received="2025-04-22 08:00")
    evaluate(other)
    assert not EvaluationRevision.objects.filter(evaluation__record=other).exists()


def test_a_refused_change_keeps_nothing(record, settings):
    settings.MOTCUA_EVALUATION_EDIT_DAYS = 7
    evaluate(record, at="2025-05-20 09:00")
    with pytest.raises(Conflict):
        evaluate(record, at="2025-05-28 09:00", satisfaction="dissatisfied")
    assert not EvaluationRevision.objects.exists()


def test_the_retention_purge_clears_the_comments_of_earlier_versions(record, settings):
    evaluate(record, at="2025-05-20 09:00", comment="Số điện thoại của tôi 0912345678")
    evaluate(record, at="2025-05-21 09:00", comment="Đã sửa")
    personal_data_purge(now=datetime(2040, 1, 1, tzinfo=TZ))
    assert Evaluation.objects.get(record=record).comment == ""
    assert list(EvaluationRevision.objects.values_list("comment", flat=True)) == [""]


def test_the_subject_export_gives_the_applicant_the_earlier_versions(record):
    from motcua.records.subject_export import subject_export

    evaluate(record, at="2025-05-20 09:00", comment="Lần đầu")
    evaluate(record, at="2025-05-21 09:00", comment="Lần hai")
    export = subject_export(id_number=record.applicant_id_number)
    (given,) = [r["evaluation"] for r in export["records"] if r["code"] == record.code]
    assert given["comment"] == "Lần hai"
    assert [(v["version"], v["comment"]) for v in given["earlier_versions"]] == [(1, "Lần đầu")]


# ---- nobody evaluates their own work -----------------------------------------------------------
def test_the_officer_who_received_the_record_cannot_submit_at_the_kiosk(world, record):
    with pytest.raises(PermissionDenied) as error:
        evaluate(record, channel="kiosk", actor=world.reception, secret="")
    assert error.value.code == "own_work"
    assert not Evaluation.objects.exists()


def test_an_officer_who_worked_on_it_cannot_submit_by_the_qr_code_while_signed_in(world, record):
    for officer in (world.reception, world.specialist, world.police_officer, world.leader):
        with pytest.raises(PermissionDenied) as error:
            evaluate(record, actor=officer)
        assert error.value.code == "own_work"
    assert not Evaluation.objects.exists()


def test_another_desk_officer_can_open_the_kiosk(record, colleague):
    evaluation = evaluate(record, channel="kiosk", actor=colleague, secret="")
    assert evaluation.kiosk_officer == colleague


def test_the_kiosk_pages_refuse_the_officer_own_record(client, world, record):
    client.force_login(world.reception)
    page = client.post(reverse("public:kiosk"), {"code": record.code})
    assert page.status_code == 403
    assert 'name="c5"' not in page.content.decode()
    with travel("2025-05-20 09:00"):
        done = client.post(reverse("public:kiosk_submit"), {"code": record.code, **FORM})
    assert done.status_code == 400
    assert not Evaluation.objects.exists()


def test_the_public_form_refuses_an_officer_signed_in_who_worked_on_it(client, world, record):
    client.force_login(world.specialist)
    url = reverse("public:evaluation", kwargs={"code": record.code})
    with travel("2025-05-20 09:00"):
        response = client.post(url, {"k": record.lookup_secret, **FORM})
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


def _refused_at_the_kiosk(client, officer, record):
    with pytest.raises(PermissionDenied) as error:
        evaluate(record, channel="kiosk", actor=officer, secret="")
    assert error.value.code == "own_work"
    client.force_login(officer)
    page = client.post(reverse("public:kiosk"), {"code": record.code})
    assert page.status_code == 403
    assert 'name="c5"' not in page.content.decode()
    with travel("2025-05-20 09:00"):
        done = client.post(reverse("public:kiosk_submit"), {"code": record.code, **FORM})
    assert done.status_code == 400
    assert not Evaluation.objects.exists()


def test_the_officer_who_returned_the_result_cannot_evaluate_it_at_the_kiosk(client, world):
    """The officer at the kiosk when the result is handed back is the one who returned it: the
    return is recorded only as an event of the record, and that counts as work on it."""
    returning = desk_colleague(world, username="reception.return")
    record = finished_record(world, returned_by=returning)
    assert record.received_by != returning
    _refused_at_the_kiosk(client, returning, record)


def test_the_officer_who_received_a_supplement_cannot_evaluate_it_at_the_kiosk(client, world):
    supplementing = desk_colleague(world, username="reception.supplement")
    record = finished_record(world, supplements=1, supplement_receiver=supplementing)
    assert record.supplements.get().received_by == supplementing
    _refused_at_the_kiosk(client, supplementing, record)
