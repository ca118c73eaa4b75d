"""Issue 13, item 9: a system administrator (staff, every admin permission, not a superuser)
cannot set other users' passwords, delete or change their two-factor devices, nor edit groups
and permissions; a superuser can, and each such change is audited with what changed, never a
secret."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.audit.models import AuditEntry
from motcua.core.models import User
from motcua.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mot-khau-moi-2026!"


@pytest.fixture
def officer() -> User:
    user = UserFactory(username="tiepnhan.thu")
    user.set_password("Mat-khau-cu-2026!")
    user.save()
    return user


@pytest.fixture
def sysadmin() -> User:
    user = UserFactory(username="quantri.hethong", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def superuser() -> User:
    return UserFactory(username="quantri.cao", is_staff=True, is_superuser=True)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _secrets_in(entries: list[AuditEntry], *secrets: str) -> list[str]:
    text = json.dumps([entry.detail for entry in entries], ensure_ascii=False)
    return [secret for secret in secrets if secret and secret in text]


# ---- passwords --------------------------------------------------------------------------------
def test_system_administrator_cannot_set_another_users_password(sysadmin, officer):
    client = signed_in(sysadmin)
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    officer.refresh_from_db()
    assert not officer.check_password(NEW_PASSWORD)
    assert officer.check_password("Mat-khau-cu-2026!")
    # Nor their own without the old password (they use /account/password/).
    own = reverse("admin:auth_user_password_change", args=[sysadmin.pk])
    assert client.post(own, data).status_code == 403
    assert not AuditEntry.objects.filter(action="auth.password_set").exists()


def test_superuser_sets_a_password_and_it_is_audited_without_the_secret(superuser, officer):
    client = signed_in(superuser)
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    response = client.post(url, data, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="auth.password_set")
    assert (entry.actor_id, entry.object_id, entry.ip) == (
        superuser.pk,
        str(officer.pk),
        "10.9.8.7",
    )
    assert entry.detail == {"user": officer.username, "usable": True}
    everything = list(AuditEntry.objects.all())
    assert _secrets_in(everything, NEW_PASSWORD, officer.password) == []


# ---- two-factor devices -------------------------------------------------------------------------
def test_system_administrator_cannot_delete_or_change_a_users_device(sysadmin, officer):
    device = TOTPDevice.objects.create(user=officer, name="Điện thoại", confirmed=True)
    client = signed_in(sysadmin)
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:otp_totp_totpdevice_changelist")
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"}
    )
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    client.post(change, {"user": sysadmin.pk, "name": "moved", "confirmed": "on"})
    add = reverse("admin:otp_totp_totpdevice_add")
    assert client.get(add).status_code == 403
    device.refresh_from_db()
    assert (device.user_id, device.name, device.confirmed) == (officer.pk, "Điện thoại", True)
    # Reading the list (no key, no QR code) is still allowed: it is how a reset is prepared.
    assert client.get(changelist).status_code == 200
    assert not AuditEntry.objects.filter(action__startswith="auth.otp_device").exists()


def test_superuser_deletes_a_device_and_it_is_audited_without_the_key(superuser, officer):
    device = TOTPDevice.objects.create(user=officer, name="Điện thoại", confirmed=True)
    key = device.key
    client = signed_in(superuser)
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    entry = AuditEntry.objects.get(action="auth.otp_device_deleted")
    assert entry.actor_id == superuser.pk and entry.object_id == str(officer.pk)
    assert entry.detail["user"] == officer.username and entry.detail["confirmed"] is True
    other = TOTPDevice.objects.create(user=officer, name="Máy tính bảng", confirmed=True)
    changelist = reverse("admin:otp_totp_totpdevice_changelist")
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"}
    )
    assert not TOTPDevice.objects.filter(pk=other.pk).exists()
    assert AuditEntry.objects.filter(action="auth.otp_device_deleted").count() == 2
    assert _secrets_in(list(AuditEntry.objects.all()), key, other.key) == []


def test_superuser_changes_a_device_and_the_audit_says_what_changed(superuser, officer):
    device = TOTPDevice.objects.create(user=officer, name="Điện thoại", confirmed=False)
    client = signed_in(superuser)
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = client.get(change)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(user=officer.pk, name="Điện thoại mới", confirmed="on")
    assert client.post(change, data).status_code == 302
    entry = AuditEntry.objects.get(action="auth.otp_device_changed")
    assert entry.detail["changed"] == ["confirmed", "name"]
    assert entry.detail["key_changed"] is False
    assert _secrets_in([entry], device.key) == []


# ---- groups and permissions ---------------------------------------------------------------------
def _name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def test_system_administrator_cannot_edit_groups_or_permissions(sysadmin, officer):
    everything = Group.objects.create(name="Toàn quyền")
    everything.permissions.set(Permission.objects.all())
    audited = AuditEntry.objects.filter(action="permissions.changed").count()  # the set-up
    client = signed_in(sysadmin)
    add = reverse("admin:auth_group_add")
    perms = [p.pk for p in Permission.objects.all()[:3]]
    assert client.post(add, {"name": "Mới", "permissions": perms}).status_code == 403
    assert not Group.objects.filter(name="Mới").exists()
    change = reverse("admin:auth_group_change", args=[everything.pk])
    assert client.post(change, {"name": "Đổi", "permissions": []}).status_code == 403
    delete = reverse("admin:auth_group_delete", args=[everything.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    everything.refresh_from_db()
    assert everything.name == "Toàn quyền"
    assert everything.permissions.count() == Permission.objects.count()
    # Putting an officer (or themselves) into the group through the user page: the field is
    # read-only for them, the membership does not change.
    for target in (officer, sysadmin):
        page = client.get(reverse("admin:core_user_change", args=[target.pk]))
        assert page.status_code == 200
        form = page.context["adminform"].form
        assert "groups" not in form.fields and "user_permissions" not in form.fields
        data = {
            "username": target.username,
            "is_active": "on",
            "is_staff": "on" if target.is_staff else "",
            "groups": [everything.pk],
            "user_permissions": perms,
            "date_joined_0": "2025-01-01",
            "date_joined_1": "08:00:00",
        }
        client.post(reverse("admin:core_user_change", args=[target.pk]), data)
        assert not target.groups.exists()
    assert not officer.user_permissions.exists()
    assert AuditEntry.objects.filter(action="permissions.changed").count() == audited


def test_superuser_group_and_permission_changes_are_audited(superuser, officer):
    client = signed_in(superuser)
    perms = list(Permission.objects.select_related("content_type").order_by("pk")[:2])
    names = sorted(_name(p) for p in perms)
    response = client.post(
        reverse("admin:auth_group_add"), {"name": "Văn thư", "permissions": [p.pk for p in perms]}
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Văn thư")
    created = AuditEntry.objects.get(action="config.created", object_type="auth.group")
    assert created.actor_id == superuser.pk
    added = AuditEntry.objects.get(action="permissions.changed", object_type="auth.group")
    assert added.detail == {"field": "permissions", "added": names}
    # A user gains the group, then loses it (any path: the admin, a command, code).
    officer.groups.add(group)
    officer.groups.clear()
    group.permissions.remove(perms[0])
    entries = list(
        AuditEntry.objects.filter(action="permissions.changed")
        .order_by("id")
        .values_list("object_type", "detail")
    )
    assert entries[1:] == [
        ("core.user", {"field": "groups", "added": ["Văn thư"]}),
        ("core.user", {"field": "groups", "removed": ["Văn thư"]}),
        ("auth.group", {"field": "permissions", "removed": [_name(perms[0])]}),
    ]
    officer.user_permissions.add(perms[1])
    last = AuditEntry.objects.filter(action="permissions.changed").order_by("-id").first()
    assert last is not None and last.detail == {
        "field": "user_permissions",
        "added": [_name(perms[1])],
    }
