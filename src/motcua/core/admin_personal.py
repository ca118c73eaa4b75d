"""Admin pages that hold citizens' personal data (records' documents, evaluations, API payloads,
the audit log, outbound events) are for superusers only.

A system administrator is staff and may be given model permissions to manage the configuration
(agencies, staff roles, procedures, API clients...). Permissions on these models would let them
read every agency's personal data without going through the scoped, logged pages: this mixin
refuses them whatever their permissions (403, like any admin page they may not see).
Put it first in the bases: ``class XAdmin(PersonalDataAdmin, admin.ModelAdmin)``.

A superuser reading these pages is logged like a record page: every list and object page
shown writes ``personal_data.viewed`` (``{"via": "admin", "model": ..., "page": ...}``; a
search text is not logged, it may be an ID number)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse


def _superuser(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


def _log_view(request: HttpRequest, response: Any, model: Any, page: str, **extra: Any) -> None:
    if request.method == "GET" and getattr(response, "status_code", 0) == 200:
        from motcua.audit.services import audit_request

        audit_request(
            request,
            action="personal_data.viewed",
            detail={"via": "admin", "model": model._meta.label_lower, "page": page, **extra},
        )


class PersonalDataAdmin:
    model: Any  # set by ModelAdmin

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        _log_view(
            request,
            response,
            self.model,
            "list",
            search=bool(request.GET.get("q")),
        )
        return response  # type: ignore[no-any-return]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        _log_view(request, response, self.model, "object", object=str(object_id)[:80])
        return response  # type: ignore[no-any-return]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _superuser(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _superuser(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """An admin page that only shows rows (logs, signed documents, stored answers): nobody adds,
    changes or deletes them there."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
