"""Django admin for organisations: administrative units, agencies and their units, staff roles
and the working-calendar override table."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.organisations.models import (
    AdministrativeUnit,
    Agency,
    CalendarOverride,
    OrgUnit,
    StaffRole,
)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent", "valid_from", "valid_until")
    list_filter = ("level",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    ordering = ("level", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AdministrativeUnit]:
        return super().get_queryset(request).select_related("parent")


class OrgUnitInline(admin.TabularInline):
    model = OrgUnit
    fields = ("code", "name", "is_one_stop_desk", "is_active")
    extra = 0
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "kind",
        "level",
        "administrative_unit",
        "office_hours",
        "is_active",
    )
    list_filter = ("kind", "level", "is_active")
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("administrative_unit", "parent")
    inlines = [OrgUnitInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "kind", "level", "is_active")}),
        (_("Place"), {"fields": ("administrative_unit", "parent", "address", "phone")}),
        (_("Working calendar"), {"fields": ("office_hours",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agency]:
        return super().get_queryset(request).select_related("administrative_unit")


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "agency", "is_one_stop_desk", "is_active")
    list_filter = ("is_one_stop_desk", "is_active", "agency__kind")
    search_fields = ("name", "code", "agency__name", "agency__code")
    autocomplete_fields = ("agency",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrgUnit]:
        return super().get_queryset(request).select_related("agency")


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency", "unit")
    list_filter = ("role", "agency__kind")
    search_fields = (
        "user__username",
        "user__full_name",
        "agency__name",
        "agency__code",
        "unit__name",
    )
    autocomplete_fields = ("user", "agency", "unit")

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffRole]:
        return super().get_queryset(request).select_related("user", "agency", "unit__agency")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        """A staff user who is not a superuser cannot grant or change a role of their own
        account: a system administrator manages roles but does not give themselves access to an
        agency's records (another administrator must, and the change is audited)."""
        base = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class StaffRoleForm(base):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                user = cleaned.get("user")
                if user is not None and not actor.is_superuser and user.pk == actor.pk:
                    raise ValidationError(
                        _(
                            "You cannot grant or change a role of your own account; "
                            "another administrator must do it."
                        )
                    )
                return cleaned

        return StaffRoleForm


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "agency_or_province", "legal_reference", "created_by")
    list_filter = ("kind", ("agency", admin.EmptyFieldListFilter), "agency")
    search_fields = ("name", "legal_reference", "agency__name", "agency__code")
    date_hierarchy = "date"
    autocomplete_fields = ("agency",)
    fields = ("date", "kind", "agency", "name", "legal_reference", "created_by")
    readonly_fields = ("created_by",)

    @admin.display(description=_("applies to"), ordering="agency__name")
    def agency_or_province(self, obj: CalendarOverride) -> str:
        return str(obj.agency) if obj.agency else str(_("The whole province"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarOverride]:
        return super().get_queryset(request).select_related("agency", "created_by")

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
