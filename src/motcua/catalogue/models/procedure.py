from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel

# National procedure code (mã TTHC) of the national TTHC database, e.g. 1.001612 or 2.000488.
PROCEDURE_CODE_PATTERN = r"^\d\.\d{6}$"
procedure_code_validator = RegexValidator(
    PROCEDURE_CODE_PATTERN,
    _("Enter a national procedure code such as 1.001612 (one digit, a dot, six digits)."),
)


class Field(TimeStampedModel):
    """A field of administration (lĩnh vực), e.g. Hộ tịch, Lý lịch tư pháp."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(TimeStampedModel):
    """An administrative procedure (thủ tục hành chính) identified by its national code. What it
    requires and how it is settled lives in its versions (``ProcedureVersion``)."""

    code = models.CharField(
        _("national procedure code"),
        max_length=8,
        unique=True,
        validators=[procedure_code_validator],
        help_text=_("Code in the national TTHC database, e.g. 1.001612."),
    )
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="procedures"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                # Portable form of ^\d\.\d{6}$ (both SQLite and PostgreSQL): 8 characters, a dot
                # in second place, digits elsewhere. The validator gives the friendly message.
                condition=models.Q(code__regex=r"^[0-9]\.[0-9]{6}$"),
                name="procedure_code_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
