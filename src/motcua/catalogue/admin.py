"""Django admin for the catalogue.

Drafts are edited here (their rows through inlines); published and retired versions are shown
read-only, and the models refuse changes to them anyway. Creating, publishing and retiring
versions go through the services, as admin actions whose errors appear as messages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalogue import permissions, selectors, services
from motcua.catalogue.models import (
    DocumentComponent,
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    VersionStatus,
)
from motcua.core.errors import DomainError
from motcua.core.users import signed_in


class CatalogueManagerOnly:
    """Only catalogue managers (system administrators, superusers) may change anything; other
    staff with admin access may look."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        parent: Any = super()
        return permissions.can_manage_catalogue(request.user) and parent.has_add_permission(
            request, *args
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        parent: Any = super()
        return permissions.can_manage_catalogue(request.user) and parent.has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        parent: Any = super()
        return permissions.can_manage_catalogue(request.user) and parent.has_delete_permission(
            request, obj
        )


@admin.register(Field)
class FieldAdmin(CatalogueManagerOnly, admin.ModelAdmin[Field]):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class VersionListInline(admin.TabularInline[ProcedureVersion, Procedure]):
    """The versions of a procedure, as links (edit them on their own page)."""

    model = ProcedureVersion
    fields = ("number", "status", "effective_from", "published_at", "link")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-number",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("open"))
    def link(self, version: ProcedureVersion) -> str:
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:catalogue_procedureversion_change", args=[version.pk]),
            gettext("Version %(number)s") % {"number": version.number},
        )


def _report(
    request: HttpRequest, admin_site: admin.ModelAdmin[Any], done: list[str], failed: list[str]
) -> None:
    for line in done:
        admin_site.message_user(request, line, messages.SUCCESS)
    for line in failed:
        admin_site.message_user(request, line, messages.ERROR)


