"""Reading and verifying the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from motcua.audit.models import AuditEntry, AuditHead
from motcua.audit.services import GENESIS, entry_hash


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    message: str


def audit_verify(*, batch: int = 5000) -> tuple[int, list[Problem]]:
    """Recompute the chain. Returns (entries checked, problems)."""
    problems: list[Problem] = []
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    for entry in _entries(batch):
        checked += 1
        if entry.prev_hash != expected_prev:
            problems.append(
                Problem(
                    entry.pk,
                    f"entry {entry.pk}: does not follow the previous entry (removed or reordered entries)",
                )
            )
        digest = entry_hash(entry)
        if digest != entry.hash:
            problems.append(
                Problem(entry.pk, f"entry {entry.pk}: content does not match its hash (edited)")
            )
        expected_prev = entry.hash
        last_id = entry.pk
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id != last_id or head.last_hash != expected_prev):
        problems.append(
            Problem(
                None,
                f"the chain ends at entry {last_id} but the head records entry {head.last_id} (entries removed at the end)",
            )
        )
    if head is None and checked:
        problems.append(Problem(None, "the chain head is missing"))
    return checked, problems


def _entries(batch: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        chunk = list(AuditEntry.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].pk
