"""One small HTTP client for the subscriber kinds: keep-alive pools, no automatic retries (the
outbox retries), timeouts from the settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import urllib3


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class HttpError(Exception):
    """The request did not get an HTTP answer (refused, reset, timed out)."""


class HttpClient:
    def __init__(self, *, timeout: float) -> None:
        self.pool = urllib3.PoolManager(
            num_pools=16,
            maxsize=2,
            retries=False,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
        )

    def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Response:
        try:
            answer = self.pool.request(
                "POST", url, body=body, headers=headers, redirect=False, preload_content=True
            )
        except urllib3.exceptions.HTTPError as exc:
            raise HttpError(f"{type(exc).__name__}: {exc}") from exc
        return Response(status=answer.status, body=answer.data or b"")

    def post_json(self, url: str, payload: Any) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return self.post(url, body=body, headers={"Content-Type": "application/json"})

    def close(self) -> None:
        self.pool.clear()
