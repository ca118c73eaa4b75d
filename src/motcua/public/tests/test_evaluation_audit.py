"""Issue 13, item 10: evaluations given and changed (QR/online page and the counter kiosk) are
in the audit log, without the comment; refused submissions write nothing."""

import pytest
from django.urls import reverse

from motcua.audit.models import AuditEntry
from motcua.evaluation.tests.factories import desk_colleague, finished_record
from motcua.records.tests.factories import travel

ANSWERS = {"c5": "2", "c6": "2", "c7": "2", "c8": "1", "c9": "1"}
COMMENT = "Cán bộ Nguyễn Văn Bí mật rất nhiệt tình"


@pytest.fixture
def record(world):
    return finished_record(world)


def _entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__startswith="evaluation.").order_by("id"))


def test_the_citizens_evaluation_and_its_change_are_audited(client, record):
    url = reverse("public:evaluation", args=[record.code])
    data = {"k": record.lookup_secret, **ANSWERS, "comment": COMMENT}
    with travel("2025-05-20 09:00"):
        first = client.post(url, {**data, "satisfaction": "very_satisfied"}, REMOTE_ADDR="10.7.7.7")
        assert first.status_code == 200
        again = client.post(url, {**data, "satisfaction": "dissatisfied"})
        assert again.status_code == 200
    submitted, changed = _entries()
    assert (submitted.action, changed.action) == ("evaluation.submitted", "evaluation.changed")
    assert (submitted.actor_id, submitted.object_id, submitted.ip) == (
        None,
        record.code,
        "10.7.7.7",
    )
    assert submitted.detail == {"channel": "qr", "total": 16}
    assert COMMENT not in str(submitted.detail) + str(changed.detail)


def test_a_refused_evaluation_writes_nothing(client, record):
    url = reverse("public:evaluation", args=[record.code])
    with travel("2025-05-20 09:00"):
        assert (
            client.post(url, {"k": "guess", **ANSWERS, "satisfaction": "satisfied"}).status_code
            == 404
        )
        bad = client.post(url, {"k": record.lookup_secret, "satisfaction": "satisfied"})
        assert bad.status_code == 400
    assert _entries() == []


def test_the_kiosk_evaluation_is_audited_with_the_officer(client, world, record):
    officer = desk_colleague(world)  # not world.reception, who received the record (own work)
    client.force_login(officer)
    with travel("2025-05-20 09:00"):
        done = client.post(
            reverse("public:kiosk_submit"),
            {"code": record.code, **ANSWERS, "satisfaction": "satisfied"},
        )
    assert done.status_code == 200
    [entry] = _entries()
    assert (entry.action, entry.actor_id, entry.object_id) == (
        "evaluation.submitted",
        officer.pk,
        record.code,
    )
    assert entry.detail["channel"] == "kiosk"


def test_of_two_first_evaluations_at_the_same_moment_the_later_is_a_change(rf, record):
    """Two first evaluations of the record at the same moment: the other one lands after this
    submission started but before the evaluation service locks the record's evaluation. This
    one changed it, and is audited as ``evaluation.changed`` (decided from what the service
    did, not from a read before the lock)."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from motcua.evaluation.models import Evaluation
    from motcua.evaluation.tests.factories import evaluate
    from motcua.public.evaluation_audit import evaluation_submit_audited

    request = rf.post("/danh-gia/", REMOTE_ADDR="10.7.7.8")
    request.user = AnonymousUser()
    landed: list[str] = []

    def the_other_lands(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        result = execute(sql, params, many, context)
        if not landed and '"evaluation_evaluation"' in sql:
            landed.append(sql)  # this submission's first read of the evaluation: none yet
            evaluate(record, at="2025-05-20 09:00", satisfaction="satisfied")
        return result

    with travel("2025-05-20 09:00"), connection.execute_wrapper(the_other_lands):
        evaluation = evaluation_submit_audited(
            request,
            actor=None,
            record=record,
            channel="qr",
            secret=record.lookup_secret,
            answers={int(k[1:]): int(v) for k, v in ANSWERS.items()},
            satisfaction="dissatisfied",
        )
    assert landed
    assert evaluation.change_count == 1
    assert Evaluation.objects.get(record=record).satisfaction == "dissatisfied"
    [entry] = _entries()  # the other submission went through the service alone: no entry
    assert (entry.action, entry.object_id, entry.ip) == (
        "evaluation.changed",
        record.code,
        "10.7.7.8",
    )
