"""Code mapping tables for the national portal (domain.md §2.3): local → national codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class NationalAgencyCode(TimeStampedModel):
    """The national portal's unit code (``madonvi``, ``DonViXuLy``) of a local agency.
    Without a row, the agency's own identifier code is sent."""

    agency = models.OneToOneField(
        "organisations.Agency",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    national_code = models.CharField(_("national unit code"), max_length=60)
    national_name = models.CharField(_("national unit name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("national unit code")
        verbose_name_plural = _("national unit codes")
        ordering = ["agency__code"]

    def __str__(self) -> str:
        return f"{self.agency} → {self.national_code}"


class NationalProcedureCode(TimeStampedModel):
    """The national portal's procedure code (``MaTTHC``) and field (``MaLinhVuc``) of a local
    procedure. Without a row, the procedure's code and field are sent."""

    procedure = models.OneToOneField(
        "catalogue.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    national_code = models.CharField(_("national procedure code (MaTTHC)"), max_length=60)
    national_field_code = models.CharField(
        _("national field code (MaLinhVuc)"), max_length=60, blank=True
    )
    national_field_name = models.CharField(_("national field name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("national procedure code")
        verbose_name_plural = _("national procedure codes")
        ordering = ["procedure__code"]

    def __str__(self) -> str:
        return f"{self.procedure} → {self.national_code}"
