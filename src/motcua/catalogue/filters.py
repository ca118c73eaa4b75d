"""The one filter of the procedure list, shared by the API (and any list page)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.catalogue import selectors
from motcua.catalogue.models import OnlineLevel, Procedure, ProcedureLevel


class ProcedureFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search by code or name"))
    field = django_filters.CharFilter(field_name="field__code", label=_("Field code"))
    agency = django_filters.CharFilter(
        method="filter_agency", label=_("Agency identifier code (implementing or receiving)")
    )
    level = django_filters.ChoiceFilter(
        method="filter_level", choices=ProcedureLevel.choices, label=_("Level")
    )
    online_level = django_filters.ChoiceFilter(
        method="filter_online_level", choices=OnlineLevel.choices, label=_("Online service level")
    )
    is_active = django_filters.BooleanFilter(field_name="is_active", label=_("Active"))

    class Meta:
        model = Procedure
        fields = ["q", "field", "agency", "level", "online_level", "is_active"]

    def filter_q(self, queryset: QuerySet[Procedure], name: str, value: str) -> QuerySet[Procedure]:
        return selectors.filter_search(queryset, value)

    def filter_agency(
        self, queryset: QuerySet[Procedure], name: str, value: str
    ) -> QuerySet[Procedure]:
        return selectors.filter_agency(queryset, value)

    def filter_level(
        self, queryset: QuerySet[Procedure], name: str, value: Any
    ) -> QuerySet[Procedure]:
        return selectors.filter_current(queryset, level=value) if value else queryset

    def filter_online_level(
        self, queryset: QuerySet[Procedure], name: str, value: Any
    ) -> QuerySet[Procedure]:
        return selectors.filter_current(queryset, online_level=value) if value else queryset
