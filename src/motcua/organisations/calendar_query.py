"""Parameters of the calendar calculator, parsed and checked once for the API and the CLI.

``GET /api/v1/calendar/due`` and ``motcua calendar due`` take the same parameters (``start``,
``duration``, ``unit``, ``mode``, ``cutoff``, ``agency``) as strings, run them through
:func:`due_query_parse` and answer :func:`due_as_json` of :func:`calendar_due`. A bad parameter
raises :class:`QueryInvalid` carrying one list of messages per parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.core.errors import ValidationFailed
from motcua.organisations import selectors
from motcua.organisations.calendar import (
    TZ,
    CountingMode,
    DueResult,
    DurationUnit,
    check_duration,
    compute_due,
    fmt_day,
    parse_time,
    weekday_name,
)
from motcua.organisations.models import Agency
from motcua.organisations.models.agency import AGENCY_CODE_PATTERN

# Years the calculator answers for. The `holidays` package knows Vietnamese holidays from 1901
# to 2100; Asia/Ho_Chi_Minh has been UTC+07:00 without daylight saving since 1975; and a due
# instant may lie up to ten years after the start (calendar.MAX_DURATION_DAYS).
MIN_YEAR = 1980
MAX_YEAR = 2089

# What the parameters must look like, for the OpenAPI schema (clients and the fuzzer then send
# values the calculator reads). The checks themselves are the serializer's validate_* methods.
# An instant from MIN_YEAR to MAX_YEAR with an offset (a day past the month's end, or an instant
# whose local year falls outside the range, is still answered with a 400).
INSTANT_PATTERN = (
    r"^(198[0-9]|199[0-9]|20[0-8][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
CUTOFF_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "pattern": INSTANT_PATTERN,
        "example": "2025-01-02T08:00:00+07:00",
    }
)
class InstantParameter(serializers.CharField):
    """An ISO 8601 instant with an offset, read by :func:`parse_instant`."""


@extend_schema_field({"type": "string", "pattern": CUTOFF_PATTERN, "example": "15:00"})
class CutoffParameter(serializers.CharField):
    """``HH:MM``, read by :func:`calendar.parse_time` (``allow_blank`` adds the empty value)."""


@extend_schema_field(
    {"type": "string", "pattern": AGENCY_CODE_PATTERN, "maxLength": 20, "example": "000.00.12.H99"}
)
class AgencyCodeParameter(serializers.CharField):
    """An agency identifier code (``Agency.code``, ``agency_code_validator``)."""


# A decimal as the query string carries it: below 10^8 with at most 4 decimals (max_digits=12,
# decimal_places=4; a number with more digits is refused, not rounded).
@extend_schema_field({"type": "string", "pattern": r"^[0-9]{1,8}(\.[0-9]{1,4})?$", "example": "3"})
class DurationParameter(serializers.DecimalField):
    """The legal duration, read as a Decimal."""


class QueryInvalid(ValidationFailed):
    """Bad calculator parameters: ``fields`` maps each parameter to its messages."""

    def __init__(self, fields: Mapping[str, list[str]]) -> None:
        self.fields = {name: [str(m) for m in messages] for name, messages in fields.items()}
        details = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in self.fields.items()
        )
        super().__init__(_("Invalid parameters. %(details)s") % {"details": details})

    def as_body(self) -> dict[str, Any]:
        """The API error body (same shape as ``motcua.core.api.exception_handler``)."""
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


def _hours_per_day() -> int:
    return int(settings.MOTCUA_HOURS_PER_WORKING_DAY)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date and time **with** an offset (``Z`` or ``+07:00``), in Asia/Ho_Chi_Minh.

    A ``+`` left unescaped in a URL query arrives as a space: ``2025-01-02T08:00:00 07:00`` is
    read as ``+07:00``.
    """
    value = (text or "").strip()
    value = re.sub(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$", r"\1+\2", value)
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(
            _("“%(value)s” is not an ISO 8601 date and time such as 2025-01-02T08:00:00+07:00.")
            % {"value": text}
        ) from exc
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(
            _("“%(value)s” has no time zone offset: write it as in 2025-01-02T08:00:00+07:00.")
            % {"value": text}
        )
    try:
        local = instant.astimezone(TZ)
    except OverflowError:  # 9999-12-31T23:59-23:59, 0001-01-01T00:00+14:00
        local = None
    if local is None or not MIN_YEAR <= local.year <= MAX_YEAR:
        raise ValueError(
            _("The calculator answers for instants from %(min)s to %(max)s.")
            % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return local


def _agency(code: str) -> Agency:
    agency = selectors.agency_get_by_code(code=code.strip())
    if agency is None:
        raise serializers.ValidationError(
            _("No agency has the identifier code “%(code)s”.") % {"code": code}
        )
    return agency


class DueQuerySerializer(serializers.Serializer):
    """Query parameters of ``GET /api/v1/calendar/due`` (and options of ``motcua calendar due``)."""

    start = InstantParameter(
        help_text=gettext_lazy(
            "When the record was received: ISO 8601 with an offset, e.g. 2025-01-02T08:00:00+07:00."
        )
    )
    duration = DurationParameter(
        max_digits=12,
        decimal_places=4,
        min_value=Decimal(0),
        coerce_to_string=False,
        help_text=gettext_lazy("The legal duration, zero (same day) or a positive number."),
    )
    unit = serializers.ChoiceField(
        choices=[(u.value, u.value) for u in DurationUnit],
        help_text=gettext_lazy("working_hours, working_days or calendar_days."),
    )
    mode = serializers.ChoiceField(
        choices=[(m.value, m.value) for m in CountingMode],
        required=False,
        default=CountingMode.HOURS.value,
        help_text=gettext_lazy(
            "How working days are counted: hours (N days = N×8 working hours from the clock start, "
            "the default) or days (the day of receipt is not counted). Only for working_days."
        ),
    )
    cutoff = CutoffParameter(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "Same-day cut-off HH:MM, e.g. 15:00: a later receipt counts from the next working day."
        ),
    )
    agency = AgencyCodeParameter(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "Identifier code of the agency whose calendar applies (e.g. 000.00.12.H29); "
            "default: the province's."
        ),
    )

    def validate_start(self, value: str) -> datetime:
        try:
            return parse_instant(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate_cutoff(self, value: str) -> time | None:
        if not value.strip():
            return None
        try:
            return parse_time(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate_agency(self, value: str) -> Agency | None:
        return _agency(value) if value.strip() else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            check_duration(attrs["duration"], attrs["unit"], _hours_per_day())
        except ValueError as exc:
            raise serializers.ValidationError({"duration": [str(exc)]}) from exc
        return attrs


class DaysQuerySerializer(serializers.Serializer):
    """Options of ``motcua calendar days``."""

    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    agency = serializers.CharField(required=False, allow_blank=True)

    def validate_agency(self, value: str) -> Agency | None:
        return _agency(value) if value.strip() else None


@dataclass(frozen=True)
class DueQuery:
    start: datetime
    duration: Decimal
    unit: DurationUnit
    mode: CountingMode
    cutoff: time | None
    agency: Agency | None


def _validated(serializer: serializers.Serializer) -> dict[str, Any]:
    if not serializer.is_valid():
        raise QueryInvalid({name: list(errors) for name, errors in serializer.errors.items()})
    return dict(serializer.validated_data)


def due_query_parse(data: Mapping[str, Any]) -> DueQuery:
    """Check the calculator's parameters (strings, as given in a URL or on a command line);
    :class:`QueryInvalid` lists every bad one."""
    values = {key: value for key, value in data.items() if value is not None}
    valid = _validated(DueQuerySerializer(data=values))
    return DueQuery(
        start=valid["start"],
        duration=valid["duration"],
        unit=DurationUnit(valid["unit"]),
        mode=CountingMode(valid.get("mode") or CountingMode.HOURS),
        cutoff=valid.get("cutoff"),
        agency=valid.get("agency"),
    )


def calendar_due(*, query: DueQuery) -> DueResult:
    """The due instant of ``query`` in the calendar of its agency (or of the province)."""
    cal = selectors.calendar_for(agency=query.agency)
    try:
        return compute_due(
            cal,
            received_at=query.start,
            duration=query.duration,
            unit=query.unit,
            mode=query.mode,
            cutoff=query.cutoff,
            hours_per_day=_hours_per_day(),
        )
    except ValueError as exc:  # e.g. an agency calendar with no working time left to count
        raise QueryInvalid({"duration": [str(exc)]}) from exc


def due_as_json(result: DueResult) -> dict[str, Any]:
    return {
        "due_at": result.due_at.isoformat(),
        "clock_start": result.clock_start.isoformat(),
        "explanation": list(result.explanation),
    }


@dataclass(frozen=True)
class DaysQuery:
    year: int
    agency: Agency | None


def days_query_parse(data: Mapping[str, Any]) -> DaysQuery:
    values = {key: value for key, value in data.items() if value is not None}
    valid = _validated(DaysQuerySerializer(data=values))
    return DaysQuery(year=valid["year"], agency=valid.get("agency"))


def calendar_days(*, query: DaysQuery) -> dict[str, Any]:
    """The non-working weekdays and the working weekend days of a year, with their reasons."""
    cal = selectors.calendar_for(agency=query.agency)
    first, last = date(query.year, 1, 1), date(query.year, 12, 31)
    days_off = [
        (d, why) for d, why in cal.non_working_days(first, last) if d.weekday() not in cal.weekend
    ]
    working = cal.swapped_working_days(first, last)

    def rows(days: list[tuple[date, str]]) -> list[dict[str, str]]:
        return [
            {"date": d.isoformat(), "weekday": weekday_name(d), "label": fmt_day(d), "reason": why}
            for d, why in days
        ]

    return {
        "year": query.year,
        "agency": query.agency.code if query.agency else None,
        "days_off": rows(days_off),
        "working_days": rows(working),
    }
