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
