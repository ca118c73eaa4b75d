"""Historical import: line-by-line validation, idempotence, placeholders, the API and the
command, and the round trip import → report with known totals."""

import hashlib
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from motcua.audit.models import AuditEntry
from motcua.catalogue.models import Procedure
from motcua.core.models import User
from motcua.organisations.models import Agency
from motcua.records.models import Record, RecordEvent
from motcua.reporting.legacy_import import import_lines
from motcua.reporting.tests.helpers import totals

pytestmark = pytest.mark.django_db

AGENCY = "000.00.12.H99"
PROCEDURE = "2.000488"


def line(code, channel="direct", received="2025-04-21T08:00:00+07:00", **extra):  # type: ignore[no-untyped-def]
    data = {
        "code": code,
        "procedure_code": PROCEDURE,
        "agency_code": AGENCY,
        "channel": channel,
        "applicant": {"name": "Trần Văn An", "id_number": "001190000001"},
        "received_at": received,
        **extra,
    }
    return json.dumps(data, ensure_ascii=False)


def ev(type_, at, **extra):  # type: ignore[no-untyped-def]
    return {"type": type_, "at": at, **extra}


APRIL = [
    line(
        "L1",
        received="2025-04-03T08:15:00+07:00",
        due_at="2025-04-10T08:15:00+07:00",
        events=[
            ev("result_ready", "2025-04-08T10:00:00+07:00"),
            ev("returned", "2025-04-09T09:00:00+07:00"),
        ],
    ),
    line("L2", channel="online", events=[ev("result_ready", "2025-05-07T07:45:00+07:00")]),
    line(
        "L3",
        channel="postal",
        received="2025-03-25T08:00:00+07:00",
        due_at="2025-04-04T17:00:00+07:00",
        events=[ev("result_ready", "2025-04-07T09:00:00+07:00")],
    ),
    line("L4", events=[ev("supplement_requested", "2025-04-25T10:00:00+07:00")]),
    line("L5", events=[ev("refused", "2025-04-22T09:00:00+07:00")]),
    line("L6", received="2025-04-01T08:00:00+07:00", due_at="2025-04-10T08:00:00+07:00"),
    line(
        "L7",
        received="2025-04-14T08:00:00+07:00",
        events=[ev("stopped", "2025-04-15T08:00:00+07:00")],
    ),
]
BAD = [
    line("B1", agency_code="000.00.77.H99"),
    "{not json",
    line(
        "B3",
        events=[
            ev("result_ready", "2025-04-25T10:00:00+07:00"),
            ev("returned", "2025-04-24T10:00:00+07:00"),
        ],
    ),
    line("B4", received="2025-04-21T08:00:00"),
    line("B5", events=[ev("supplement_received", "2025-04-25T10:00:00+07:00")]),
    line("B6", channel="fax"),
]


def test_round_trip_reproduces_known_totals(world):
    summary = import_lines(APRIL)
    assert summary.as_json() == {"imported": 7, "unchanged": 0, "failed": 0, "errors": []}
    assert totals("2025-04-01", "2025-04-30") == {
        "received_total": 6,
        "received_online": 1,
        "received_direct_postal": 4,
        "carried_over": 1,
        "settled_total": 3,
        "settled_early": 2,
        "settled_on_time": 0,
        "settled_late": 1,
        "in_progress_total": 3,
        "in_progress_on_time": 2,
        "in_progress_overdue": 1,
    }
    may = totals("2025-05-01", "2025-05-31")
    assert may["carried_over"] == 3
    assert (may["settled_on_time"], may["in_progress_on_time"], may["in_progress_overdue"]) == (
        1,
        1,  # L4 is still paused: judged at the pause, before its due instant
        1,
    )
    l2 = Record.objects.get(code="L2")
    assert [e.kind for e in l2.events.order_by("at")] == ["record.received", "record.result_ready"]
    assert l2.timeliness == "on_time"
    assert Record.objects.get(external_code="L5").received_at is None