@admin.register(Procedure)
class ProcedureAdmin(CatalogueManagerOnly, admin.ModelAdmin[Procedure]):
    list_display = ("code", "name", "field", "is_active", "current_version")
    list_filter = ("field", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("field",)
    inlines = [VersionListInline]
    actions = ["new_draft"]

    def get_readonly_fields(self, request: HttpRequest, obj: Procedure | None = None) -> Any:
        return ("code",) if obj is not None else ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        return selectors.with_current_version(super().get_queryset(request))

    @admin.display(description=_("current version"))
    def current_version(self, procedure: Procedure) -> str:
        version = selectors.current_from_prefetch(procedure)
        return str(version.number) if version is not None else "—"

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        if change:
            services.procedure_update(
                actor=signed_in(request.user),
                procedure=Procedure.objects.get(pk=obj.pk),
                name=obj.name,
                field=obj.field,
                is_active=obj.is_active,
            )
        else:
            created = services.procedure_create(
                actor=signed_in(request.user),
                code=obj.code,
                name=obj.name,
                field=obj.field,
                is_active=obj.is_active,
            )
            obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Procedure | None = None) -> bool:
        # A procedure with versions stays (records point at them); deactivate it instead.
        return (
            obj is not None
            and not obj.versions.exists()
            and super().has_delete_permission(request, obj)
        )

    @admin.action(description=_("Create a new draft (copy of the newest published version)"))
    def new_draft(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        done, failed = [], []
        for procedure in queryset:
            try:
                version = services.version_create_draft(
                    actor=signed_in(request.user), procedure=procedure
                )
            except DomainError as exc:
                failed.append(exc.message)
            else:
                done.append(
                    gettext("Draft version %(number)s of %(code)s created.")
                    % {"number": version.number, "code": procedure.code}
                )
        _report(request, self, done, failed)


class VersionRowInline(CatalogueManagerOnly, admin.TabularInline[Any, ProcedureVersion]):
    """Rows of a version: editable on drafts only."""

    extra = 0
    ordering = ("order",)

    def _editable(self, obj: ProcedureVersion | None) -> bool:
        return obj is None or obj.status == VersionStatus.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class ComponentInline(VersionRowInline):
    model = DocumentComponent
    fields = ("order", "code", "name", "form", "quantity", "mandatory")


class FeeInline(VersionRowInline):
    model = Fee
    fields = ("order", "code", "name", "kind", "amount", "note")


class StepInline(VersionRowInline):
    model = ProcessStep
    fields = (
        "order",
        "name",
        "agency",
        "unit_code",
        "role",
        "leaders_may_act",
        "budget_hours",
        "public_status",
    )
    autocomplete_fields = ("agency",)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(CatalogueManagerOnly, admin.ModelAdmin[ProcedureVersion]):
    list_display = (
        "procedure",
        "number",
        "status",
        "effective_from",
        "published_at",
        "is_illustrative",
    )
    list_filter = ("status", "level", "online_level", "is_illustrative", "procedure__field")
    search_fields = ("procedure__code", "procedure__name", "name")
    list_select_related = ("procedure",)
    autocomplete_fields = ("receiving_agency",)
    filter_horizontal = ("implementing_agencies",)
    inlines = [ComponentInline, FeeInline, StepInline]
    actions = ["publish", "new_draft", "retire"]
    fieldsets = (
        (None, {"fields": ("procedure", "number", "status", "publish_check")}),
        (
            _("Publication"),
            {
                "fields": (
                    "effective_from",
                    "published_at",
                    "published_by",
                    "retired_at",
                    "retired_by",
                )
            },
        ),
        (
            _("Content"),
            {
                "fields": (
                    "name",
                    "level",
                    "implementing_agencies",
                    "receiving_agency",
                    ("duration_value", "duration_unit", "counting_mode"),
                    "cutoff",
                    "supplement_rule",
                    "result_type",
                    "online_level",
                    "requires_signed_result",
                    "legal_basis",
                    "description",
                    "is_illustrative",
                )
            },
        ),
    )
    LIFECYCLE = (
        "procedure",
        "number",
        "status",
        "publish_check",
        "published_at",
        "published_by",
        "retired_at",
        "retired_by",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> Any:
        if obj is not None and obj.status != VersionStatus.DRAFT:
            # Published and retired versions never change: every field is read-only.
            return [f for fieldset in self.fieldsets for f in _flatten(fieldset[1]["fields"])]
        return self.LIFECYCLE

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New versions are drafts made by the "new draft" action (numbering, one draft at a time).
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would try published versions too
        return actions

    @admin.display(description=_("publish check"))
    def publish_check(self, version: ProcedureVersion) -> str:
        if version.pk is None or version.status != VersionStatus.DRAFT:
            return "—"
        issues = services.version_issues(version)
        if not issues:
            return gettext("Ready to publish.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i.message,) for i in issues))
        )

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        done, failed = [], []
        for version in queryset.select_related("procedure"):
            try:
                services.version_publish(actor=signed_in(request.user), version=version)
            except DomainError as exc:  # VersionInvalid lists every problem in its message
                failed.append(exc.message)
            else:
                done.append(
                    gettext("Version %(number)s of %(code)s published.")
                    % {"number": version.number, "code": version.procedure.code}
                )
        _report(request, self, done, failed)

    @admin.action(description=_("Create a new draft of the selected versions' procedures"))
    def new_draft(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        done, failed = [], []
        seen: set[int] = set()
        for version in queryset.select_related("procedure"):
            if version.procedure_id in seen:
                continue
            seen.add(version.procedure_id)
            try:
                draft = services.version_create_draft(
                    actor=signed_in(request.user), procedure=version.procedure
                )
            except DomainError as exc:
                failed.append(exc.message)
            else:
                done.append(
                    gettext("Draft version %(number)s of %(code)s created.")
                    % {"number": draft.number, "code": version.procedure.code}
                )
        _report(request, self, done, failed)

    @admin.action(description=_("Retire the selected published versions"))
    def retire(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        done, failed = [], []
        for version in queryset.select_related("procedure"):
            try:
                services.version_retire(actor=signed_in(request.user), version=version)
            except DomainError as exc:
                failed.append(exc.message)
            else:
                done.append(
                    gettext("Version %(number)s of %(code)s retired.")
                    % {"number": version.number, "code": version.procedure.code}
                )
        _report(request, self, done, failed)


def _flatten(fields: Any) -> list[str]:
    flat: list[str] = []
    for item in fields:
        if isinstance(item, list | tuple):
            flat.extend(item)
        else:
            flat.append(item)
    return flat
