"""What the audit log records without the callers asking: logins, failed logins, logouts,
every record move, admin changes, and changes to roles, users and the calendar."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save

from motcua.audit.context import current
from motcua.audit.services import audit_log
from motcua.core.client_address import client_ip
from motcua.core.hooks import LAST, RECORD_EVENT_ADDED, hook_register

# Configuration and permission models audited on every save/delete, whoever makes the change.
WATCHED = (
    "core.User",
    "organisations.StaffRole",
    "organisations.Agency",
    "organisations.OrgUnit",
    "organisations.CalendarOverride",
    "catalogue.ProcedureVersion",
)
USER_FIELDS = ("username", "is_active", "is_staff", "is_superuser")


def _login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_log(actor=user, action="auth.login", obj=user, ip=client_ip(request) if request else "")


def _logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_log(
            actor=user, action="auth.logout", obj=user, ip=client_ip(request) if request else ""
        )


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_log(
        actor=None,
        action="auth.login_failed",
        object_type="core.user",
        object_id=username,
        detail={"username": username},
        ip=client_ip(request) if request is not None else "",
    )


def _record_event(*, event: Any, **kwargs: Any) -> None:
    actor, ip = current()
    audit_log(
        actor=event.actor or actor,
        action=event.kind,
        obj=event.record,
        detail={
            "event": event.pk,
            "from": event.from_status,
            "to": event.to_status,
            "code": event.national_code,
        },
        ip=ip,
    )


def _describe(instance: Any) -> dict[str, Any]:
    if instance._meta.label == "core.User":
        return {name: getattr(instance, name) for name in USER_FIELDS}
    try:
        text = str(instance)
    except (TypeError, ValueError):  # e.g. a date still held as a string before refresh
        text = f"{instance._meta.label} #{instance.pk}"
    return {"repr": text[:200]}


def _saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if sender._meta.label == "core.User" and not created:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
            action = "auth.password_changed" if "password" in update_fields else None
            if action is None:
                return
            actor, ip = current()
            audit_log(actor=actor or instance, action=action, obj=instance, ip=ip)
            return
    actor, ip = current()
    audit_log(
        actor=actor,
        action=f"config.{'created' if created else 'changed'}",
        obj=instance,
        detail=_describe(instance),
        ip=ip,
    )


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    actor, ip = current()
    audit_log(actor=actor, action="config.deleted", obj=instance, detail=_describe(instance), ip=ip)


def connect() -> None:
    user_logged_in.connect(_login, dispatch_uid="audit-login")
    user_logged_out.connect(_logout, dispatch_uid="audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit-login-failed")
    # Last: its entry locks the chain head until commit, and every audited change waits for it.
    hook_register(RECORD_EVENT_ADDED, _record_event, order=LAST)
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"audit-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit-delete-{label}")
