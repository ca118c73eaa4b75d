from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError


class EventKind(models.TextChoices):
    SUBMITTED = "record.submitted", _("Submitted online")
    RECEIVED = "record.received", _("Received")
    REFUSED = "record.refused", _("Refused")
    CLAIMED = "record.claimed", _("Claimed")
    ASSIGNED = "record.assigned", _("Assigned")
    FORWARDED = "record.forwarded", _("Forwarded")
    SENT_BACK = "record.sent_back", _("Sent back")
    OPINION_REQUESTED = "record.opinion_requested", _("Opinion requested")
    OPINION_GIVEN = "record.opinion_given", _("Opinion given")
    SUPPLEMENT_REQUESTED = "record.supplement_requested", _("Supplement requested")
    SUPPLEMENT_RECEIVED = "record.supplement_received", _("Supplement received")
    STOPPED = "record.stopped", _("Processing stopped")
    APPROVED = "record.approved", _("Approved")
    RESULT_READY = "record.result_ready", _("Result ready")
    RETURNED = "record.returned", _("Result returned")
    WITHDRAWN = "record.withdrawn", _("Withdrawn")
    EXTENDED = "record.extended", _("Apology and new appointment")


class RecordEvent(models.Model):
    """One row per move; never edited or deleted."""

    # Indexed by event_record_at, which begins with the record.
    record = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = models.CharField(_("event"), max_length=40, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30)
    national_code = models.PositiveSmallIntegerField(_("national status code"))
    due_before = models.DateTimeField(_("due before"), null=True, blank=True)
    due_after = models.DateTimeField(_("due after"), null=True, blank=True)
    # The clock's own due instant after this move (extensions do not move it): with ``at`` and
    # ``to_status`` it lets reports classify a record "as of" any instant without replaying.
    statutory_due_after = models.DateTimeField(_("statutory due after"), null=True, blank=True)
    step = models.ForeignKey(
        "records.RecordStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_unit = models.ForeignKey(
        "organisations.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "organisations.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["record", "at"], name="event_record_at")]

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise DomainError("Record events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise DomainError("Record events are append-only.")
