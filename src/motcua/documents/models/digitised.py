from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class DigitisedDocument(TimeStampedModel):
    """A scanned paper component kept as an electronic copy signed with the agency seal
    (domain.md §10), so that the owner is never asked for it again while it is valid."""

    owner_id_number = models.CharField(_("owner ID number / tax code"), max_length=20)
    owner_name = models.CharField(_("owner"), max_length=200)
    component_code = models.CharField(_("component code"), max_length=60)
    name = models.CharField(_("document"), max_length=300)
    issuer = models.CharField(_("issued by"), max_length=300)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_digitised = models.BooleanField(_("digitised"), default=True)
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("digitising agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_record = models.ForeignKey(
        "records.Record",
        verbose_name=_("digitised with record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="digitised_documents",
    )
    storage_name = models.CharField(_("stored file"), max_length=300)
    content_type = models.CharField(_("content type"), max_length=50)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    signed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)
    seal = models.ForeignKey(
        "documents.SigningCredential",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reuse_count = models.PositiveIntegerField(_("times reused"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("digitised document")
        verbose_name_plural = _("digitised documents")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner_id_number", "valid_until"], name="digitised_owner_valid")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="digitised_validity_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component_code} {self.name}"


class DocumentReuse(models.Model):
    """A digitised document or an earlier signed result attached to a new record without
    re-scanning (Decision 766 indicator group 4: reuse of digitised data)."""

    record = models.ForeignKey(
        "records.Record", on_delete=models.CASCADE, related_name="reused_documents"
    )
    digitised = models.ForeignKey(
        DigitisedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="reuses"
    )
    result = models.ForeignKey(
        "documents.ResultDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reuses",
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attached_at = models.DateTimeField(_("attached at"))

    class Meta:
        verbose_name = _("reused document")
        verbose_name_plural = _("reused documents")
        ordering = ["record", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(digitised__isnull=False) & models.Q(result__isnull=True))
                | (models.Q(digitised__isnull=True) & models.Q(result__isnull=False)),
                name="reuse_exactly_one_source",
            ),
            models.UniqueConstraint(
                fields=["record", "digitised"],
                condition=models.Q(digitised__isnull=False),
                name="reuse_digitised_once_per_record",
            ),
            models.UniqueConstraint(
                fields=["record", "result"],
                condition=models.Q(result__isnull=False),
                name="reuse_result_once_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.digitised_id or self.result_id}"
