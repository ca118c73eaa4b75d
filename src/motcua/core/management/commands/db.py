"""``motcua db grant-runtime [--role ROLE]``: give the runtime role its rights (PostgreSQL).

Connects as the owner (``MIGRATE_DATABASE_URL``, else ``DATABASE_URL``) and grants ``--role``
(default: ``DATABASE_URL``'s user when ``MIGRATE_DATABASE_URL`` names another) SELECT, INSERT,
UPDATE and DELETE on every table, SELECT and INSERT only on the audit log, and the same on the
tables later migrations create (docs/postgresql.md, "Two roles"). ``motcua migrate`` does this
itself after migrating as the owner; run it by hand on a database migrated another way.
Exit codes: 0 granted; 2 nothing to grant to (no role named, SQLite, the owner itself).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from motcua.core import dbroles


class Command(BaseCommand):
    help = "Database roles: `grant-runtime` gives the application's role its rights (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        grant = sub.add_parser(
            "grant-runtime", help="Grant the runtime role its rights on the current schema."
        )
        grant.add_argument(
            "--role", default="", help="The runtime role (default: DATABASE_URL's user)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("database roles exist on PostgreSQL only", returncode=2)
        with dbroles.as_owner() as runtime_role:
            role = options["role"] or runtime_role
            if not role:
                raise CommandError(
                    "name the runtime role: --role, or MIGRATE_DATABASE_URL set to the owner "
                    "and DATABASE_URL to the runtime role",
                    returncode=2,
                )
            try:
                dbroles.grant_runtime(role)
            except (ImproperlyConfigured, DatabaseError) as exc:
                raise CommandError(str(exc).strip(), returncode=2) from exc
        self.stdout.write(f"Runtime role {role}: privileges granted.")
