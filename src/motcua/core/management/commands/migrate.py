"""``migrate`` as the owner role when ``MIGRATE_DATABASE_URL`` is set, then the runtime grants.

The application's role (``DATABASE_URL``) does not own the tables, so it cannot create or alter
them: migrations connect as the owner, and the runtime role then gets its rights on the tables
they created (``motcua.core.dbroles``, docs/postgresql.md "Two roles"). Without
``MIGRATE_DATABASE_URL`` this is Django's ``migrate`` unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import migrate

from motcua.core import dbroles


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        with dbroles.as_owner(options["database"]) as runtime_role:
            super().handle(*args, **options)
            if runtime_role and not (options.get("plan") or options.get("check_unapplied")):
                dbroles.grant_runtime(runtime_role, alias=options["database"])
                if options["verbosity"] >= 1:
                    self.stdout.write(f"Runtime role {runtime_role}: privileges granted.")
