from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeskSlip(models.Model):
    """A dossier that was NOT received at the desk: the guidance slip (Form 02, incomplete
    dossier) or the refusal slip (Form 03, ineligible). Counted apart from received records."""

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", _("Guidance to complete the dossier (Form 02)")
        REFUSAL = "refusal", _("Refusal to receive (Form 03)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=40)
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="desk_slips"
    )
    procedure_version = models.ForeignKey(
        "catalogue.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10)
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    applicant_id_number = models.CharField(_("ID number / tax code"), max_length=20, blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    subject = models.CharField(_("content of request"), max_length=500, blank=True)
    reason = models.TextField(_("reason"))
    items = models.JSONField(_("documents to complete"), default=list, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("desk slip")
        verbose_name_plural = _("desk slips")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "number"], name="deskslip_number_unique"
            )
        ]
        indexes = [models.Index(fields=["agency", "issued_at"], name="deskslip_agency_issued")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
