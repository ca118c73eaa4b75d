from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class CalendarOverride(TimeStampedModel):
    """An admin-editable exception to the working calendar: an extra day off (e.g. a swap day
    the `holidays` package does not know yet) or an extra working day (a swapped Saturday), for
    the whole province (agency empty) or one agency. Each carries its legal reference."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Extra working day")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
        help_text=_("Empty: applies to the whole province."),
    )
    name = models.CharField(_("name"), max_length=200)
    legal_reference = models.CharField(_("legal reference"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "agency"], name="calendaroverride_unique_agency_date"
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(agency__isnull=True),
                name="calendaroverride_unique_province_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} — {self.name}"
