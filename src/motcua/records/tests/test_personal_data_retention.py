"""``motcua purge-personal-data``: applicants of records closed before the retention period are
anonymised, their scans deleted, statistics untouched; open records never; idempotent; dry-run
changes nothing; one audit entry per run."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from motcua.apiaccess.models import ApiCall
from motcua.audit.models import AuditEntry
from motcua.evaluation.models import Evaluation
from motcua.evaluation.tests.factories import evaluate, finished_record
from motcua.records import services
from motcua.records.models import DeskSlip, Record, RecordComponent
from motcua.records.services.retention import PURGED_NAME
from motcua.records.tests.factories import applicant, at, receive, travel
from motcua.reporting.tests.helpers import report


@pytest.fixture(autouse=True)
def _english():
    """The messages are compared in English (the default language is Vietnamese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


LATER = "2035-06-01 08:00"  # the default 10 years after April 2025, plus a little


@pytest.fixture
def held(world):  # type: ignore[no-untyped-def]
    returned = finished_record(
        world,
        applicant=applicant(
            representative_name="Trần Đại Diện",
            representative_id_number="001088077777",
            representative_phone="0987000111",
        ),
    )
    evaluate(returned, comment="Cán bộ Nguyễn Văn A rất nhiệt tình, gọi 0912345678")
    scan = returned.components.first()
    scan.file.save("scan.pdf", ContentFile(b"%PDF-1.4 scan"), save=True)
    waiting = finished_record(world, returned=None)  # result ready, not collected
    with travel("2025-04-21 10:00"):
        stopped = receive(world)
        stopped = services.record_stop(
            actor=world.leader, record=stopped, reason="Không thuộc thẩm quyền"
        )
        open_ = receive(world)
        slip = services.desk_slip_issue(
            actor=world.reception,
            agency=world.justice,
            procedure=world.pause_procedure,
            kind="guidance",
            applicant=applicant(),
            reason="Thiếu tờ khai",
            items=[{"name": "Tờ khai"}],
        )
    ApiCall.objects.create(
        at=at("2025-04-21 10:00"),
        endpoint="/api/v1/records/",
        method="GET",
        status=200,
        duration_ms=5,
    )
    return {
        "returned": returned,
        "waiting": waiting,
        "stopped": stopped,
        "open": open_,
        "slip": slip,
        "scan": scan,
    }


def purge(*args: str) -> dict:  # type: ignore[type-arg]
    out = io.StringIO()
    with travel(LATER):
        call_command("purge-personal-data", *args, stdout=out)
    return json.loads(out.getvalue())


def snapshot() -> dict:  # type: ignore[type-arg]
    return {
        record.pk: (record.applicant_name, record.applicant_id_number, record.applicant_phone)
        for record in Record.objects.all()
    }


def _report():  # type: ignore[no-untyped-def]
    with travel(LATER):
        result = report("2025-04-01", "2025-04-30")
        by_procedure = report("2025-04-01", "2025-04-30", group_by="procedure")
    return result.rows, result.totals, by_procedure.rows


EXPECTED = {
    "records": 2,
    "scans": 1,
    "desk_slips": 1,
    "evaluation_comments": 1,
    "api_calls": 1,
    "idempotency_keys": 0,
}


def test_a_dry_run_counts_and_changes_nothing(held):
    before = snapshot()
    audit = AuditEntry.objects.count()
    summary = purge("--dry-run")
    assert summary["dry_run"] is True
    assert {k: summary[k] for k in EXPECTED} == EXPECTED
    assert snapshot() == before
    held["scan"].refresh_from_db()
    assert held["scan"].file.storage.exists(held["scan"].file.name)
    assert DeskSlip.objects.get().applicant_name == "Nguyễn Thị Hồng Nhung"
    assert ApiCall.objects.count() == 1
    assert AuditEntry.objects.count() == audit


def test_the_purge_anonymises_closed_records_and_keeps_the_statistics(
    held, django_capture_on_commit_callbacks
):
    rows, totals, by_procedure = _report()
    scan_name = held["scan"].file.name
    storage = held["scan"].file.storage
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        summary = purge()
    assert {k: summary[k] for k in EXPECTED} == EXPECTED

    for key in ("returned", "stopped"):
        record = Record.objects.get(pk=held[key].pk)
        assert record.applicant_name == PURGED_NAME
        assert (
            record.applicant_id_number,
            record.applicant_phone,
            record.applicant_email,
            record.applicant_address,
            record.representative_name,
            record.representative_id_number,
            record.representative_phone,
            record.subject,
        ) == ("",) * 8
        # what the reports read is untouched
        assert (record.status, record.received_at, record.finished_at, record.timeliness) == (
            held[key].status,
            held[key].received_at,
            held[key].finished_at,
            held[key].timeliness,
        )
    for key in ("open", "waiting"):  # never an open record or a result still to collect
        assert Record.objects.get(pk=held[key].pk).applicant_id_number == "001190012345"
    assert not storage.exists(scan_name)
    assert RecordComponent.objects.get(pk=held["scan"].pk).file.name == ""
    assert DeskSlip.objects.get().applicant_name == PURGED_NAME
    assert DeskSlip.objects.get().applicant_id_number == ""
    assert Evaluation.objects.get(record=held["returned"]).comment == ""
    assert ApiCall.objects.count() == 0
    assert _report() == (rows, totals, by_procedure)

    entry = AuditEntry.objects.get(action="personal_data.purged")
    assert entry.actor_id is None
    assert entry.detail["records"] == 2
    assert entry.detail["dry_run"] is False

    again = purge()  # idempotent: nothing left to do
    assert {k: again[k] for k in EXPECTED} == dict.fromkeys(EXPECTED, 0)
    assert AuditEntry.objects.filter(action="personal_data.purged").count() == 2
    assert _report() == (rows, totals, by_procedure)


def test_nothing_is_purged_within_the_retention_period(held):
    before = snapshot()
    out = io.StringIO()
    with travel("2030-01-01 08:00"):
        call_command("purge-personal-data", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["records"] == summary["scans"] == summary["desk_slips"] == 0
    assert snapshot() == before


def test_before_narrows_the_purge_and_may_not_reach_into_the_retention_period(held):
    summary = purge("--before", "2025-04-22")  # only what closed before 22 April
    assert summary["records"] == 1  # the stopped record (21 April); the other returned on 24th
    assert Record.objects.get(pk=held["stopped"].pk).applicant_name == PURGED_NAME
    assert Record.objects.get(pk=held["returned"].pk).applicant_name != PURGED_NAME
    with pytest.raises(CommandError) as caught:
        purge("--before", "2030-01-01")
    assert caught.value.returncode == 2
    assert "retention period" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        purge("--before", "yesterday")
    assert caught.value.returncode == 2


def test_a_retention_setting_below_one_is_refused(held, settings):
    settings.MOTCUA_RETENTION_RECORD_YEARS = 0
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        purge()
    assert "MOTCUA_RETENTION_RECORD_YEARS" in str(caught.value)
    assert snapshot() == before
