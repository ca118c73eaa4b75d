from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.audit.services import audit_in_context
from motcua.core.models import User

# Accounts, groups, permissions and two-factor devices: a system administrator (staff, not a
# superuser) manages configuration; what gives access to other people's accounts or to more
# permissions is for superusers only, and audited with what changed, never a secret
# (docs/security.md, "Accounts, groups and two-factor devices").


def _superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


class AuditedPasswordForm(AdminPasswordChangeForm):
    """The admin's "set password" form: the change and its audit entry in one transaction."""

    def save(self, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save(commit=commit)
            audit_in_context(
                actor=_current_actor(),
                action="auth.password_set",
                obj=user,
                detail={"user": user.get_username(), "usable": user.has_usable_password()},
            )
        return user


def _current_actor() -> Any:
    from motcua.audit.context import current

    return current()[0]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = AuditedPasswordForm
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Staff details"), {"fields": ("full_name", "title", "phone")}),
    )
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")

    # A staff user managing accounts (a system administrator) must not make anybody a superuser,
    # grant permissions or groups, nor touch a superuser's account: superusers read personal
    # data, system administrators manage configuration (docs/security.md, Scope).
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "groups", "user_permissions")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Setting a password without the old one takes the account over: superusers only
        (everyone changes their own at /account/password/, which asks for the old one)."""
        if not _superuser(request):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class SuperuserWrites(admin.ModelAdmin):
    """Others (system administrators) may read the pages; only superusers add, change or
    delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _superuser(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request) and super().has_delete_permission(request, obj)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserWrites, BaseGroupAdmin):
    """Groups carry permissions: a system administrator may read them, not change them."""


def _device_detail(device: TOTPDevice, changed: list[str] | None = None) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "device": device.pk,
        "user": device.user.get_username() if device.user_id else "",
        "name": device.name,
        "confirmed": device.confirmed,
    }
    if changed is not None:
        detail["changed"] = sorted(name for name in changed if name != "key")
        detail["key_changed"] = "key" in changed
    return detail


# Importing django-otp's admin module registered its own page: ours replaces it.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(SuperuserWrites, BaseTOTPDeviceAdmin):
    """Two-factor devices: removing one lets whoever holds the password enrol a new phone, so
    only superusers add, change or delete them; each change is audited (never the key)."""

    def save_model(self, request: HttpRequest, obj: TOTPDevice, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_in_context(
            actor=request.user,
            action="auth.otp_device_changed" if change else "auth.otp_device_created",
            obj=obj.user,
            detail=_device_detail(obj, list(form.changed_data)),
        )

    def delete_model(self, request: HttpRequest, obj: TOTPDevice) -> None:
        detail = _device_detail(obj)
        super().delete_model(request, obj)
        audit_in_context(
            actor=request.user, action="auth.otp_device_deleted", obj=obj.user, detail=detail
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TOTPDevice]) -> None:
        devices = list(queryset.select_related("user"))
        super().delete_queryset(request, queryset)
        for device in devices:
            audit_in_context(
                actor=request.user,
                action="auth.otp_device_deleted",
                obj=device.user,
                detail=_device_detail(device),
            )
