"""Filters of the officer work queues (django-filter, over steps). They take an already-scoped
queryset from the selectors. Record lists use ``records.filters.RecordFilterSet``, the one
shared with the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.records.models import RecordStep
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
