from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel

# National identifier code of an agency (mã định danh, Circular 10/2016/TT-BTTTT), e.g.
# 000.00.12.H29. Format [M]: three digits, two, two, then a letter (G central, H province) and
# two digits.
# The same format for the OpenAPI schema (ASCII digits spelled out).
AGENCY_CODE_PATTERN = r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$"
agency_code_validator = RegexValidator(
    r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$",
    _("Enter an identifier code such as 000.00.12.H29."),
)


class AdministrativeUnit(TimeStampedModel):
    """Province, commune — and district, kept for historical data (abolished on 01/07/2025)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District (before 01/07/2025)")
        COMMUNE = "commune", _("Commune / ward")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="adminunit_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Agency(TimeStampedModel):
    """An agency that receives or settles records: the Center, a department, a commune
    People's Committee, the police..."""

    class Kind(models.TextChoices):
        CENTER = "center", _("Public Administration Service Center")
        DEPARTMENT = "department", _("Provincial department")
        COMMUNE = "commune", _("Commune People's Committee")
        POLICE = "police", _("Police")
        DISTRICT = "district", _("District People's Committee (historical)")
        OTHER = "other", _("Other agency")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province level")
        DISTRICT = "district", _("District level (historical)")
        COMMUNE = "commune", _("Commune level")

    code = models.CharField(
        _("identifier code"), max_length=20, unique=True, validators=[agency_code_validator]
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Office periods "HH:MM-HH:MM,HH:MM-HH:MM"; blank = settings.MOTCUA_OFFICE_HOURS.
    office_hours = models.CharField(
        _("office hours"),
        max_length=100,
        blank=True,
        help_text=_("Periods such as 07:30-11:30,13:00-17:00; empty for the province default."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from motcua.organisations.calendar import parse_office_hours

        if self.office_hours:
            try:
                parse_office_hours(self.office_hours)
            except ValueError as exc:
                raise ValidationError({"office_hours": str(exc)}) from exc

    @property
    def is_center(self) -> bool:
        return self.kind == self.Kind.CENTER


class OrgUnit(TimeStampedModel):
    """A unit inside an agency (phòng, bộ phận); the one-stop desk is a unit too."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="units"
    )
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=255)
    is_one_stop_desk = models.BooleanField(_("one-stop desk"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="orgunit_code_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"
