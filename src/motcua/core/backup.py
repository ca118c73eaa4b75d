"""Backups: the database and the uploaded files in one archive, restorable into an empty instance.

- SQLite: an online copy through SQLite's backup API (consistent while the site runs).
- PostgreSQL: ``pg_dump --format=custom`` (consistent snapshot), restored with ``pg_restore``.
- Files: everything under MEDIA_ROOT (local storage). Files kept in S3-compatible storage are
  backed up by that storage's own versioning/replication (docs/backups.md).

The archive is a .tar.gz holding ``manifest.json``, ``database.sqlite3`` or ``database.pgdump``
and ``media/``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from motcua import __version__


class BackupError(Exception):
    """A backup or restore could not be done; the message says why."""


@dataclass(frozen=True)
class Summary:
    path: Path
    vendor: str
    tables: dict[str, int]
    files: int


def _tool(name: str) -> str:
    """Absolute path of a PostgreSQL client program (pg_dump, pg_restore)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _pg_env(params: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["-h", str(params.get("HOST") or "127.0.0.1"), "-p", str(params.get("PORT") or 5432)]
    if params.get("USER"):
        args += ["-U", str(params["USER"])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def table_counts() -> dict[str, int]:
    """Rows per table of the current database (what a restore must reproduce)."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def backup(output: Path) -> Summary:
    output = Path(output)
    vendor = connection.vendor
    media = Path(settings.MEDIA_ROOT)
    if connection.in_atomic_block:
        raise BackupError("a backup must run outside a database transaction")
    with tempfile.TemporaryDirectory(prefix="motcua-backup-") as tmp:
        work = Path(tmp)
        if vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(work / "database.sqlite3")
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            dump_name = "database.sqlite3"
        elif vendor == "postgresql":
            params = connection.settings_dict
            args, env = _pg_env(params)
            dump_name = "database.pgdump"
            result = subprocess.run(  # noqa: S603 - fixed program, argument list, no shell
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    *args,
                    "-f",
                    str(work / dump_name),
                    params["NAME"],
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise BackupError(f"backups are not supported on {vendor}")
        counts = table_counts()
        files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        manifest = {
            "motcua": __version__,
            "django": django.get_version(),
            "vendor": vendor,
            "created_at": timezone.now().isoformat(),
            "database": dump_name,
            "tables": counts,
            "files": len(files),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(work / dump_name, arcname=dump_name)
            for path in files:
                archive.add(path, arcname=str(Path("media") / path.relative_to(media)))
        partial.replace(output)
    return Summary(output, vendor, counts, len(files))


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"refusing a suspicious archive entry: {member.name}")
        members.append(member)
    return members


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(archive_path: Path, *, force: bool = False) -> Summary:
    """Restore into the configured (empty) database and MEDIA_ROOT."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"no such backup file: {archive_path}")
    media = Path(settings.MEDIA_ROOT)
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(prefix="motcua-restore-") as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(work, members=_safe_members(archive))  # noqa: S202 - members checked
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"not a motcua backup archive: {exc}") from exc
        try:
            manifest = json.loads((work / "manifest.json").read_text())
        except (OSError, ValueError) as exc:
            raise BackupError("the archive has no readable manifest.json") from exc
        if manifest.get("vendor") != vendor:
            raise BackupError(
                f"this backup is of a {manifest.get('vendor')} database; the configured database is {vendor}"
            )
        if not force and not _database_is_empty():
            raise BackupError("the target database is not empty (use --force to overwrite it)")
        if not force and media.exists() and any(media.iterdir()):
            raise BackupError(f"the media directory {media} is not empty (use --force)")
        dump = work / manifest["database"]
        if vendor == "sqlite":
            name = str(connection.settings_dict["NAME"])
            connections.close_all()
            source = sqlite3.connect(dump)
            target = sqlite3.connect(name)
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            params = connection.settings_dict
            connections.close_all()
            args, env = _pg_env(params)
            result = subprocess.run(  # noqa: S603 - fixed program, argument list, no shell
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    *args,
                    "-d",
                    params["NAME"],
                    str(dump),
                ]
                + (["--clean", "--if-exists"] if force else []),
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        restored_media = work / "media"
        if restored_media.exists():
            media.mkdir(parents=True, exist_ok=True)
            shutil.copytree(restored_media, media, dirs_exist_ok=True)
    counts = table_counts()
    expected = manifest["tables"]
    if counts != expected:
        different = sorted(
            t for t in set(counts) | set(expected) if counts.get(t) != expected.get(t)
        )
        raise BackupError(
            f"restored row counts differ from the backup's manifest: {', '.join(different)}"
        )
    return Summary(archive_path, vendor, counts, int(manifest.get("files", 0)))
