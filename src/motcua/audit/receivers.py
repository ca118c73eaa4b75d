"""What the audit log records without the callers asking: logins, failed logins, logouts,
every record move, admin changes, and changes to roles, users, groups, permissions and the
calendar."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save

from motcua.audit.context import current
from motcua.audit.services import audit_log
from motcua.core.client_address import client_ip
from motcua.core.hooks import LAST, RECORD_EVENT_ADDED, hook_register

# Configuration and permission models audited on every save/delete, whoever makes the change.
WATCHED = (
    "core.User",
    "auth.Group",
    "organisations.StaffRole",
    "organisations.Agency",
    "organisations.OrgUnit",
    "organisations.CalendarOverride",
    "catalogue.ProcedureVersion",
)
USER_FIELDS = ("username", "is_active", "is_staff", "is_superuser")
# Who holds which permission: a user's groups and own permissions, a group's permissions.
PERMISSION_LINKS = (
    ("core.User", "groups"),
    ("core.User", "user_permissions"),
    ("auth.Group", "permissions"),
)


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


def _label(obj: Any) -> str:
    if obj._meta.label == "auth.Permission":
        return f"{obj.content_type.app_label}.{obj.codename}"
    if hasattr(obj, "get_username"):
        return str(obj.get_username())
    return str(obj)


def _labels(model: Any, pks: Any) -> list[str]:
    queryset = model._default_manager.filter(pk__in=pks)
    if model._meta.label == "auth.Permission":
        queryset = queryset.select_related("content_type")
    return sorted(_label(obj) for obj in queryset)


def _permissions_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    model: Any,
    pk_set: Any,
    field: str = "",
    **kwargs: Any,
) -> None:
    """``permissions.changed``: who or which group gained or lost which groups or permissions
    (from the admin, a command or code: every path goes through these relations)."""
    if action == "pre_clear":  # remember what the clear removes
        related = getattr(instance, _related_name(sender, instance, reverse, field)).all()
        instance._audit_cleared = [obj.pk for obj in related]
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        pks = getattr(instance, "_audit_cleared", [])
        if not pks:
            return
    elif not pk_set:
        return
    else:
        pks = list(pk_set)
    names = _labels(model, pks)
    actor, ip = current()
    audit_log(
        actor=actor,
        action="permissions.changed",
        obj=instance,
        detail={
            "field": field,
            "added" if action == "post_add" else "removed": names,
        },
        ip=ip,
    )


def _related_name(sender: Any, instance: Any, reverse: bool, field: str) -> str:
    """The manager on ``instance`` for this relation (forward: the field; reverse: the related
    query name seen from the other side)."""
    if not reverse:
        return field
    for relation in instance._meta.related_objects:
        if relation.many_to_many and relation.through is sender:
            return str(relation.get_accessor_name())
    return field  # pragma: no cover


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
    for label, name in PERMISSION_LINKS:
        through = apps.get_model(label)._meta.get_field(name).remote_field.through

        def receiver(_field: str = name, **kwargs: Any) -> None:
            _permissions_changed(field=_field, **kwargs)

        m2m_changed.connect(
            receiver, sender=through, dispatch_uid=f"audit-m2m-{label}-{name}", weak=False
        )
