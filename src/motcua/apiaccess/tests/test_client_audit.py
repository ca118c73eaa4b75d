"""Issue 13, item 10: creating an API client, changing it and rotating its secret are audited,
with the roles its service account was given or lost (those roles are written in bulk, which
the audit receivers of staff roles do not see). The secret is never in the log."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from motcua.apiaccess.models import ApiClient
from motcua.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world):
    client = Client()
    client.force_login(world.admin)
    return client


def test_creation_change_and_rotation_are_audited_with_the_roles(world, admin_client):
    response = admin_client.post(
        "/admin/apiaccess/apiclient/add/",
        {
            "name": "LGSP tỉnh",
            "agencies": [world.justice.pk],
            "scopes": ["records:submit", "records:read"],
            "rate": "",
            "is_active": "on",
        },
        REMOTE_ADDR="10.3.3.3",
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    client = ApiClient.objects.get()
    created = AuditEntry.objects.get(action="apiclient.created")
    assert (created.actor_id, created.object_id, created.ip) == (
        world.admin.pk,
        str(client.pk),
        "10.3.3.3",
    )
    assert created.detail["service_account"] == client.user.username
    assert sorted(created.detail["scopes"]) == ["records:read", "records:submit"]
    assert created.detail["roles_granted"] == [
        f"{world.justice.code}:center_supervisor",
        f"{world.justice.code}:reception",
    ]

    admin_client.post(
        f"/admin/apiaccess/apiclient/{client.pk}/change/",
        {
            "agencies": [world.police.pk],
            "scopes": ["records:submit"],
            "rate": "",
            "is_active": "on",
        },
    )
    changed = AuditEntry.objects.get(action="apiclient.changed")
    assert changed.detail["roles_granted"] == [f"{world.police.code}:reception"]
    assert changed.detail["roles_removed"] == [
        f"{world.justice.code}:center_supervisor",
        f"{world.justice.code}:reception",
    ]
    assert changed.detail["tokens_revoked"] is True

    rotated = admin_client.post(
        "/admin/apiaccess/apiclient/",
        {"action": "rotate_secret", "_selected_action": [client.pk]},
    )
    new_secret = rotated.context["secret"]
    assert AuditEntry.objects.filter(action="apiclient.secret_rotated").count() == 1
    text = json.dumps(list(AuditEntry.objects.values_list("detail", flat=True)))
    assert secret not in text and new_secret not in text
