from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class Role(models.TextChoices):
    RECEPTION = "reception", _("Reception officer (one-stop desk)")
    SPECIALIST = "specialist", _("Specialist")
    UNIT_HEAD = "unit_head", _("Unit head")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    CENTER_SUPERVISOR = "center_supervisor", _("Center supervisor")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class StaffRole(TimeStampedModel):
    """A role granted to a user in an agency, optionally inside one of its units."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="staff_roles",
    )
    unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_roles",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "unit", "role"], name="staffrole_unique"
            ),
        ]
        indexes = [models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.unit is not None and self.agency_id and self.unit.agency_id != self.agency_id:
            raise ValidationError({"unit": _("The unit must belong to the chosen agency.")})
