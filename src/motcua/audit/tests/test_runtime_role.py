"""PostgreSQL: the application's runtime role cannot rewrite, empty or unprotect the audit log.

Connected as the runtime role `motcua_app` (tools/ensure-postgres creates it; `motcua db
grant-runtime` gives it its rights), every way of removing evidence is refused by the database:
TRUNCATE, DELETE, UPDATE, ALTER TABLE ... DISABLE TRIGGER, DROP, setval on the key sequence,
deleting the chain head. The application itself still works as that role (intake, audit,
verify, anchor), `motcua migrate` switches to the owner (MIGRATE_DATABASE_URL) and grants again,
and the system check warns when the application's role owns the audit table.
"""

from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from motcua.audit.models import AuditEntry
from motcua.audit.selectors import audit_verify
from motcua.audit.services import audit_log
from motcua.core import dbroles
from motcua.core.checks import runtime_role_check

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="database roles: needs PostgreSQL (DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db(transaction=True),
]

RUNTIME_ROLE = "motcua_app"
RUNTIME_PASSWORD = "motcua_app"

REFUSED = {
    "TRUNCATE": "TRUNCATE audit_auditentry",
    "TRUNCATE CASCADE": "TRUNCATE audit_auditentry, audit_audithead CASCADE",
    "DELETE": "DELETE FROM audit_auditentry",
    "UPDATE": "UPDATE audit_auditentry SET action = 'x'",
    "DISABLE TRIGGER": "ALTER TABLE audit_auditentry DISABLE TRIGGER USER",
    "DROP TRIGGER": "DROP TRIGGER audit_auditentry_append_only ON audit_auditentry",
    "DROP TABLE": "DROP TABLE audit_auditentry",
    "RENAME": "ALTER TABLE audit_auditentry RENAME TO audit_old",
    "CREATE TRIGGER": (
        "CREATE TRIGGER t BEFORE INSERT ON audit_auditentry "
        "FOR EACH ROW EXECUTE FUNCTION motcua_audit_append_only()"
    ),
    "setval": "SELECT setval('audit_auditentry_id_seq', 1)",
    "DELETE head": "DELETE FROM audit_audithead",
    "TRUNCATE head": "TRUNCATE audit_audithead",
    "DISABLE TRIGGER head": "ALTER TABLE audit_audithead DISABLE TRIGGER ALL",
    "fake migration": "INSERT INTO django_migrations (app, name, applied) VALUES ('a', 'b', now())",
}


def owner_url():
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"


def runtime_connect():
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        dbname=db["NAME"],
        user=RUNTIME_ROLE,
        password=RUNTIME_PASSWORD,
        autocommit=True,
    )


@contextmanager
def as_runtime_role():
    """The application's own connection, logged in as the runtime role for the block."""
    default = connections["default"]
    saved = default.settings_dict["USER"], default.settings_dict["PASSWORD"]
    default.close()
    default.settings_dict.update(USER=RUNTIME_ROLE, PASSWORD=RUNTIME_PASSWORD)
    try:
        yield
    finally:
        default.close()
        default.settings_dict.update(USER=saved[0], PASSWORD=saved[1])


@pytest.fixture
def runtime_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [RUNTIME_ROLE])
        if cursor.fetchone() is None:
            pytest.fail(f"the role {RUNTIME_ROLE} does not exist: run tools/ensure-postgres")
    call_command("db", "grant-runtime", "--role", RUNTIME_ROLE, verbosity=0)
    for n in range(3):
        audit_log(actor=None, action="test.runtime", object_id=str(n))
    return RUNTIME_ROLE


@pytest.mark.parametrize("attack", sorted(REFUSED))
def test_the_runtime_role_cannot_remove_evidence(runtime_role, attack):
    before = list(AuditEntry.objects.order_by("id").values_list("id", "hash"))
    with runtime_connect() as db, pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute(REFUSED[attack])
    assert list(AuditEntry.objects.order_by("id").values_list("id", "hash")) == before
    assert audit_verify()[1] == []


def test_the_runtime_role_can_read_and_append(runtime_role):
    with runtime_connect() as db:
        assert db.execute("SELECT count(*) FROM audit_auditentry").fetchone()[0] == 3
        with db.transaction():
            # What audit_log does on PostgreSQL: lock the head and move it.
            db.execute("SELECT last_id FROM audit_audithead WHERE id = 1 FOR UPDATE")


