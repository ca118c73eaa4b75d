"""Writing to the audit log. Call ``audit_log`` inside the transaction of the change it records."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from motcua.audit.models import AuditEntry, AuditHead
from motcua.core import rows
from motcua.core.models import User

GENESIS = "0" * 64


class AuditHeadMissing(RuntimeError):
    """The chain head row is gone (the log was wiped): nothing is appended until it is restored.

    Migration 0003 gives every database its head and the application never creates one, so a
    missing head always means tampering (or a database that lost it): the audited change fails
    with the entry rather than start a new chain from genesis, which `motcua audit verify`
    could not tell from a fresh installation. Not a DomainError: no user can fix it, the server
    answers 500 and logs it; the operator runs `motcua audit verify` and restores the database."""

    def __init__(self) -> None:
        super().__init__(
            "the audit chain head is missing (the log was wiped or its head deleted): "
            "nothing can be audited until it is restored; run `motcua audit verify`"
        )


def entry_hash(entry: AuditEntry) -> str:
    """The hash of ``entry``, chained to its ``prev_hash``."""
    payload = _hashed_prefix(entry.prev_hash) + _hashed_rest(entry)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# The hashed text is the JSON array [prev_hash, at, actor_id, actor_label, action, object_type,
# object_id, detail, ip] (keys sorted, no spaces, UTF-8): the previous hash (64 hex digits) is
# its first element, so on PostgreSQL the statement that locks the chain head can put it in front
# of the rest, built here, and hash the whole with sha256() -- the same bytes as entry_hash.
def _hashed_prefix(prev_hash: str) -> str:
    return json.dumps([prev_hash], separators=(",", ":"))[:-1] + ","


def _hashed_rest(entry: AuditEntry) -> str:
    return json.dumps(
        [
            entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
            entry.actor_id,
            entry.actor_label,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.detail,
            entry.ip,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )[1:]


def _normalise(detail: dict[str, Any] | None) -> dict[str, Any]:
    """What the JSON column will give back (so that verification recomputes the same hash)."""
    return json.loads(json.dumps(detail or {}, default=str, ensure_ascii=False))


def audit_log(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    detail: dict[str, Any] | None = None,
    ip: str = "",
) -> AuditEntry:
    """Append one entry (actor may be None for the system or an anonymous client).

    Inside the caller's transaction (or its own when there is none), without a savepoint: a
    failure here fails the caller's change. On PostgreSQL one statement locks the chain head,
    inserts the entry chained to it and moves the head; elsewhere three: lock the head and read
    its hash, insert the entry, move the head."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "code", None) or obj.pk)
    actor_id = getattr(actor, "pk", None)
    actor_label = (getattr(actor, "username", "") or "")[:150]
    clean = _normalise(detail)
    if connection.vendor == "postgresql":
        with transaction.atomic(savepoint=False):
            return _append_chained(
                AuditEntry(
                    at=timezone.now(),
                    actor_id=actor_id,
                    actor_label=actor_label,
                    action=action,
                    object_type=object_type,
                    object_id=str(object_id)[:80],
                    detail=clean,
                    ip=ip[:64],
                )
            )
    with transaction.atomic(savepoint=False):
        prev_hash = _lock_head()
        at = timezone.now()
        entry = AuditEntry(
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:80],
            detail=clean,
            ip=ip[:64],
            prev_hash=prev_hash,
        )
        entry.hash = entry_hash(entry)
        _append(entry)
    return entry


def _head_table() -> str:
    return connection.ops.quote_name(AuditHead._meta.db_table)


def _lock_head() -> str:
    """Lock the chain head row until commit (a no-op update takes the row lock; SQLite's write
    transaction is already exclusive) and return the last hash. Not PostgreSQL: there
    ``_append_chained`` locks the head in the statement that appends. AuditHeadMissing when there
    is no head: it is never recreated here."""
    table = _head_table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_id = last_id WHERE id = 1 RETURNING last_hash"  # noqa: S608
        )
        row = cursor.fetchone()
    if row is None:
        raise AuditHeadMissing
    return str(row[0])


def _append_chained(entry: AuditEntry) -> AuditEntry:
    """PostgreSQL: lock the head, insert ``entry`` chained to it (its key drawn under the lock,
    so keys follow the chain, which ``audit verify`` walks in key order) and move the head, in
    one statement. A writer blocked on the head's lock reads the head its predecessor left.
    Without a head nothing is inserted (the CTE has no row) and AuditHeadMissing is raised."""
    table = _head_table()
    rest = _hashed_rest(entry)
    prefix = _hashed_prefix("X").split("X", 1)
    digest = "encode(sha256(convert_to(%s || last_hash || %s || %s, 'UTF8')), 'hex')"
    insert, params = rows.insert_select_statement(
        entry, {"prev_hash": "head.last_hash", "hash": "head.next_hash"}, "head"
    )
    sql = (
        f"WITH head AS (SELECT last_hash, {digest} AS next_hash FROM {table} "  # noqa: S608
        "WHERE id = 1 FOR UPDATE), "
        f"entry AS ({insert}, prev_hash, hash) "
        f"UPDATE {table} SET last_id = entry.id, last_hash = entry.hash FROM entry "
        f"WHERE {table}.id = 1 RETURNING entry.id, entry.prev_hash, entry.hash"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix[0], prefix[1], rest, *params])
        row = cursor.fetchone()
    if row is None:
        raise AuditHeadMissing
    entry.prev_hash, entry.hash = row[1], row[2]
    rows.mark_saved([entry], [row[0]])
    return entry


def _append(entry: AuditEntry) -> None:
    """INSERT the entry and move the head to it (not PostgreSQL: ``_append_chained`` does both
    there, in the statement that locks the head)."""
    table = _head_table()
    move = f"UPDATE {table} SET last_id = %s, last_hash = %s WHERE id = 1"  # noqa: S608
    rows.insert([entry])
    with connection.cursor() as cursor:
        cursor.execute(move, [entry.pk, entry.hash])


def audit_request(
    request: Any, *, action: str, obj: Any = None, detail: dict[str, Any] | None = None
) -> AuditEntry:
    """Record what a request did (a view of personal data, an export) with its user and address."""
    from motcua.core.client_address import client_ip

    user = getattr(request, "user", None)
    return audit_log(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        obj=obj,
        detail=detail,
        ip=client_ip(request),
    )


def audit_in_context(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """``audit_log`` from a service: the client address is the current request's (set by
    ``AuditContextMiddleware``; empty for commands and tasks)."""
    from motcua.audit.context import current

    return audit_log(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        ip=current()[1],
    )
