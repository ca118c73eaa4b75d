from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.records.workflow import OPEN, Status


class Channel(models.TextChoices):
    DIRECT = "direct", _("Direct at the desk")
    POSTAL = "postal", _("Public postal service")
    ONLINE = "online", _("Online")


class ReturnMethod(models.TextChoices):
    DESK = "desk", _("At the desk")
    POSTAL = "postal", _("By post")
    ELECTRONIC = "electronic", _("Electronically")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Record(TimeStampedModel):
    """A record (hồ sơ) filed under one published procedure version.

    Clock fields (what reports need, so that they never replay histories):
    - ``clock_started_at``: when the legal clock started (after cut-off / office hours);
    - ``statutory_due_at``: the due instant from the procedure's duration, moved by supplement
      pauses (pause rule) or restarted (restart rule), never by extensions;
    - ``due_at``: the appointment currently given to the applicant (extensions move it);
    - ``paused_at``: set while the clock is paused for a supplement;
    - ``finished_at``/``timeliness``: the first of result ready, returned, stopped, withdrawn.
    """

    code = models.CharField(_("record code"), max_length=40, unique=True, null=True, blank=True)
    external_code = models.CharField(_("portal code"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)
    # Unique through Meta.constraints: a unique=True CharField also gets a varchar_pattern_ops
    # index on PostgreSQL, for prefix searches nobody makes on a secret.
    lookup_secret = models.CharField(_("lookup secret"), max_length=64)
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="records",
        # record_agency_status_due and record_agency_received begin with the agency.
        db_index=False,
    )
    handling_agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("settling agency"),
        on_delete=models.PROTECT,
        related_name="handled_records",
    )
    procedure_version = models.ForeignKey(
        "catalogue.ProcedureVersion",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.SUBMITTED
    )

    applicant_kind = models.CharField(
        _("applicant kind"),
        max_length=20,
        choices=ApplicantKind.choices,
        default=ApplicantKind.PERSON,
    )
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    applicant_id_number = models.CharField(_("ID number / tax code"), max_length=20, blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    representative_name = models.CharField(
        _("authorised representative"), max_length=200, blank=True
    )
    representative_id_number = models.CharField(
        _("representative ID number"), max_length=20, blank=True
    )
    representative_phone = models.CharField(_("representative phone"), max_length=20, blank=True)
    subject = models.CharField(_("content of request"), max_length=500, blank=True)
    sets = models.PositiveSmallIntegerField(_("number of sets"), default=1)
    fees_due = models.PositiveBigIntegerField(_("fees due (VND)"), default=0)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    book_number = models.PositiveIntegerField(_("tracking book sequence"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("clock started at"), null=True, blank=True)
    statutory_due_at = models.DateTimeField(_("statutory due at"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("first appointment"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    due_explanation = models.JSONField(_("due-date explanation"), default=list, blank=True)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)

    current_step = models.ForeignKey(
        "records.RecordStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("processing finished at"), null=True, blank=True)
    finish_status = models.CharField(
        _("finished as"), max_length=30, choices=Status.choices, blank=True
    )
    timeliness = models.CharField(
        _("timeliness"), max_length=10, choices=Timeliness.choices, blank=True
    )
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    return_method = models.CharField(
        _("return method"), max_length=20, choices=ReturnMethod.choices, blank=True
    )
    result_summary = models.TextField(_("result"), blank=True)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_code"],
                condition=~models.Q(external_code=""),
                name="record_unique_external_code",
            ),
            models.UniqueConstraint(fields=["lookup_secret"], name="record_unique_lookup_secret"),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="record_agency_status_due"),
            models.Index(fields=["agency", "received_at"], name="record_agency_received"),
            models.Index(fields=["finished_at"], name="record_finished"),
            # The settlement report's "open or finished since the period started" among received
            # records: online submissions refused before reception (never received, never
            # finished) pile up over the years and are left out of it.
            models.Index(
                fields=["finished_at"],
                condition=models.Q(received_at__isnull=False),
                name="record_report_finished",
            ),
            models.Index(fields=["applicant_id_number"], name="record_applicant_id"),
            models.Index(fields=["status", "due_at"], name="record_status_due"),
            # Record lists newest first (search without a filter).
            models.Index(fields=["received_at", "id"], name="record_received"),
            # Open records only: the queues join their steps to it without reading the table
            # (appointment and pause instant are in the index).
            models.Index(
                fields=["id"],
                include=["due_at", "paused_at"],
                condition=models.Q(status__in=sorted(status.value for status in OPEN)),
                name="record_open",
            ),
            # Open records in appointment order: the "due soon" queue reads them from now on
            # and stops as soon as a page is full.
            models.Index(
                fields=["due_at"],
                include=["id", "paused_at"],
                condition=models.Q(status__in=sorted(status.value for status in OPEN)),
                name="record_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def national_code(self) -> int:
        from motcua.records.workflow import national_code

        return national_code(self.status)

    @property
    def is_open(self) -> bool:
        from motcua.records.workflow import OPEN

        return self.status in OPEN


class RecordComponent(models.Model):
    """A document submitted with the record (checklist line), optionally with its scan."""

    class CopyKind(models.TextChoices):
        ORIGINAL = "original", _("Original")
        CERTIFIED_COPY = "certified_copy", _("Certified copy")
        COPY = "copy", _("Photocopy")
        ELECTRONIC = "electronic", _("Electronic")

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(
        "catalogue.DocumentComponent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("document"), max_length=300)
    copy_kind = models.CharField(
        _("form"), max_length=20, choices=CopyKind.choices, default=CopyKind.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    file = models.FileField(_("scan"), upload_to="records/%Y/%m/", blank=True)
    is_digitised = models.BooleanField(_("digitised"), default=False)
    added_at_supplement = models.BooleanField(_("added with a supplement"), default=False)

    class Meta:
        verbose_name = _("submitted document")
        verbose_name_plural = _("submitted documents")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RecordFee(models.Model):
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("fee"), max_length=200)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    paid = models.BooleanField(_("paid"), default=False)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"
