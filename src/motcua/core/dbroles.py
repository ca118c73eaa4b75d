"""Two PostgreSQL roles: the owner migrates, the application runs as a runtime role.

``DATABASE_URL`` is the runtime role's connection (the web server, the workers, every command);
``MIGRATE_DATABASE_URL`` (optional) is the owner's, used by ``motcua migrate``, ``motcua db
grant-runtime`` and ``motcua restore``. The owner owns every table. The runtime role gets
SELECT, INSERT, UPDATE and DELETE on every table and no more (no TRUNCATE, no TRIGGER, no DDL:
ALTER TABLE ... DISABLE TRIGGER, DROP and TRUNCATE need the owner), except on the tables whose
model declares ``runtime_privileges``: the audit log gets SELECT and INSERT only, so the
application's role cannot rewrite, delete or empty it even through SQL injection.

The grants are applied by ``grant_runtime`` (``motcua db grant-runtime``, and ``motcua migrate``
after migrating as the owner); default privileges give the tables a later migration creates the
same rights, and the next ``migrate`` narrows the declared ones again. ``privilege_problems``
says what the connected role can do that a runtime role must not (a Django check reports it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction

# What the runtime role may do on a table whose model declares nothing.
RUNTIME_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
# Privileges checked by ``privilege_problems`` on the tables that declare theirs.
CHECKED_PRIVILEGES = ("INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER")
# Tables without a model: Django's migration history is read by the application, written by the
# owner only.
EXTRA_TABLES: dict[str, tuple[str, ...]] = {"django_migrations": ("SELECT",)}

_as_owner: ContextVar[bool] = ContextVar("motcua_db_as_owner", default=False)


def restricted_tables() -> dict[str, tuple[str, ...]]:
    """Table name -> the privileges the runtime role gets, for the tables that declare them."""
    tables: dict[str, tuple[str, ...]] = dict(EXTRA_TABLES)
    for model in apps.get_models():
        privileges = getattr(model, "runtime_privileges", None)
        if privileges is not None:
            tables[model._meta.db_table] = tuple(privileges)
    return tables


def running_as_owner() -> bool:
    """True inside ``as_owner`` when it switched to ``MIGRATE_DATABASE_URL``."""
    return _as_owner.get()


@contextmanager
def as_owner(alias: str = "default") -> Iterator[str | None]:
    """Connect ``alias`` as the owner (``MIGRATE_DATABASE_URL``) for the block.

    Yields the runtime role to grant (``DATABASE_URL``'s user) when the owner is another role,
    else None (no owner URL, another alias, or the same role: nothing is switched)."""
    url = getattr(settings, "MIGRATE_DATABASE_URL", "")
    if not url or alias != "default":
        yield None
        return
    connection = connections[alias]
    owner = dj_database_url.parse(url)
    if owner["ENGINE"] != connection.settings_dict["ENGINE"]:
        raise ImproperlyConfigured(
            "MIGRATE_DATABASE_URL must name the same kind of database as DATABASE_URL."
        )
    runtime = str(connection.settings_dict.get("USER") or "")
    if not owner.get("USER") or owner["USER"] == runtime:
        yield None
        return
    if connection.in_atomic_block:
        raise RuntimeError("cannot switch to the owner role inside a transaction")
    keys = ("NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    saved = {key: connection.settings_dict.get(key) for key in keys}
    connection.close()
    for key in keys:
        if key != "OPTIONS" or owner.get("OPTIONS"):
            connection.settings_dict[key] = owner.get(key)
    token = _as_owner.set(True)
    try:
        yield runtime
    finally:
        _as_owner.reset(token)
        connection.close()
        connection.settings_dict.update(saved)


def _sequences(cursor: Any, table: str) -> list[str]:
    """The sequences owned by ``table``'s columns (its serial or identity key)."""
    cursor.execute(
        "SELECT s.oid::regclass::text FROM pg_class s "
        "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
        "AND d.refclassid = 'pg_class'::regclass "
        "WHERE s.relkind = 'S' AND d.refobjid = to_regclass(%s)",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def grant_runtime(role: str, *, alias: str = "default") -> list[str]:
    """Give ``role`` the runtime rights on the current schema (as the owner of its tables).

    Idempotent; one transaction. Returns the statements run."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise ImproperlyConfigured("Database roles are a PostgreSQL feature.")
    qn = connection.ops.quote_name
    who = qn(role)
    all_dml = ", ".join(RUNTIME_PRIVILEGES)
    statements: list[str] = []
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_schema(), current_user")
        database, schema, owner = cursor.fetchone()
        if role == owner:
            raise ImproperlyConfigured(
                f"{role} is the role connected to migrate; the runtime role must be another one."
            )
        where = qn(schema)
        statements += [
            f"GRANT CONNECT ON DATABASE {qn(database)} TO {who}",
            f"GRANT USAGE ON SCHEMA {where} TO {who}",
            f"REVOKE CREATE ON SCHEMA {where} FROM {who}",
            f"GRANT {all_dml} ON ALL TABLES IN SCHEMA {where} TO {who}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} GRANT {all_dml} ON TABLES TO {who}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {where} "
            f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {who}",
        ]
        existing = set(connection.introspection.table_names(cursor))
        for table, privileges in sorted(restricted_tables().items()):
            if table not in existing:
                continue
            statements.append(f"REVOKE ALL ON {qn(table)} FROM {who}")
            if privileges:
                statements.append(f"GRANT {', '.join(privileges)} ON {qn(table)} TO {who}")
            for sequence in _sequences(cursor, table):
                # Read (pg_dump does) and nextval when it may insert; no setval, which could make
                # the next key collide (and fail every audited change) or jump.
                usage = "USAGE, SELECT" if "INSERT" in privileges else "SELECT"
                statements.append(f"REVOKE ALL ON SEQUENCE {sequence} FROM {who}")
                statements.append(f"GRANT {usage} ON SEQUENCE {sequence} TO {who}")
        # CVE-2018-1058: a role that may CREATE in the schema can plant a function or operator
        # named like one the owner's migrations call. PostgreSQL 14 and older grant CREATE on
        # public to PUBLIC; revoke it when the migrating role owns the schema (else the check
        # W001 reports it and docs/postgresql.md has the statement to run as its owner).
        cursor.execute(
            "SELECT pg_has_role(current_user, nspowner, 'USAGE') FROM pg_namespace "
            "WHERE nspname = current_schema()"
        )
        if cursor.fetchone()[0]:
            statements.append(f"REVOKE CREATE ON SCHEMA {where} FROM PUBLIC")
        for statement in statements:
            cursor.execute(statement)
    return statements


def privilege_problems(alias: str = "default") -> list[str]:
    """What the connected role can do to the restricted tables beyond what they declare: being a
    superuser, owning the table (or being a member of its owner), or holding a privilege the
    runtime role must not have; and creating objects in the schema (CVE-2018-1058: a function
    planted there runs as the owner during ``migrate``). Empty on SQLite and for a properly
    restricted runtime role."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return []
    problems: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        user, superuser = cursor.fetchone()
        if superuser:
            return [f"the database role {user} is a superuser"]
        allowed_by_table = restricted_tables()
        cursor.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner), "
            "pg_has_role(current_user, c.relowner, 'MEMBER') FROM pg_class c "
            "WHERE c.relkind IN ('r', 'p') AND c.relnamespace = to_regnamespace(current_schema()) "
            "AND c.relname = ANY(%s) ORDER BY c.relname",
            [list(allowed_by_table)],
        )
        for table, table_owner, owns in cursor.fetchall():
            if owns:
                problems.append(
                    f"the database role {user} owns {table}"
                    + (f" (as a member of {table_owner})" if table_owner != user else "")
                )
                continue
            allowed = allowed_by_table[table]
            for privilege in CHECKED_PRIVILEGES:
                if privilege in allowed:
                    continue
                cursor.execute(
                    "SELECT has_table_privilege(current_user, %s, %s)",
                    [connection.ops.quote_name(table), privilege],
                )
                if cursor.fetchone()[0]:
                    problems.append(f"the database role {user} may {privilege} {table}")
        cursor.execute(
            "SELECT current_schema(), has_schema_privilege(current_user, current_schema(), 'CREATE')"
        )
        schema, create = cursor.fetchone()
        if create:
            problems.append(f"the database role {user} may CREATE in the schema {schema}")
    return problems
