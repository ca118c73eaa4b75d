"""Filters of the officer pages (django-filter): the work queues (over steps) and the record
search (over records). Both take an already-scoped queryset from the selectors.

When ``records/filters.py`` (the API's FilterSet) covers the same needs, the record search can
switch to it: one filter class per list serves both page and API.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.records.models import Record, RecordStep
from motcua.records.selectors_ui import search_steps
from motcua.records.workflow import Status


class QueueFilter(django_filters.FilterSet):
    """Search inside a queue: record code, applicant, procedure; narrowing by record status."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(
        field_name="record__status",
        choices=Status.choices,
        label=_("Status"),
        empty_label=_("All statuses"),
    )

    class Meta:
        model = RecordStep
        fields: list[str] = []

    def filter_q(
        self, queryset: QuerySet[RecordStep], name: str, value: str
    ) -> QuerySet[RecordStep]:
        return search_steps(queryset, value)


def search_records(queryset: QuerySet[Record], text: str) -> QuerySet[Record]:
    """Record search: code (a full code matches exactly, a part anywhere), applicant name or
    ID number, procedure code or name."""
    text = " ".join((text or "").split())
    if not text:
        return queryset
    return queryset.filter(
        Q(code__icontains=text)
        | Q(external_code=text)
        | Q(applicant_name__icontains=text)
        | Q(applicant_id_number=text)
        | Q(procedure_version__procedure__code__startswith=text)
        | Q(procedure_version__name__icontains=text)
    )


class RecordSearchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("All statuses")
    )
    received_from = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__gte",
        label=_("Received from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__lte",
        label=_("Received until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Record
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Record], name: str, value: Any) -> QuerySet[Record]:
        return search_records(queryset, value)