def test_bad_lines_are_reported_and_do_not_stop_the_others(world):
    summary = import_lines([APRIL[0], *BAD, APRIL[1]])
    assert summary.imported == 2 and summary.failed == len(BAD)
    assert [e["line"] for e in summary.errors] == [2, 3, 4, 5, 6, 7]
    reasons = " ".join(e["reason"] for e in summary.errors)
    assert "000.00.77.H99" in reasons
    assert not Record.objects.filter(external_code__startswith="B").exists()


def test_importing_twice_changes_nothing(world):
    import_lines(APRIL)
    counts = (Record.objects.count(), RecordEvent.objects.count())
    again = import_lines(APRIL)
    assert again.as_json() == {"imported": 0, "unchanged": 7, "failed": 0, "errors": []}
    assert (Record.objects.count(), RecordEvent.objects.count()) == counts
    changed = import_lines([line("L6", received="2025-04-02T08:00:00+07:00")])
    assert changed.failed == 1 and "L6" in changed.errors[0]["reason"]


def test_duplicate_code_in_one_file(world):
    summary = import_lines([APRIL[0], APRIL[0]])
    assert (summary.imported, summary.failed) == (1, 1)


def test_create_missing_makes_flagged_placeholders(world):
    data = line(
        "P1",
        procedure_code="9.999999",
        agency_code="000.00.88.H99",
        due_at="2025-04-25T17:00:00+07:00",
    )
    assert import_lines([data]).failed == 1
    summary = import_lines([data], create_missing=True)
    assert summary.imported == 1
    assert Agency.objects.get(code="000.00.88.H99").name.startswith("[Cần rà soát]")
    assert Procedure.objects.get(code="9.999999").name.startswith("[Cần rà soát]")
    no_due = line("P2", procedure_code="9.999999", agency_code="000.00.88.H99")
    assert "due_at" in import_lines([no_due], create_missing=True).errors[0]["reason"]


def test_command_prints_the_summary(world, tmp_path, capsys):
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join([*APRIL, BAD[0]]) + "\n", encoding="utf-8")
    call_command("import-records", str(path), "--user", "admin")
    summary = json.loads(capsys.readouterr().out)
    assert (summary["imported"], summary["unchanged"], summary["failed"]) == (7, 0, 1)
    assert summary["errors"][0]["line"] == 8


def test_api_imports_json_lines(world):
    client = APIClient()
    client.force_authenticate(world.admin)
    body = "\n".join(APRIL[:2])
    response = client.post(
        "/api/v1/imports/records", data=body, content_type="application/x-ndjson"
    )
    assert response.status_code == 200
    assert response.json()["imported"] == 2
    empty = client.post("/api/v1/imports/records", data="", content_type="application/x-ndjson")
    assert empty.status_code == 400
    officer = APIClient()
    officer.force_authenticate(world.leader)
    assert (
        officer.post(
            "/api/v1/imports/records", data=body, content_type="application/x-ndjson"
        ).status_code
        == 403
    )


