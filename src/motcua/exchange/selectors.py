"""Reads of the exchange app: reconciliation per subscriber and day, lag, drill-down lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from motcua.core.users import RequestUser
from motcua.exchange import permissions
from motcua.exchange.models import Delivery, DeliveryState, Subscriber


@dataclass(frozen=True)
class DayRow:
    subscriber: Subscriber
    day: date
    produced: int
    delivered: int
    pending: int
    failed: int
    dead: int


@dataclass(frozen=True)
class Lag:
    subscriber: Subscriber
    oldest_at: datetime
    waiting: int

    @property
    def minutes(self) -> int:
        return int((timezone.now() - self.oldest_at).total_seconds() // 60)


def _local_day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    low = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    high = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return low, high


def reconciliation(*, user: RequestUser, start: date, end: date) -> list[DayRow]:
    """Per subscriber and local day (of the event entering the outbox): produced, delivered,
    pending (not yet attempted or in flight), failed (retrying), dead. One grouped query."""
    permissions.ensure_can_monitor(user)
    low, high = _local_day_bounds(start, end)
    rows = (
        Delivery.objects.filter(created_at__gte=low, created_at__lt=high)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("subscriber_id", "day")
        .annotate(
            produced=Count("id"),
            delivered=Count("id", filter=Q(state=DeliveryState.DELIVERED)),
            pending=Count("id", filter=Q(state=DeliveryState.PENDING)),
            failed=Count("id", filter=Q(state=DeliveryState.FAILED)),
            dead=Count("id", filter=Q(state=DeliveryState.DEAD)),
        )
        .order_by("-day", "subscriber_id")
    )
    subscribers = {s.pk: s for s in Subscriber.objects.all()}
    return [
        DayRow(
            subscriber=subscribers[row["subscriber_id"]],
            day=row["day"],
            produced=row["produced"],
            delivered=row["delivered"],
            pending=row["pending"],
            failed=row["failed"],
            dead=row["dead"],
        )
        for row in rows
    ]


def deliveries(
    *, user: RequestUser, subscriber_id: int | None = None, day: date | None = None, state: str = ""
) -> QuerySet[Delivery]:
    permissions.ensure_can_monitor(user)
    qs = Delivery.objects.select_related("subscriber", "event").order_by("-id")
    if subscriber_id is not None:
        qs = qs.filter(subscriber_id=subscriber_id)
    if day is not None:
        low, high = _local_day_bounds(day, day)
        qs = qs.filter(created_at__gte=low, created_at__lt=high)
    if state:
        qs = qs.filter(state=state)
    return qs


def lagging_subscribers(*, threshold_minutes: int | None = None) -> list[Lag]:
    """Subscribers whose oldest undelivered event is older than the threshold (a system-wide
    health signal: no personal data, shown to those who may monitor)."""
    minutes = (
        settings.MOTCUA_OUTBOX_LAG_ALERT_MINUTES if threshold_minutes is None else threshold_minutes
    )
    limit = timezone.now() - timedelta(minutes=minutes)
    rows = (
        Delivery.objects.exclude(state=DeliveryState.DELIVERED)
        .values("subscriber_id")
        .annotate(oldest=Min("created_at"), waiting=Count("id"))
        .filter(oldest__lt=limit)
        .order_by("oldest")
    )
    subscribers = {s.pk: s for s in Subscriber.objects.all()}
    return [
        Lag(
            subscriber=subscribers[row["subscriber_id"]],
            oldest_at=row["oldest"],
            waiting=row["waiting"],
        )
        for row in rows
    ]
