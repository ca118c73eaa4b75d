"""System checks of the deployment that need the database (``motcua check --database default``,
and every ``motcua migrate``)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from motcua.core import dbroles


@register(Tags.database)
def runtime_role_check(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Warning]:
    """motcua.W001: the application's database role can rewrite the audit log (it owns the
    table, is a superuser or holds UPDATE/DELETE/TRUNCATE/TRIGGER on it), or create objects in
    the schema that the owner's migrations could run (CVE-2018-1058)."""
    if not databases or "default" not in databases or dbroles.running_as_owner():
        return []
    try:
        problems = dbroles.privilege_problems("default")
    except DatabaseError:  # the database is down or not migrated: other checks say so
        return []
    if not problems:
        return []
    return [
        Warning(
            "The application's database role can rewrite or empty the audit log, or plant "
            "objects in its schema: " + "; ".join(problems) + ".",
            hint=(
                "Run the application as a runtime role that does not own the tables: set "
                "MIGRATE_DATABASE_URL to the owner and DATABASE_URL to the runtime role, then "
                "run `motcua migrate` (docs/postgresql.md, Two roles). If only CREATE is reported, "
                "run `REVOKE CREATE ON SCHEMA public FROM PUBLIC` as the schema's owner."
            ),
            id="motcua.W001",
        )
    ]
