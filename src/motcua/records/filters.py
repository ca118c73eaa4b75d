"""The one filter set for record lists, shared by the API (``GET /api/v1/records/``) and the
officer pages (NetBox: one django-filter class per list serves both).

It only narrows a queryset that is already scoped to the user (``selectors.record_list``);
it never widens it. Every filter is a plain column comparison or an indexed lookup, so the
number of queries does not depend on the number of rows.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import django_filters
from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.records.models import Channel, Record
from motcua.records.workflow import OPEN, Status

# The beginning of a national procedure code (catalogue.models.procedure.PROCEDURE_CODE_PATTERN).
PROCEDURE_CODE_PREFIX = re.compile(r"\d(\.\d{0,6})?")


def _descending(label: str | Promise) -> str:
    return gettext("%s (descending)") % label  # django-filter's own message


def _ordering_labels(names: tuple[str, ...]) -> dict[str, object]:
    """Lazy labels for both directions of each ordering field. django-filter formats the
    descending label itself, eagerly, at import: in whatever language was active then (the
    OpenAPI schema came out half Vietnamese, depending on which test imported the module)."""
    labels: dict[str, object] = {}
    for name in names:
        label = _(pretty_name(name))  # django-filter's own ascending label, kept lazy
        labels[name] = label
        labels[f"-{name}"] = lazy(_descending, str)(label)
    return labels


# A whole record code in the default format: agency identifier code (000.00.12.H29), the day
# (YYMMDD), the day's number (4 digits or more).
FULL_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}-\d{6}-\d{4,}")
DEFAULT_CODE_FORMAT = "{agency_code}-{date:%y%m%d}-{seq:04d}"


def _code_condition(text: str) -> Q:
    """Records whose code contains ``text`` (any case).

    A whole code in the default format can only occur at the start of a code (the dots and
    dashes sit at fixed places; agency codes are upper case), so it is looked up as a prefix on
    the code's b-tree index instead of by trigrams, which are slow for a whole code: most of its
    trigrams (agency, year) are in every code (190 ms against 1 ms on a million records)."""
    if settings.MOTCUA_RECORD_CODE_FORMAT == DEFAULT_CODE_FORMAT and FULL_CODE.fullmatch(text):
        return Q(code__startswith=text.upper())
    return Q(code__icontains=text)


def overdue_q(now: datetime) -> Q:
    """Open records overdue at ``now``, as ``deadlines.is_overdue``: the appointment has passed;
    a record paused for a supplement is judged at the instant its clock paused."""
    return Q(status__in=list(OPEN), due_at__isnull=False) & (
        Q(paused_at__isnull=True, due_at__lt=now)
        | Q(paused_at__isnull=False, due_at__lt=F("paused_at"))
    )


def _local_midnight(day: date, *, days_after: int = 0) -> datetime | None:
    """Local midnight ``days_after`` days after ``day``; None at the ends of the calendar
    (0001-01-01 and 9999-12-31), whose midnights have no UTC instant: no bound there."""
    try:
        midnight = datetime.combine(
            day + timedelta(days=days_after), time.min, tzinfo=timezone.get_default_timezone()
        )
        midnight.astimezone(UTC)
    except OverflowError:
        return None
    return midnight


class RecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        help_text=_(
            "Part of the record code or of the applicant's name, the applicant's exact ID number, "
            "or the beginning of the national procedure code."
        ),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        label=_("Status"),
        help_text=_("One or more statuses (repeat the parameter)."),
    )
    agency = django_filters.CharFilter(
        field_name="agency__code",
        label=_("Receiving agency"),
        help_text=_("Identifier code of the receiving agency, e.g. 000.00.12.H29."),
    )
    handling_agency = django_filters.CharFilter(
        field_name="handling_agency__code",
        label=_("Settling agency"),
        help_text=_("Identifier code of the agency that settles the record."),
    )
    procedure = django_filters.CharFilter(
        field_name="procedure_version__procedure__code",
        label=_("Procedure"),
        help_text=_("National procedure code, e.g. 1.001612."),
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    received_from = django_filters.DateFilter(
        method="filter_received_from",
        label=_("Received from"),
        help_text=_("First day of receipt (YYYY-MM-DD, local time), inclusive."),
    )
    received_to = django_filters.DateFilter(
        method="filter_received_to",
        label=_("Received until"),
        help_text=_("Last day of receipt (YYYY-MM-DD, local time), inclusive."),
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        help_text=_(
            "true: open records whose appointment has passed (a record waiting for a supplement "
            "is judged when its clock paused); false: every other record."
        ),
    )
    ordering = django_filters.OrderingFilter(
        fields=(("received_at", "received_at"), ("due_at", "due_at"), ("code", "code")),
        field_labels=_ordering_labels(("received_at", "due_at", "code")),
        label=_("Order by"),
    )

    class Meta:
        model = Record
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Record], name: str, value: str) -> QuerySet[Record]:
        text = " ".join((value or "").split())
        if not text:
            return queryset
        condition = (
            _code_condition(text) | Q(applicant_name__icontains=text) | Q(applicant_id_number=text)
        )
        # Only a text that can begin a national procedure code (one digit, a dot, six digits)
        # can match one: adding the joined column otherwise keeps PostgreSQL from combining the
        # indexes of the other columns and it reads the whole table (docs/performance.md).
        if PROCEDURE_CODE_PREFIX.fullmatch(text):
            condition |= Q(procedure_version__procedure__code__startswith=text)
        return queryset.filter(condition)

    def filter_received_from(
        self, queryset: QuerySet[Record], name: str, value: date
    ) -> QuerySet[Record]:
        bound = _local_midnight(value)
        return queryset if bound is None else queryset.filter(received_at__gte=bound)

    def filter_received_to(
        self, queryset: QuerySet[Record], name: str, value: date
    ) -> QuerySet[Record]:
        bound = _local_midnight(value, days_after=1)
        return queryset if bound is None else queryset.filter(received_at__lt=bound)

    def filter_overdue(
        self, queryset: QuerySet[Record], name: str, value: bool
    ) -> QuerySet[Record]:
        if value is None:
            return queryset
        condition = overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)
