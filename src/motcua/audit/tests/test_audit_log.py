"""The audit log: what it records, and that verification detects tampering."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from motcua.audit.models import AuditEntry, AuditHead
from motcua.audit.selectors import audit_verify
from motcua.audit.services import audit_log
from motcua.core.models import User
from motcua.records import services
from motcua.records.tests.factories import receive, travel


def tamper(sql, params):
    """Edit the table behind the model's back (what an attacker with SQL access would do)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")


@pytest.fixture
def three_entries(db):
    user = User.objects.create_user(username="officer", password="x-officer-pass")
    for n in range(3):
        audit_log(
            actor=user,
            action="test.action",
            object_type="test",
            object_id=str(n),
            detail={"n": n, "ý": "ư"},
        )
    return list(AuditEntry.objects.filter(action="test.action").order_by("id"))


def test_an_intact_chain_verifies(three_entries):
    checked, problems = audit_verify()
    assert checked == AuditEntry.objects.count() >= 3
    assert problems == []
    call_command("audit", "verify")


def test_an_edited_entry_is_detected(three_entries):
    tamper("UPDATE audit_auditentry SET object_id = %s WHERE id = %s", ["999", three_entries[1].pk])
    _checked, problems = audit_verify()
    assert any(p.entry_id == three_entries[1].pk and "edited" in p.message for p in problems)
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_a_removed_entry_is_detected(three_entries):
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [three_entries[1].pk])
    _checked, problems = audit_verify()
    assert any(p.entry_id == three_entries[2].pk for p in problems)


def test_a_removed_last_entry_is_detected(three_entries):
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [three_entries[2].pk])
    _checked, problems = audit_verify()
    assert any(p.entry_id is None and "removed at the end" in p.message for p in problems)


def test_reordered_entries_are_detected(three_entries):
    first, second = three_entries[0], three_entries[1]
    tamper(
        "UPDATE audit_auditentry SET id = %s WHERE id = %s",
        [10_000_000, first.pk],
    )
    tamper("UPDATE audit_auditentry SET id = %s WHERE id = %s", [first.pk, second.pk])
    tamper("UPDATE audit_auditentry SET id = %s WHERE id = %s", [second.pk, 10_000_000])
    _checked, problems = audit_verify()
    assert problems


def test_the_model_refuses_edits_and_deletes(three_entries):
    entry = three_entries[0]
    entry.action = "changed"
    with pytest.raises(Exception, match="append-only"):
        entry.save()
    with pytest.raises(Exception, match="append-only"):
        entry.delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_update_and_delete(three_entries):
    for sql in ("UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


def test_logins_failed_logins_and_record_moves_are_recorded(world, client):
    client.post("/accounts/login/", {"username": "reception", "password": "wrong"})
    client.post("/accounts/login/", {"username": "reception", "password": "x-reception"})
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
    actions = list(
        AuditEntry.objects.order_by("id").values_list("action", "actor_label", "object_id")
    )
    assert ("auth.login_failed", "", "reception") in actions
    assert ("auth.login", "reception", str(world.reception.pk)) in actions
    assert ("record.received", "reception", record.code) in actions
    assert ("record.claimed", "specialist", record.code) in actions
    assert audit_verify()[1] == []


def test_role_changes_are_recorded(world):
    from motcua.organisations.models import Role, StaffRole

    before = AuditEntry.objects.filter(action__startswith="config.").count()
    role = StaffRole.objects.create(
        user=world.specialist, agency=world.police, role=Role.SPECIALIST
    )
    role.delete()
    actions = list(
        AuditEntry.objects.filter(action__startswith="config.").values_list("action", flat=True)
    )
    assert actions[before:] == ["config.created", "config.deleted"]
    assert AuditHead.objects.get().last_id == AuditEntry.objects.order_by("-id").first().pk


def test_views_of_personal_data_and_exports_are_recorded(world, client):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    client.force_login(world.reception)
    assert client.get(f"/records/{record.code}/").status_code == 200
    assert client.get(f"/api/v1/records/{record.code}/").status_code == 200
    assert client.get(f"/records/{record.code}/receipt.pdf").status_code == 200
    rows = list(
        AuditEntry.objects.filter(actor_label="reception").values_list(
            "action", "object_id", "detail"
        )
    )
    assert ("personal_data.viewed", record.code, {"via": "page", "full": True}) in rows
    assert ("personal_data.viewed", record.code, {"via": "api", "full": True}) in rows
    assert any(action == "export.document" for action, _obj, _detail in rows)


def test_the_database_hash_is_the_python_hash(three_entries):
    """On PostgreSQL the entry's hash is computed by the statement that chains it; it must be
    the hash ``audit verify`` recomputes (non-ASCII text, nested details, no actor)."""
    entry = audit_log(
        actor=None,
        action="test.unicode",
        object_type="test",
        object_id="Hồ sơ 1",
        detail={"tên": "Nguyễn Thị Ánh", "list": [1, "ư", {"b": 2, "a": None}], "q": 'a"b\\c'},
        ip="127.0.0.1",
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.hash == entry.hash and stored.prev_hash == entry.prev_hash
    assert entry.prev_hash == three_entries[-1].hash
    assert audit_verify()[1] == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_writers_keep_one_chain():
    """Writers that block on the chain head chain to the entry written before them: the chain
    verifies, in key order, after many simultaneous appends."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    audit_log(actor=None, action="test.concurrent", object_id=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    checked, problems = audit_verify()
    assert checked == AuditEntry.objects.count() >= 60
    assert problems == []
    assert AuditHead.objects.get().last_id == AuditEntry.objects.order_by("-id").first().pk
