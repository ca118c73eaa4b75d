"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>", hex encoded (docs/exchange.md)."""

from __future__ import annotations

import hashlib
import hmac
import time


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    *,
    timestamp: str,
    signature: str,
    body: bytes,
    window_seconds: int = 300,
    now: float | None = None,
) -> bool:
    """What a receiver does: the signature matches and the timestamp is inside the window."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > window_seconds:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature)
