"""`motcua backup` then `motcua restore` into an empty instance reproduces everything."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from motcua.core.backup import table_counts
from motcua.records.models import Record
from motcua.records.tests.factories import build_world, receive, travel

MOTCUA = str(Path(sys.executable).with_name("motcua"))


def motcua(*args, env):
    drop = {"DATABASE_URL", "MIGRATE_DATABASE_URL", "MOTCUA_MEDIA_ROOT", "MOTCUA_AUDIT_ANCHOR_DIR"}
    full = {k: v for k, v in os.environ.items() if k not in drop}
    # `audit verify` compares with anchors: none of the developer's var/audit-anchors here.
    anchors = Path(env.get("MOTCUA_MEDIA_ROOT", ".")).parent / "anchors"
    full.update(env, DJANGO_SETTINGS_MODULE="motcua.conf.dev", DEBUG="false")
    full.setdefault("MOTCUA_AUDIT_ANCHOR_DIR", str(anchors))
    return subprocess.run([MOTCUA, *args], env=full, capture_output=True, text=True, timeout=300)


def _seed(settings):
    world = build_world()
    with travel("2025-04-21 08:00"):
        codes = [receive(world).code for _ in range(3)]
    scan = Path(settings.MEDIA_ROOT) / "records" / "2025" / "04" / "scan.pdf"
    scan.parent.mkdir(parents=True, exist_ok=True)
    scan.write_bytes(b"%PDF-1.4\n% a scan\n")
    return codes, scan


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite variant; PostgreSQL has its own test below"
)
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_into_an_empty_instance(settings, tmp_path):
    codes, scan = _seed(settings)
    before = table_counts()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), verbosity=0)
    target_db = tmp_path / "restored.sqlite3"
    target_media = tmp_path / "media"
    env = {"DATABASE_URL": f"sqlite:///{target_db}", "MOTCUA_MEDIA_ROOT": str(target_media)}
    result = motcua("restore", str(archive), env=env)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target_db) as db:
        after = {
            table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for (table,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        restored_codes = sorted(row[0] for row in db.execute("SELECT code FROM records_record"))
    assert after == before
    assert restored_codes == sorted(codes)
    assert (target_media / scan.relative_to(settings.MEDIA_ROOT)).read_bytes() == scan.read_bytes()
    verify = motcua("audit", "verify", env=env)
    assert verify.returncode == 0, verify.stderr
    again = motcua("restore", str(archive), env=env)
    assert again.returncode == 2 and "not empty" in again.stderr


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the PostgreSQL variant; SQLite has its own test above",
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_an_empty_instance(settings, tmp_path):
    codes, scan = _seed(settings)
    before = table_counts()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), verbosity=0)
    params = connection.settings_dict
    name = f"{params['NAME']}_restore"[:60]
    admin = psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
        target_media = tmp_path / "media"
        env = {"DATABASE_URL": url, "MOTCUA_MEDIA_ROOT": str(target_media)}
        result = motcua("restore", str(archive), env=env)
        assert result.returncode == 0, result.stderr
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
            tables = [
                r[0]
                for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
            ]
            after = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
            restored_codes = sorted(r[0] for r in db.execute("SELECT code FROM records_record"))
        assert after == before
        assert restored_codes == sorted(codes)
        assert (
            target_media / scan.relative_to(settings.MEDIA_ROOT)
        ).read_bytes() == scan.read_bytes()
        verify = motcua("audit", "verify", env=env)
        assert verify.returncode == 0, verify.stderr
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "x.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a motcua backup"):
        call_command("restore", str(bogus))
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(settings, tmp_path):
    _seed(settings)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    assert Record.objects.count() == 3
