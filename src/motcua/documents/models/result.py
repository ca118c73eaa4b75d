from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class ResultKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    CERTIFICATE = "certificate", _("Certificate")
    PERMIT = "permit", _("Permit / licence")
    OTHER = "other", _("Other document")


class ResultDocument(TimeStampedModel):
    """The electronic result of a record (PDF), identified by its result code
    ``KQ.<agency code>.<sequence>``. ``storage_name``/``sha256`` always describe the current file:
    after each signature the signed file replaces it (the earlier bytes stay inside it as the
    signed revisions, PDF incremental updates)."""

    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("record"),
        on_delete=models.PROTECT,
        related_name="result_documents",
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("issuing agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(_("result code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ResultKind.choices)
    title = models.CharField(_("title"), max_length=300)
    storage_name = models.CharField(_("stored file"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    unsigned_sha256 = models.CharField(_("SHA-256 before signing"), max_length=64)
    pdfa = models.BooleanField(_("PDF/A-2b"), default=False)
    signature_count = models.PositiveSmallIntegerField(_("signatures"), default=0)
    sealed = models.BooleanField(_("sealed by the agency"), default=False)
    is_current = models.BooleanField(_("current result"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("result document")
        verbose_name_plural = _("result documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(is_current=True),
                name="result_one_current_per_record",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ResultSignature(models.Model):
    """One signature added to a result document, in signing order."""

    class Role(models.TextChoices):
        SIGNER = "signer", _("Signer (leader)")
        SEAL = "seal", _("Agency seal")

    document = models.ForeignKey(
        ResultDocument, on_delete=models.CASCADE, related_name="signatures"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    field_name = models.CharField(_("signature field"), max_length=60)
    credential = models.ForeignKey(
        "documents.SigningCredential", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    timestamped = models.BooleanField(_("timestamped (PAdES B-T)"), default=False)
    sha256_after = models.CharField(_("SHA-256 after signing"), max_length=64)

    class Meta:
        verbose_name = _("result signature")
        verbose_name_plural = _("result signatures")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "order"], name="result_signature_unique_order"
            ),
            models.UniqueConstraint(
                fields=["document", "role"], name="result_signature_one_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.order} {self.role}"
