"""Writing to the audit log. Call ``audit_log`` inside the transaction of the change it records."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def entry_hash(
    *,
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any],
    ip: str,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_label,
            action,
            object_type,
            object_id,
            detail,
            ip,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _normalise(detail: dict[str, Any] | None) -> dict[str, Any]:
    """What the JSON column will give back (so that verification recomputes the same hash)."""
    return json.loads(json.dumps(detail or {}, default=str, ensure_ascii=False))


@transaction.atomic
def audit_log(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    detail: dict[str, Any] | None = None,
    ip: str = "",
) -> AuditEntry:
    """Append one entry (actor may be None for the system or an anonymous client)."""
    head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "code", None) or obj.pk)
    actor_id = getattr(actor, "pk", None)
    actor_label = (getattr(actor, "username", "") or "")[:150]
    at = timezone.now()
    clean = _normalise(detail)
    digest = entry_hash(
        prev_hash=head.last_hash,
        at=at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:80],
        detail=clean,
        ip=ip[:64],
    )
    entry = AuditEntry.objects.create(
        at=at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:80],
        detail=clean,
        ip=ip[:64],
        prev_hash=head.last_hash,
        hash=digest,
    )
    head.last_id = entry.pk
    head.last_hash = digest
    head.save(update_fields=["last_id", "last_hash"])
    return entry


def audit_request(
    request: Any, *, action: str, obj: Any = None, detail: dict[str, Any] | None = None
) -> AuditEntry:
    """Record what a request did (a view of personal data, an export) with its user and address."""
    from motcua.audit.context import client_ip

    user = getattr(request, "user", None)
    return audit_log(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        obj=obj,
        detail=detail,
        ip=client_ip(request),
    )
