"""Reading and verifying the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from motcua.audit.anchors import Anchor, default_path, read_anchors
from motcua.audit.models import AuditEntry, AuditHead
from motcua.audit.services import GENESIS, entry_hash


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    message: str


@dataclass
class Verification:
    checked: int = 0  # entries walked
    last_id: int = 0  # the last entry of the chain (0: empty)
    problems: list[Problem] = field(default_factory=list)
    anchor: Anchor | None = None  # the latest valid anchor compared, if any
    anchor_file: Path | None = None


def audit_verify(
    *, batch: int = 5000, anchor_file: Path | None = None
) -> tuple[int, list[Problem]]:
    """Recompute the chain and compare it with its head and anchors. Returns (entries checked,
    problems)."""
    result = verify_chain(batch=batch, anchor_file=anchor_file)
    return result.checked, result.problems


def verify_chain(*, batch: int = 5000, anchor_file: Path | None = None) -> Verification:
    """Walk the chain in key order and check:

    - each entry's hash (an edited entry) and its link to the previous one (removed or reordered
      entries);
    - the head row: present (a missing head means a wiped log: every migrated database has one),
      and at the chain's last entry (entries removed at the end, or the whole log truncated);
    - the anchors in ``anchor_file`` (default: MOTCUA_AUDIT_ANCHOR_DIR/anchors.jsonl): every line
      validly signed, every anchored entry present with its anchored hash, and the chain at least
      as long as the latest anchor (a log rebuilt, or cut shorter, together with its head).

    Raises AnchorError when the anchor file exists but cannot be read."""
    path = anchor_file or default_path()
    anchors, bad_lines = read_anchors(path)
    result = Verification(anchor_file=path, anchor=anchors[-1] if anchors else None)
    problems = result.problems
    problems.extend(Problem(None, message) for message in bad_lines)
    anchored: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.sequence:
            anchored.setdefault(anchor.sequence, []).append(anchor)
    seen: set[int] = set()
    contradicted: list[Anchor] = []
    expected_prev = GENESIS
    for entry in _entries(batch):
        result.checked += 1
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
        if entry.pk in anchored:
            seen.add(entry.pk)
            contradicted.extend(a for a in anchored[entry.pk] if a.hash != entry.hash)
        expected_prev = entry.hash
        result.last_id = entry.pk
    last_id = result.last_id
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        problems.append(
            Problem(None, "the chain head is missing (the log was wiped or its head deleted)")
        )
    elif result.checked == 0 and head.last_id != 0:
        problems.append(
            Problem(
                None,
                f"the log is empty but the head records entry {head.last_id} (the log was truncated)",
            )
        )
    elif head.last_id != last_id or head.last_hash != expected_prev:
        problems.append(
            Problem(
                None,
                f"the chain ends at entry {last_id} but the head records entry {head.last_id} (entries removed at the end)",
            )
        )
    problems.extend(_anchor_problems(anchors, anchored, seen, contradicted, result))
    return result


def _anchor_problems(
    anchors: list[Anchor],
    anchored: dict[int, list[Anchor]],
    seen: set[int],
    contradicted: list[Anchor],
    result: Verification,
) -> list[Problem]:
    if not anchors:
        return []
    problems: list[Problem] = []
    latest = anchors[-1]
    if latest.sequence > result.last_id:
        what = (
            "the log is empty"
            if result.checked == 0
            else f"the chain ends at entry {result.last_id}"
        )
        problems.append(
            Problem(
                None,
                f"{what} but the anchor of {latest.at} records entry {latest.sequence}: "
                "the log is shorter than its last anchor (entries removed, or the log rebuilt)",
            )
        )
    elif latest.sequence and latest.sequence not in seen:
        problems.append(
            Problem(
                latest.sequence,
                f"entry {latest.sequence}, anchored at {latest.at}, is missing (removed)",
            )
        )
    elif latest in contradicted:
        problems.append(
            Problem(
                latest.sequence,
                f"entry {latest.sequence} does not match the anchor of {latest.at} "
                "(the log was rewritten)",
            )
        )
    older = [
        a
        for sequence, group in anchored.items()
        for a in group
        if a is not latest and (sequence not in seen or a in contradicted)
    ]
    if older:
        first = min(older, key=lambda a: a.line)
        problems.append(
            Problem(
                None,
                f"{len(older)} earlier anchor(s) do not match the chain (first: entry "
                f"{first.sequence}, anchored at {first.at}, line {first.line})",
            )
        )
    return problems


def _entries(batch: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        chunk = list(AuditEntry.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].pk
