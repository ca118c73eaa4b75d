"""Choice lists of the catalogue. Values are stable identifiers used in the JSON/XLSX formats."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.organisations.calendar import CountingMode as _CountingMode
from motcua.organisations.calendar import DurationUnit as _DurationUnit


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ProcedureLevel(models.TextChoices):
    """The government level that settles the procedure (cấp thực hiện)."""

    PROVINCE = "province", _("Province level")
    COMMUNE = "commune", _("Commune level")
    DISTRICT = "district", _("District level (historical)")
    MULTIPLE = "multiple", _("Several levels")


class DurationUnit(models.TextChoices):
    """Same values as ``motcua.organisations.calendar.DurationUnit``."""

    WORKING_HOURS = _DurationUnit.WORKING_HOURS.value, _("working hours")
    WORKING_DAYS = _DurationUnit.WORKING_DAYS.value, _("working days")
    CALENDAR_DAYS = _DurationUnit.CALENDAR_DAYS.value, _("calendar days")


class CountingMode(models.TextChoices):
    """Same values as ``motcua.organisations.calendar.CountingMode``."""

    HOURS = _CountingMode.HOURS.value, _("Working hours (N days = N × 8 hours)")
    DAYS = _CountingMode.DAYS.value, _("Whole days (Civil Code art. 147–148)")


class SupplementRule(models.TextChoices):
    """What a supplement request (yêu cầu bổ sung) does to the clock."""

    PAUSE = "pause", _("Pause the clock until the supplement arrives")
    RESTART = "restart", _("Restart the clock when the supplement arrives")


class ResultType(models.TextChoices):
    DECISION = "decision", _("Decision")
    CERTIFICATE = "certificate", _("Certificate")
    PERMIT = "permit", _("Permit / licence")
    OTHER = "other", _("Other document")


class OnlineLevel(models.TextChoices):
    """Online public service level (Decree 42/2022/NĐ-CP)."""

    FULL = "full", _("Full-process online (toàn trình)")
    PARTIAL = "partial", _("Partly online (một phần)")
    NONE = "none", _("Not online")


class ComponentForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    EITHER = "either", _("Original or copy")


class FeeKind(models.TextChoices):
    FEE = "fee", _("Fee (phí)")
    CHARGE = "charge", _("Charge (lệ phí)")