def test_the_application_works_as_the_runtime_role(runtime_role, settings, tmp_path):
    """Intake of a record (every table it writes), the audit entries it chains, verify, anchor
    and a backup (pg_dump reads every table and sequence): all as the runtime role."""
    from motcua.records.tests.factories import build_world, receive, travel

    settings.MOTCUA_AUDIT_ANCHOR_DIR = tmp_path
    settings.MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL = ""
    with as_runtime_role():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == RUNTIME_ROLE
        world = build_world()
        with travel("2025-04-21 08:00"):
            record = receive(world)
        assert AuditEntry.objects.filter(object_id=record.code).exists()
        call_command("audit", "anchor", verbosity=0)
        call_command("audit", "verify", verbosity=0)
        assert runtime_role_check(databases=["default"]) == []
        call_command("backup", "--output", str(tmp_path / "backup.tar.gz"), verbosity=0)


def test_the_check_warns_when_the_application_role_owns_the_audit_table(runtime_role):
    """The test connection is the owner: exactly what the check is for."""
    warnings = runtime_role_check(databases=["default"])
    assert [w.id for w in warnings] == ["motcua.W001"]
    assert f"{connection.settings_dict['USER']} owns audit_auditentry" in warnings[0].msg
    assert runtime_role_check(databases=None) == []  # not asked for the database: no query


def test_the_check_warns_when_the_runtime_role_was_given_too_much(runtime_role):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE, DELETE ON audit_auditentry TO {RUNTIME_ROLE}")
    with as_runtime_role():
        problems = dbroles.privilege_problems()
    assert problems == [
        f"the database role {RUNTIME_ROLE} may DELETE audit_auditentry",
        f"the database role {RUNTIME_ROLE} may TRUNCATE audit_auditentry",
    ]
    call_command("db", "grant-runtime", "--role", RUNTIME_ROLE, verbosity=0)  # narrows again
    with as_runtime_role():
        assert dbroles.privilege_problems() == []


def test_migrate_runs_as_the_owner_and_grants_the_runtime_role(runtime_role, settings):
    """DATABASE_URL = the runtime role, MIGRATE_DATABASE_URL = the owner: `motcua migrate`
    connects as the owner (the runtime role could not create a table), then grants again."""
    with connection.cursor() as cursor:
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {RUNTIME_ROLE}")
    settings.MIGRATE_DATABASE_URL = owner_url()
    with as_runtime_role():
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == RUNTIME_ROLE  # back to the runtime role afterwards
        assert dbroles.privilege_problems() == []
        audit_log(actor=None, action="test.after_migrate")
        assert audit_verify()[1] == []
    with runtime_connect() as db, pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute("TRUNCATE audit_auditentry")


def test_grant_runtime_refuses_what_it_cannot_do(runtime_role):
    for args, message in (
        ((), "name the runtime role"),
        (("--role", "no_such_role_for_motcua"), "does not exist"),
        (("--role", connection.settings_dict["USER"]), "the runtime role must be another one"),
    ):
        with pytest.raises(CommandError, match=message) as caught:
            call_command("db", "grant-runtime", *args)
        assert caught.value.returncode == 2


@pytest.mark.parametrize("grantee", [RUNTIME_ROLE, "PUBLIC"])
def test_the_check_warns_when_the_runtime_role_may_create_in_the_schema(runtime_role, grantee):
    """CVE-2018-1058: a runtime role that may CREATE in the schema can plant a function named
    like one the owner's migrations call (found first on the search path). PostgreSQL 14 and
    older grant CREATE on public to PUBLIC unless the docs' REVOKE was run; `grant-runtime`
    revokes it (the migrating role owns the schema here, as the database's owner)."""
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT CREATE ON SCHEMA public TO {grantee}")
    try:
        with as_runtime_role():
            problems = dbroles.privilege_problems()
            warnings = runtime_role_check(databases=["default"])
        assert problems == [f"the database role {RUNTIME_ROLE} may CREATE in the schema public"]
        assert [w.id for w in warnings] == ["motcua.W001"]
        call_command("db", "grant-runtime", "--role", RUNTIME_ROLE, verbosity=0)
        with as_runtime_role():
            assert dbroles.privilege_problems() == []
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE CREATE ON SCHEMA public FROM {grantee}")