# ---- superusers only, and audited (issue 13, item 2) ------------------------------------------
def _sysadmin():  # type: ignore[no-untyped-def]
    """A system administrator: staff, every permission of the admin, but not a superuser."""
    from django.contrib.auth.models import Permission

    user = User.objects.create_user(username="sysadmin", password="x-sysadmin", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return user


UNKNOWN_CODES = line(
    "P9",
    procedure_code="9.999998",
    agency_code="000.00.89.H99",
    due_at="2025-04-25T17:00:00+07:00",
)


def test_api_refuses_a_system_administrator_with_create_missing(world):
    client = APIClient()
    client.force_authenticate(_sysadmin())
    body = "\n".join([*APRIL[:2], UNKNOWN_CODES])
    response = client.post(
        "/api/v1/imports/records?create_missing=true",
        data=body,
        content_type="application/x-ndjson",
    )
    assert response.status_code == 403
    assert not Record.objects.filter(source="import").exists()
    assert not Agency.objects.filter(code="000.00.89.H99").exists()
    assert not Procedure.objects.filter(code="9.999998").exists()
    assert not AuditEntry.objects.filter(action="import.records").exists()


def test_api_import_is_audited_with_who_hash_and_counts(world):
    client = APIClient()
    client.force_authenticate(world.admin)
    body = "\n".join([*APRIL[:2], BAD[1], UNKNOWN_CODES])
    response = client.post(
        "/api/v1/imports/records?create_missing=1",
        data=body,
        content_type="application/x-ndjson",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="import.records")
    assert (entry.actor_id, entry.actor_label, entry.ip) == (world.admin.pk, "admin", "10.1.2.3")
    assert entry.detail["sha256"] == hashlib.sha256(body.encode("utf-8")).hexdigest()
    assert entry.detail["via"] == "api" and entry.detail["create_missing"] is True
    assert (entry.detail["imported"], entry.detail["failed"], entry.detail["lines"]) == (3, 1, 4)
    assert entry.detail["created_agencies"] == ["000.00.89.H99"]
    assert entry.detail["created_procedures"] == ["9.999998"]


def test_command_runs_only_as_a_named_superuser_and_is_audited(world, tmp_path, capsys):
    _sysadmin()
    path = tmp_path / "records.jsonl"
    content = ("\n".join([*APRIL[:3], UNKNOWN_CODES]) + "\n").encode("utf-8")
    path.write_bytes(content)
    for username in ("sysadmin", "nobody", "reception"):
        with pytest.raises(CommandError) as refused:
            call_command("import-records", str(path), "--create-missing", "--user", username)
        assert refused.value.returncode == 2
    with pytest.raises(CommandError):  # no --user at all: argparse refuses
        call_command("import-records", str(path))
    assert not Record.objects.filter(source="import").exists()
    assert not Agency.objects.filter(code="000.00.89.H99").exists()
    assert not AuditEntry.objects.filter(action="import.records").exists()
    world.admin.is_active = False
    world.admin.save(update_fields=["is_active"])
    with pytest.raises(CommandError):
        call_command("import-records", str(path), "--user", "admin")
    world.admin.is_active = True
    world.admin.save(update_fields=["is_active"])
    call_command("import-records", str(path), "--create-missing", "--user", "admin")
    assert json.loads(capsys.readouterr().out)["imported"] == 4
    entry = AuditEntry.objects.get(action="import.records")
    assert entry.actor_id == world.admin.pk
    assert entry.detail["sha256"] == hashlib.sha256(content).hexdigest()
    assert (entry.detail["via"], entry.detail["bytes"], entry.detail["imported"]) == (
        "command",
        len(content),
        4,
    )


def test_a_failed_import_is_audited_too(world):
    from motcua.reporting.legacy_import import records_import

    with pytest.raises(UnicodeError):  # any error inside the import: audited, then raised
        records_import(
            actor=world.admin,
            content=b'{"code": "X"}',
            via="test",
            progress=lambda number: (_ for _ in ()).throw(UnicodeError("boom")),
        )
    entry = AuditEntry.objects.get(action="import.records")
    assert entry.detail["aborted"] == "UnicodeError"


def test_api_import_of_a_body_that_is_not_utf8_is_a_400(world):
    """Found by fuzzing: the JSON Lines parser decoded the body without a guard (a 500)."""
    client = APIClient()
    client.force_authenticate(world.admin)
    response = client.post(
        "/api/v1/imports/records", data=b"\xa8\xff{}", content_type="application/x-ndjson"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert Record.objects.count() == 0


# ---- batches (lines are written a batch at a time: COPY on PostgreSQL, bulk_create elsewhere)
def test_round_trip_is_the_same_in_small_batches(world):
    summary = import_lines(APRIL, batch_size=2)
    assert (summary.imported, summary.failed) == (7, 0)
    assert totals("2025-04-01", "2025-04-30")["received_total"] == 6
    assert totals("2025-04-01", "2025-04-30")["in_progress_overdue"] == 1
    l4 = Record.objects.get(code="L4")
    assert (l4.status, l4.supplement_count, l4.source) == ("supplement_requested", 1, "import")
    assert l4.paused_at is not None and l4.lookup_secret and l4.due_explanation == []
    assert [e.payload for e in l4.events.order_by("at")][0] == {
        "imported": True,
        "channel": "direct",
    }


def test_database_refusal_in_the_middle_of_a_batch_fails_only_that_line(world):
    # A record imported earlier under another external code holds the code "L9": the line
    # passes validation but the database refuses its code, so its batch is written line by line.
    import_lines([line("L9")])
    Record.objects.filter(code="L9").update(external_code="OTHER-9")
    lines = [APRIL[0], APRIL[1], line("L9"), APRIL[5], APRIL[6]]
    summary = import_lines(lines, batch_size=10)
    assert (summary.imported, summary.unchanged, summary.failed) == (4, 0, 1)
    assert summary.errors[0]["line"] == 3
    assert set(Record.objects.filter(source="import").values_list("code", flat=True)) == {
        "L1",
        "L2",
        "L6",
        "L7",
        "L9",
    }
    assert RecordEvent.objects.filter(record__code="L9").count() == 1


def test_duplicate_code_across_batches_and_bad_lines_between(world):
    lines = [APRIL[0], BAD[1], APRIL[1], APRIL[2], APRIL[0], BAD[0], APRIL[3]]
    summary = import_lines(lines, batch_size=2)
    assert (summary.imported, summary.failed) == (4, 3)
    assert [e["line"] for e in summary.errors] == [2, 5, 6]
    assert "L1" in summary.errors[1]["reason"]  # appears twice


def test_same_file_twice_in_batches_changes_nothing(world):
    lines = [*APRIL, *BAD]
    first = import_lines(lines, batch_size=3)
    counts = (Record.objects.count(), RecordEvent.objects.count())
    again = import_lines(lines, batch_size=3)
    assert (first.imported, first.failed) == (7, len(BAD))
    assert (again.imported, again.unchanged, again.failed) == (0, 7, len(BAD))
    assert (Record.objects.count(), RecordEvent.objects.count()) == counts


# ---- the writer thread (PostgreSQL outside a transaction: a file of more than one batch is
# written on a thread of its own, with its own connection, while the next batch is prepared)
@pytest.mark.django_db(transaction=True)
def test_pipelined_import_keeps_batches_errors_and_idempotence(world):
    old = line(  # returned in 2024: not in the April 2025 totals below
        "L9",
        received="2024-01-10T08:00:00+07:00",
        due_at="2024-01-17T08:00:00+07:00",
        events=[ev("returned", "2024-01-12T08:00:00+07:00")],
    )
    import_lines([old])  # one batch: written in the caller's thread
    Record.objects.filter(code="L9").update(external_code="OTHER-9")
    lines = [*APRIL, *BAD, old, APRIL[0]]
    writer_seen = []

    def progress(number):  # type: ignore[no-untyped-def]
        writer_seen.append(any(t.name == "import-writer" for t in threading.enumerate()))

    first = import_lines(lines, batch_size=2, progress=progress)
    assert (first.imported, first.unchanged, first.failed) == (7, 0, len(BAD) + 2)
    assert [e["line"] for e in first.errors] == list(range(8, 16))
    assert "L1" in first.errors[-1]["reason"]  # line 14 (L9) is refused by the database
    assert any(writer_seen) == (connection.vendor == "postgresql")
    assert not any(t.name == "import-writer" for t in threading.enumerate())
    april = totals("2025-04-01", "2025-04-30")
    assert (april["received_total"], april["settled_late"], april["in_progress_overdue"]) == (
        6,
        1,
        1,
    )
    counts = (Record.objects.count(), RecordEvent.objects.count())
    again = import_lines(lines, batch_size=2)
    assert (again.imported, again.unchanged, again.failed) == (0, 7, len(BAD) + 2)
    assert (Record.objects.count(), RecordEvent.objects.count()) == counts
