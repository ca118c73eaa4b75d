"""Anchoring the audit chain's head outside the database.

``motcua audit anchor`` (run by a timer, e.g. hourly) appends the chain head -- the last entry's
id (``sequence``), its hash and the time -- as one signed JSON line to
``MOTCUA_AUDIT_ANCHOR_DIR/anchors.jsonl`` and, when ``MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL`` is set,
POSTs the same line to that receiver. ``motcua audit verify`` then checks that the chain still
holds every anchored entry with its anchored hash: a log that was emptied, rebuilt or cut shorter
than its last anchor fails, even when whoever did it also rewrote the head row.

A line is ``{"at": ..., "hash": ..., "prev": ..., "sequence": ..., "signature": ..., "v": 2}``
(keys sorted, no spaces); the signature is HMAC-SHA256, hex, over the same JSON without
``signature``, keyed with ``MOTCUA_AUDIT_ANCHOR_KEY`` (or a key derived from ``SECRET_KEY``).
Whoever can write the database cannot forge an anchor without that key, which lives in the
application's environment, not in the database.

``prev`` is the signature of the line before (empty on the first line), so the lines are
chained: a removed, reordered or inserted line breaks the link of the line after it, which
``read_anchors`` reports. Nothing follows the last line: removing it cannot be seen in the file
alone (the webhook receiver's copy still has it). Lines of version 1 (written before the
chaining) have no ``prev``: they are still read and the next version 2 line signs the last of
them, but removing version 1 lines is not detected.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import urllib3
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from motcua.audit.models import AuditEntry, AuditHead

FILE_NAME = "anchors.jsonl"
VERSION = 2  # version 1: the same line without "prev" (not chained), still read
USER_AGENT = "motcua-audit-anchor/1"


@dataclass(frozen=True)
class Anchor:
    sequence: int  # the id of the last entry when anchored (0: the log was empty)
    hash: str  # that entry's hash
    at: str  # when it was anchored, ISO 8601 UTC
    prev: str = ""  # the signature of the line before ("" on the first line; version 2)
    line: int = 0  # its line in the file (1-based; 0 when not read from a file)
    version: int = VERSION

    def document(self) -> dict[str, Any]:
        document = {"v": self.version, "sequence": self.sequence, "hash": self.hash, "at": self.at}
        if self.version >= 2:
            document["prev"] = self.prev
        return document


class AnchorError(Exception):
    """An anchor could not be written, read or sent; ``exit_code`` is the command's."""

    exit_code = 2


class AnchorRefused(AnchorError):
    """The head cannot be anchored: it does not extend the last anchor (or the file was edited)."""

    exit_code = 1


class WebhookFailed(AnchorError):
    """The anchor was written to the file but the webhook receiver did not take it."""

    exit_code = 3


def default_path() -> Path:
    return Path(settings.MOTCUA_AUDIT_ANCHOR_DIR) / FILE_NAME


def _key() -> bytes:
    key = str(getattr(settings, "MOTCUA_AUDIT_ANCHOR_KEY", "") or "")
    if key:
        return key.encode("utf-8")
    return salted_hmac(
        "motcua.audit.anchors", "anchor-key", secret=settings.SECRET_KEY, algorithm="sha256"
    ).digest()


def _canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def signature(document: dict[str, Any]) -> str:
    return hmac.new(_key(), _canonical(document), hashlib.sha256).hexdigest()


def line_of(anchor: Anchor) -> str:
    document = anchor.document()
    return _canonical({**document, "signature": signature(document)}).decode()


def parse_line(text: str, number: int) -> Anchor | str:
    """The anchor on line ``number``, or a problem saying why the line is not one."""
    try:
        document = json.loads(text)
    except ValueError:
        return f"anchor line {number}: not JSON"
    if not isinstance(document, dict):
        return f"anchor line {number}: not an anchor"
    given = document.pop("signature", None)
    sequence, digest, at = document.get("sequence"), document.get("hash"), document.get("at")
    version, prev = document.get("v"), document.get("prev", "")
    fields = {"v", "sequence", "hash", "at"} | ({"prev"} if version == 2 else set())
    if (
        version not in (1, 2)
        or isinstance(version, bool)
        or set(document) != fields
        or not isinstance(prev, str)
        or not isinstance(sequence, int)
        or isinstance(sequence, bool)
        or sequence < 0
        or not isinstance(digest, str)
        or not isinstance(at, str)
    ):
        return f"anchor line {number}: not an anchor"
    if not isinstance(given, str) or not hmac.compare_digest(
        given.encode("utf-8", "replace"), signature(document).encode()
    ):
        return f"anchor line {number}: bad signature (edited, or signed with another key)"
    return Anchor(sequence=sequence, hash=digest, at=at, prev=prev, line=number, version=version)


