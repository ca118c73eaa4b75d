"""Versions of a procedure and their rows (components, fees, process steps).

A version is a draft until it is published; a published (or retired) version never changes.
Services check that before every write, and the models below refuse it too (``save`` and
``delete`` raise ``PublishedVersionLocked``), so an admin form, a shell session or a future
service that forgets the check cannot change a published version either. Bulk queryset
``update()``/``delete()`` bypass model methods: only services may use them, on drafts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.models.choices import (
    ComponentForm,
    CountingMode,
    DurationUnit,
    FeeKind,
    OnlineLevel,
    ProcedureLevel,
    ResultType,
    SupplementRule,
    VersionStatus,
)
from motcua.core.errors import Conflict
from motcua.core.models import TimeStampedModel
from motcua.organisations.models import Role


class PublishedVersionLocked(Conflict):
    """Somebody tried to change a published or retired version."""

    code = "version_locked"


def _locked() -> PublishedVersionLocked:
    from django.utils.translation import gettext

    return PublishedVersionLocked(
        gettext("A published or retired version never changes: create a new draft instead.")
    )


class ProcedureVersion(TimeStampedModel):
    """The content of a procedure at one point in time: duration, rules, documents, fees and
    the process template. Records point at the version they were filed under."""

    # Fields a service may still write on a published version (retiring it).
    LIFECYCLE_FIELDS = frozenset({"status", "retired_at", "retired_by", "updated_at"})

    procedure = models.ForeignKey(
        "catalogue.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    effective_from = models.DateTimeField(
        _("effective from"),
        null=True,
        blank=True,
        help_text=_(
            "Records received from this instant use this version; empty: from publication."
        ),
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retired by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    name = models.CharField(
        _("name"), max_length=500, help_text=_("The procedure name as published in this version.")
    )
    level = models.CharField(_("level"), max_length=20, choices=ProcedureLevel.choices)
    implementing_agencies = models.ManyToManyField(
        "organisations.Agency",
        verbose_name=_("implementing agencies"),
        related_name="implemented_versions",
        blank=True,
        help_text=_("Agencies that settle the procedure (cơ quan thực hiện)."),
    )
    receiving_agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("receiving agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receiving_versions",
        help_text=_(
            "Agency whose one-stop desk receives dossiers on behalf of the implementing agencies "
            "(usually the Public Administration Service Center); empty: each implementing agency "
            "receives at its own desk."
        ),
    )
    duration_value = models.DecimalField(
        _("legal duration"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("0 means the same day."),
    )
    duration_unit = models.CharField(
        _("duration unit"),
        max_length=20,
        choices=DurationUnit.choices,
        default=DurationUnit.WORKING_DAYS,
    )
    counting_mode = models.CharField(
        _("counting mode"), max_length=10, choices=CountingMode.choices, default=CountingMode.HOURS
    )
    cutoff = models.TimeField(
        _("same-day cut-off"),
        null=True,
        blank=True,
        help_text=_(
            "Dossiers received after this time start counting on the next working day (e.g. 15:00)."
        ),
    )
    supplement_rule = models.CharField(
        _("supplement clock rule"),
        max_length=10,
        choices=SupplementRule.choices,
        default=SupplementRule.PAUSE,
    )
    result_type = models.CharField(_("result type"), max_length=20, choices=ResultType.choices)
    online_level = models.CharField(
        _("online service level"),
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    requires_signed_result = models.BooleanField(
        _("result must be digitally signed"),
        default=False,
        help_text=_("The result is a document that must carry the agency's digital signature."),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative data"),
        default=False,
        help_text=_("Demonstration content, not an official text."),
    )

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(status=VersionStatus.DRAFT),
                name="version_one_draft",
                violation_error_message=_("This procedure already has a draft version."),
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="version_number_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_value__gte=0), name="version_duration_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT)
                | models.Q(published_at__isnull=False, effective_from__isnull=False),
                name="version_published_has_dates",
            ),
        ]
        indexes = [
            models.Index(fields=["procedure", "status", "-number"], name="version_current_idx")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} ({self.get_status_display()})"

    # ---- immutability guard ---------------------------------------------------------------
    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored is not None and stored != VersionStatus.DRAFT:
                update_fields = kwargs.get("update_fields")
                if update_fields is None or not set(update_fields) <= self.LIFECYCLE_FIELDS:
                    raise _locked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored is not None and stored != VersionStatus.DRAFT:
            raise _locked()
        return super().delete(*args, **kwargs)


class VersionRow(models.Model):
    """A row that belongs to a version and is frozen with it."""

    version: models.ForeignKey[ProcedureVersion, ProcedureVersion]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._ensure_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._ensure_draft()
        return super().delete(*args, **kwargs)

    def _ensure_draft(self) -> None:
        status = (
            ProcedureVersion.objects.filter(pk=self.version_id)  # type: ignore[attr-defined]
            .values_list("status", flat=True)
            .first()
        )
        if status is not None and status != VersionStatus.DRAFT:
            raise _locked()


class DocumentComponent(VersionRow):
    """A document the applicant submits (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="components",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=50)
    name = models.TextField(_("name"))
    form = models.CharField(
        _("form"), max_length=10, choices=ComponentForm.choices, default=ComponentForm.EITHER
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)

    class Meta:
        verbose_name = _("document component")
        verbose_name_plural = _("document components")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="component_order_unique"),
            models.UniqueConstraint(fields=["version", "code"], name="component_code_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="component_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Fee(VersionRow):
    """A fee (phí) or charge (lệ phí) collected for the procedure, in VND."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="fees"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=FeeKind.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="fee_order_unique"),
            models.UniqueConstraint(fields=["version", "code"], name="fee_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} VND"


class ProcessStep(VersionRow):
    """One step of the process template (quy trình nội bộ) of a version.

    ``agency`` empty means "the implementing agency that handles the record" — needed for
    procedures every commune settles with the same process. ``unit_code`` names the unit
    inside that agency (every agency has e.g. the one-stop desk ``MC``); publishing checks that
    the unit exists in the agency (in every implementing agency when ``agency`` is empty).
    """

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=255)
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("executing agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the implementing agency that handles the record."),
    )
    unit_code = models.CharField(
        _("unit code"),
        max_length=50,
        help_text=_("Code of the unit inside the executing agency, e.g. MC."),
    )
    role = models.CharField(
        _("role"),
        max_length=30,
        choices=Role.choices,
        help_text=_(
            "Only holders of this role in the step's unit can claim, forward or complete it."
        ),
    )
    leaders_may_act = models.BooleanField(
        _("leaders may act"),
        default=False,
        help_text=_(
            "Also let the head of the step's unit and the leaders of its agency claim, forward "
            "or complete this step."
        ),
    )
    budget_hours = models.DecimalField(
        _("time budget (working hours)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    public_status = models.CharField(
        _("public status text"),
        max_length=255,
        help_text=_("Shown to citizens while the record is at this step."),
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="step_order_unique"),
            models.CheckConstraint(
                condition=models.Q(budget_hours__gte=0), name="step_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def is_inter_agency(self) -> bool:
        """A step at an agency that neither receives nor settles the procedure (liên thông),
        e.g. the police checking criminal records for the Department of Justice."""
        if self.agency_id is None:
            return False
        version = self.version
        if version.receiving_agency_id == self.agency_id:
            return False
        return not any(a.pk == self.agency_id for a in version.implementing_agencies.all())

    def clean(self) -> None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext

        if not (self.agency_id and self.unit_code):
            return
        if not self.agency.units.filter(code=self.unit_code).exists():  # type: ignore[union-attr]
            raise ValidationError(
                {
                    "unit_code": gettext("The agency %(agency)s has no unit with code “%(unit)s”.")
                    % {"agency": self.agency, "unit": self.unit_code}
                }
            )


def _guard_implementing_agencies(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    """Refuse changes to the implementing agencies of a published version, from either side."""
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    if not reverse:
        version_ids = {instance.pk}
    elif pk_set is not None:
        version_ids = set(pk_set)
    else:  # agency.implemented_versions.clear()
        version_ids = set(instance.implemented_versions.values_list("pk", flat=True))
    if (
        ProcedureVersion.objects.filter(pk__in=version_ids)
        .exclude(status=VersionStatus.DRAFT)
        .exists()
    ):
        raise _locked()


models.signals.m2m_changed.connect(
    _guard_implementing_agencies,
    sender=ProcedureVersion.implementing_agencies.through,
    dispatch_uid="catalogue_guard_implementing_agencies",
)
