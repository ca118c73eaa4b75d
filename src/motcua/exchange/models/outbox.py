"""The outbox: one OutboxEvent per record event, one Delivery per (subscriber, event)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


def _kind_choices() -> list[tuple[str, str]]:
    from motcua.exchange.kinds import kind_choices

    return kind_choices()


class Subscriber(TimeStampedModel):
    """Somebody who receives the record events: a webhook, the national portal, later e-mail,
    SMS or chat channels (``kind`` names an entry of the kinds registry)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=_kind_choices)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive subscribers receive no new events; queued deliveries stay queued."),
    )
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_("Webhook: the receiver's URL. National portal: the adapter's base URL."),
    )
    username = models.CharField(
        _("user name"), max_length=100, blank=True, help_text=_("National portal: account name.")
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        blank=True,
        help_text=_(
            "Webhook: the shared signing secret. National portal: the account password. "
            "Stored as given, because the system must use it."
        ),
    )
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        help_text=_("Settings of the kind, e.g. the national portal's endpoints and unit code."),
    )
    event_kinds = models.JSONField(
        _("event kinds"),
        default=list,
        blank=True,
        help_text=_("Only these event kinds (e.g. record.received); empty: every event."),
    )
    agencies = models.ManyToManyField(
        "organisations.Agency",
        verbose_name=_("agencies"),
        blank=True,
        related_name="+",
        help_text=_("Only records received or settled by these agencies; empty: all."),
    )

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from motcua.exchange.kinds import get_kind

        if not isinstance(self.event_kinds, list) or not all(
            isinstance(k, str) for k in self.event_kinds
        ):
            raise ValidationError({"event_kinds": _("Give a list of event kinds.")})
        if not isinstance(self.options, dict):
            raise ValidationError({"options": _("Give an object of options.")})
        kind = get_kind(self.kind)
        if kind is not None:
            kind.check_subscriber(self)


class OutboxEvent(models.Model):
    """A record event as the outside world sees it: a stable id and the exact body sent."""

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    record_event = models.OneToOneField(
        "records.RecordEvent", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey("records.Record", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("event"), max_length=40)
    occurred_at = models.DateTimeField(_("occurred at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    body = models.TextField(_("body"), help_text=_("The JSON sent to webhooks, byte for byte."))

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Dead (gave up)")


OPEN_STATES = (DeliveryState.PENDING, DeliveryState.FAILED)


class Delivery(models.Model):
    """One event for one subscriber. ``record_id`` and ``event_id`` are copied here so that the
    worker's "earlier event of the same record not yet delivered" check is one index probe."""

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        OutboxEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    record_id = models.BigIntegerField(_("record"))
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    leased_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    lease_token = models.UUIDField(_("claim"), null=True, blank=True)
    lease_owner = models.CharField(_("worker"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_status_code = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "event"], name="delivery_unique"),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in DeliveryState]),
                name="delivery_state_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="delivery_due",
                condition=Q(state__in=["pending", "failed"]),
            ),
            models.Index(
                fields=["subscriber", "record_id", "event"],
                name="delivery_open_per_record",
                condition=~Q(state="delivered"),
            ),
            models.Index(fields=["subscriber", "created_at"], name="delivery_subscriber_day"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id}/{self.event_id} {self.state}"


class NationalSyncState(models.Model):
    """What the national portal already knows of a record (for ``isUpdating``), per subscriber."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="+")
    first_synced_at = models.DateTimeField(_("first synchronised at"))
    last_synced_at = models.DateTimeField(_("last synchronised at"))
    last_national_code = models.PositiveSmallIntegerField(_("last status sent"))

    class Meta:
        verbose_name = _("national portal sync state")
        verbose_name_plural = _("national portal sync states")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "record"], name="nationalsync_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id}/{self.record_id}"