def read_anchors(path: Path) -> tuple[list[Anchor], list[str]]:
    """The valid anchors in file order, and one problem per line that is not a valid anchor or
    does not follow the valid line before it (its ``prev``: lines removed, reordered or inserted
    before it; such a line is still an anchor). No file: no anchors. A file that cannot be read
    raises AnchorError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        raise AnchorError(f"cannot read the anchor file {path}: {exc}") from exc
    anchors: list[Anchor] = []
    problems: list[str] = []
    for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), start=1):
        if not line.strip():
            continue
        parsed = parse_line(line, number)
        if isinstance(parsed, str):
            problems.append(parsed)
            continue
        follows = signature(anchors[-1].document()) if anchors else ""
        if parsed.version >= 2 and parsed.prev != follows:
            problems.append(
                f"anchor line {number}: does not follow the line before it "
                "(anchor lines removed, reordered or inserted)"
            )
        anchors.append(parsed)
    return anchors, problems


def _entry_matches(sequence: int, digest: str) -> bool:
    return AuditEntry.objects.filter(pk=sequence, hash=digest).exists()


def anchor_head(*, path: Path | None = None) -> Anchor:
    """Append the current head to the anchor file, if it extends the last anchor.

    Refused (AnchorRefused) when the file holds lines that are not valid anchors, the head is
    missing or does not match its entry, or the last anchored entry is gone or changed: a head
    that does not extend the last anchor is never anchored, so the evidence stays in the file."""
    path = path or default_path()
    anchors, bad = read_anchors(path)
    if bad:
        raise AnchorRefused(f"the anchor file {path} was edited: {'; '.join(bad[:3])}")
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        raise AnchorRefused("the chain head is missing: run `motcua audit verify`")
    if head.last_id and not _entry_matches(head.last_id, head.last_hash):
        raise AnchorRefused(
            f"the chain head does not match entry {head.last_id}: run `motcua audit verify`"
        )
    if anchors:
        last = anchors[-1]
        if head.last_id < last.sequence or (
            last.sequence and not _entry_matches(last.sequence, last.hash)
        ):
            raise AnchorRefused(
                f"the chain (head at entry {head.last_id}) does not extend the anchor of "
                f"{last.at} (entry {last.sequence}): run `motcua audit verify`"
            )
    now = timezone.now().astimezone(UTC).isoformat(timespec="seconds")
    prev = signature(anchors[-1].document()) if anchors else ""
    anchor = Anchor(sequence=head.last_id, hash=head.last_hash, at=now, prev=prev)
    _append(path, line_of(anchor))
    return anchor


def _append(path: Path, line: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise AnchorError(f"cannot write the anchor file {path}: {exc}") from exc


def webhook_configured() -> bool:
    """True when anchors are also POSTed; AnchorError when the webhook settings are unusable."""
    url = str(settings.MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL)
    if not url:
        return False
    if not url.startswith(("https://", "http://")):
        raise AnchorError("MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL must be an http(s) URL")
    if len(str(settings.MOTCUA_AUDIT_ANCHOR_WEBHOOK_SECRET)) < 16:
        raise AnchorError("set MOTCUA_AUDIT_ANCHOR_WEBHOOK_SECRET (at least 16 characters)")
    return True


def send(anchor: Anchor) -> int:
    """POST the anchor's line to MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL, signed like the exchange
    webhooks (docs/exchange.md): X-Motcua-Signature = HMAC-SHA256(secret, "<timestamp>.<body>").
    Returns the HTTP status; WebhookFailed when there is no 2xx answer."""
    webhook_configured()
    url = str(settings.MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL)
    secret = str(settings.MOTCUA_AUDIT_ANCHOR_WEBHOOK_SECRET)
    body = line_of(anchor).encode()
    timestamp = int(time.time())
    # The exchange webhooks' signature (motcua.exchange.signing.sign), written out here because
    # the audit app sits below exchange and does not import it.
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Motcua-Event-Id": f"audit.anchor:{anchor.sequence}:{anchor.at}",
        "X-Motcua-Event-Type": "audit.anchor",
        "X-Motcua-Timestamp": str(timestamp),
        "X-Motcua-Signature": mac.hexdigest(),
    }
    timeout = float(settings.MOTCUA_AUDIT_ANCHOR_TIMEOUT_SECONDS)
    pool = urllib3.PoolManager(
        retries=False, timeout=urllib3.Timeout(connect=timeout, read=timeout)
    )
    try:
        answer = pool.request("POST", url, body=body, headers=headers, redirect=False)
    except urllib3.exceptions.HTTPError as exc:
        raise WebhookFailed(f"the webhook did not answer: {type(exc).__name__}: {exc}") from exc
    finally:
        pool.clear()
    if not 200 <= answer.status < 300:
        raise WebhookFailed(f"the webhook answered HTTP {answer.status}")
    return int(answer.status)
