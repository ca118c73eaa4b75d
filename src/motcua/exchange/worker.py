"""The outbox worker: claims due deliveries, sends them, records the outcomes.

Guarantees (docs/exchange.md):
- **At least once.** A delivery is marked delivered only after the subscriber answered 2xx; a
  worker that dies before recording the answer leaves the delivery claimed until its lease ends,
  then any worker retries it. Receivers de-duplicate by event id.
- **In order per record.** A delivery is claimable only when every earlier event of the same
  record for the same subscriber is delivered, so at most one delivery per (subscriber, record)
  is in flight and a dead one blocks the later ones until it is resent.
- **One worker per delivery at a time.** Claims use ``SELECT … FOR UPDATE SKIP LOCKED`` on
  PostgreSQL (SQLite serialises the claiming transactions) and write a lease (token, expiry);
  outcomes are written only under the same token, and a worker starts a delivery only if it can
  finish (time out) before its lease ends.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from motcua.exchange.kinds import Channel, Outcome, get_kind
from motcua.exchange.models import OPEN_STATES, Delivery, DeliveryState, Subscriber

logger = logging.getLogger("motcua.exchange.worker")

# A delivery makes at most this many HTTP calls (portal: login, DongBoHoSoMC, CapNhatTienDo).
CALLS_PER_DELIVERY = 3


@dataclass
class WorkerConfig:
    batch_size: int = field(default_factory=lambda: settings.MOTCUA_OUTBOX_BATCH_SIZE)
    lease_seconds: float = field(default_factory=lambda: settings.MOTCUA_OUTBOX_LEASE_SECONDS)
    timeout: float = field(default_factory=lambda: settings.MOTCUA_OUTBOX_HTTP_TIMEOUT_SECONDS)
    max_attempts: int = field(default_factory=lambda: settings.MOTCUA_OUTBOX_MAX_ATTEMPTS)
    retry_base: float = field(default_factory=lambda: settings.MOTCUA_OUTBOX_RETRY_BASE_SECONDS)
    retry_max: float = field(default_factory=lambda: settings.MOTCUA_OUTBOX_RETRY_MAX_SECONDS)
    poll: float = field(default_factory=lambda: settings.MOTCUA_OUTBOX_POLL_SECONDS)

    def __post_init__(self) -> None:
        if self.lease_seconds <= self.margin:
            raise ImproperlyConfigured(
                f"MOTCUA_OUTBOX_LEASE_SECONDS ({self.lease_seconds}) must exceed "
                f"{CALLS_PER_DELIVERY} × MOTCUA_OUTBOX_HTTP_TIMEOUT_SECONDS + 1 ({self.margin}): "
                "a worker must be able to finish a delivery before its claim ends."
            )
        if self.batch_size < 1 or self.max_attempts < 1:
            raise ImproperlyConfigured("The outbox batch size and attempts must be at least 1.")

    @property
    def margin(self) -> float:
        """Seconds one delivery may take at most (every call timing out)."""
        return self.timeout * CALLS_PER_DELIVERY + 1


def backoff_seconds(attempts: int, *, base: float, cap: float) -> float:
    """base · 2^(attempts-1), capped, plus up to 10 % jitter so that retries spread out."""
    delay = min(cap, base * (2 ** max(0, attempts - 1)))
    return delay * (1 + random.random() * 0.1)  # noqa: S311 - jitter, not security


@dataclass
class BatchReport:
    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    deferred: int = 0
    released: int = 0


class OutboxWorker:
    def __init__(self, worker_id: str = "", config: WorkerConfig | None = None) -> None:
        self.worker_id = worker_id or f"outbox-{uuid.uuid4().hex[:8]}"
        self.config = config or WorkerConfig()
        self._channels: dict[int, tuple[datetime, Channel]] = {}

    # -- claiming ------------------------------------------------------------------------------
    def claim(self) -> tuple[uuid.UUID, list[Delivery]]:
        token = uuid.uuid4()
        with transaction.atomic():
            now = timezone.now()
            earlier_open = Delivery.objects.filter(
                subscriber_id=OuterRef("subscriber_id"),
                record_id=OuterRef("record_id"),
                event_id__lt=OuterRef("event_id"),
            ).exclude(state=DeliveryState.DELIVERED)
            due = (
                Delivery.objects.filter(state__in=OPEN_STATES, next_attempt_at__lte=now)
                .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
                .filter(subscriber_id__in=Subscriber.objects.filter(is_active=True).values("pk"))
                .filter(~Exists(earlier_open))
                .order_by("next_attempt_at", "id")
            )
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            ids = list(due.values_list("id", flat=True)[: self.config.batch_size])
            if not ids:
                return token, []
            Delivery.objects.filter(id__in=ids).update(
                leased_until=now + timedelta(seconds=self.config.lease_seconds),
                lease_token=token,
                lease_owner=self.worker_id,
                attempts=F("attempts") + 1,
                last_attempt_at=now,
            )
        deliveries = list(
            Delivery.objects.filter(id__in=ids, lease_token=token)
            .select_related("event", "subscriber")
            .order_by("next_attempt_at", "id")
        )
        return token, deliveries

    # -- channels ------------------------------------------------------------------------------
    def channel(self, subscriber: Subscriber) -> Channel:
        cached = self._channels.get(subscriber.pk)
        if cached is not None and cached[0] == subscriber.updated_at:
            return cached[1]
        if cached is not None:
            cached[1].close()
        kind = get_kind(subscriber.kind)
        if kind is None:
            raise LookupError(f"unknown subscriber kind {subscriber.kind!r}")
        channel = kind.open_channel(subscriber, timeout=self.config.timeout)
        self._channels[subscriber.pk] = (subscriber.updated_at, channel)
        return channel

    def close(self) -> None:
        for _stamp, channel in self._channels.values():
            channel.close()
        self._channels.clear()

    # -- one round -----------------------------------------------------------------------------
    def run_once(self) -> BatchReport:
        started = time.monotonic()
        token, deliveries = self.claim()
        report = BatchReport(claimed=len(deliveries))
        if not deliveries:
            return report
        lease_end = started + self.config.lease_seconds
        margin = self.config.margin
        delivered: dict[int | None, list[int]] = defaultdict(list)
        failures: list[tuple[Delivery, Outcome]] = []
        down: dict[int, float] = {}  # subscriber -> retry delay
        deferred: dict[int, list[int]] = defaultdict(list)
        released: list[int] = []
        for delivery in deliveries:
            if delivery.subscriber_id in down:
                deferred[delivery.subscriber_id].append(delivery.pk)
                continue
            if time.monotonic() + margin > lease_end:
                released.append(delivery.pk)
                continue
            try:
                outcome = self.channel(delivery.subscriber).send(delivery)
            except Exception as exc:  # noqa: BLE001 - a broken delivery must not stop the worker
                logger.exception("outbox.delivery_error delivery=%s", delivery.pk)
                outcome = Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500])
            if outcome.ok:
                delivered[outcome.status_code].append(delivery.pk)
                continue
            failures.append((delivery, outcome))
            if outcome.subscriber_down:
                down[delivery.subscriber_id] = backoff_seconds(
                    delivery.attempts, base=self.config.retry_base, cap=self.config.retry_max
                )
        self._record(token, delivered, failures, down, deferred, released, report)
        return report

    def _record(
        self,
        token: uuid.UUID,
        delivered: dict[int | None, list[int]],
        failures: list[tuple[Delivery, Outcome]],
        down: dict[int, float],
        deferred: dict[int, list[int]],
        released: list[int],
        report: BatchReport,
    ) -> None:
        now = timezone.now()
        cleared: dict[str, Any] = {"leased_until": None, "lease_token": None}
        with transaction.atomic():
            for status_code, ids in delivered.items():
                report.delivered += Delivery.objects.filter(id__in=ids, lease_token=token).update(
                    state=DeliveryState.DELIVERED,
                    delivered_at=now,
                    last_error="",
                    last_status_code=status_code,
                    **cleared,
                )
            for delivery, outcome in failures:
                dead = delivery.attempts >= self.config.max_attempts
                delay = down.get(delivery.subscriber_id) or backoff_seconds(
                    delivery.attempts, base=self.config.retry_base, cap=self.config.retry_max
                )
                changed = Delivery.objects.filter(pk=delivery.pk, lease_token=token).update(
                    state=DeliveryState.DEAD if dead else DeliveryState.FAILED,
                    next_attempt_at=now + timedelta(seconds=delay),
                    last_error=outcome.error or "failed",
                    last_status_code=outcome.status_code,
                    **cleared,
                )
                if changed:
                    if dead:
                        report.dead += 1
                        logger.warning(
                            "outbox.dead delivery=%s subscriber=%s error=%s",
                            delivery.pk,
                            delivery.subscriber_id,
                            outcome.error,
                        )
                    else:
                        report.failed += 1
            for subscriber_id, ids in deferred.items():
                report.deferred += Delivery.objects.filter(id__in=ids, lease_token=token).update(
                    attempts=F("attempts") - 1,
                    next_attempt_at=now + timedelta(seconds=down[subscriber_id]),
                    **cleared,
                )
            if released:
                report.released += Delivery.objects.filter(
                    id__in=released, lease_token=token
                ).update(attempts=F("attempts") - 1, **cleared)

    # -- the loop ------------------------------------------------------------------------------
    def run(
        self,
        *,
        should_stop: Callable[[], bool] = lambda: False,
        max_seconds: float | None = None,
        until_idle: bool = False,
    ) -> BatchReport:
        """Work until ``should_stop()``, ``max_seconds`` elapse, or (``until_idle``) nothing is
        due. Returns the totals."""
        total = BatchReport()
        started = time.monotonic()
        try:
            while not should_stop():
                if max_seconds is not None and time.monotonic() - started > max_seconds:
                    break
                try:
                    report = self.run_once()
                except DatabaseError:
                    logger.exception("outbox.database_error worker=%s", self.worker_id)
                    close_old_connections()
                    connection.close()
                    time.sleep(self.config.poll)
                    continue
                for name in ("claimed", "delivered", "failed", "dead", "deferred", "released"):
                    setattr(total, name, getattr(total, name) + getattr(report, name))
                if report.claimed == 0:
                    if until_idle:
                        break
                    _sleep(self.config.poll, should_stop)
        finally:
            self.close()
        return total


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not should_stop():
        time.sleep(min(0.05, max(0.0, end - time.monotonic())))
