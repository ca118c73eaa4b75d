from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.records.models.record import Timeliness


class RecordStep(models.Model):
    """One step of a record's processing: the template step it follows (or an opinion request),
    the unit whose queue holds it, its assignee, start, step due instant and finish."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Processing step")
        OPINION = "opinion", _("Opinion request")

    class State(models.TextChoices):
        ACTIVE = "active", _("In progress")
        DONE = "done", _("Done")
        SENT_BACK = "sent_back", _("Sent back")
        CANCELLED = "cancelled", _("Cancelled")

    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=200)
    public_status = models.CharField(_("public status"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="record_steps"
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit", on_delete=models.PROTECT, related_name="record_steps"
    )
    # Copied from the process template when the step starts (permissions.may_act_on_step): only
    # holders of ``role`` (and, with ``leaders_may_act``, the unit's head and the agency's
    # leaders) claim, forward or complete the step. Empty on opinion requests.
    role = models.CharField(_("role"), max_length=30, blank=True)
    leaders_may_act = models.BooleanField(_("leaders may act"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record_steps",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("step due at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    timeliness = models.CharField(
        _("timeliness"), max_length=10, choices=Timeliness.choices, blank=True
    )
    budget_hours = models.DecimalField(
        _("budget (working hours)"), max_digits=8, decimal_places=2, default=0
    )
    note = models.TextField(_("note"), blank=True)
    requested_by_step = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="opinion_requests"
    )

    class Meta:
        verbose_name = _("processing step")
        verbose_name_plural = _("processing steps")
        ordering = ["started_at", "id"]
        # The work queues read active steps only (a few per cent of the table): small partial
        # indexes that carry what the queue queries read, so that counting and choosing a page
        # never visit the table (docs/performance.md).
        indexes = [
            models.Index(
                fields=["assignee", "due_at"],
                include=["record", "id"],
                condition=models.Q(state="active"),
                name="step_active_assignee",
            ),
            models.Index(
                fields=["unit", "due_at"],
                include=["record", "id"],
                condition=models.Q(state="active", assignee__isnull=True),
                name="step_active_unit",
            ),
            models.Index(
                fields=["agency", "due_at"],
                include=["record", "id"],
                condition=models.Q(state="active", assignee__isnull=True),
                name="step_active_agency",
            ),
            # Every active step with what the deadline queues read: probed from an open record
            # (due soon, in appointment order) or read whole instead of the table (overdue).
            models.Index(
                fields=["record"],
                include=["assignee", "unit", "agency", "due_at", "id"],
                condition=models.Q(state="active"),
                name="step_active_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.name}"
