"""Admin: register a client (secret shown once), rotate its secret, read the call log."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.apiaccess.models import ApiCall, ApiClient
from motcua.apiaccess.tests.factories import make_client, token_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world):
    world.admin.is_superuser = world.admin.is_staff = True
    world.admin.save()
    client = Client()
    client.force_login(world.admin)
    return client


def test_adding_a_client_shows_its_secret_once(world, admin_client):
    response = admin_client.post(
        "/admin/apiaccess/apiclient/add/",
        {
            "name": "LGSP tỉnh",
            "agencies": [world.justice.pk],
            "scopes": ["records:submit", "catalogue:read"],
            "rate": "120/min",
            "is_active": "on",
        },
    )
    assert response.status_code == 200, response.content[:2000]
    assert "no-store" in response["Cache-Control"]
    client = ApiClient.objects.get()
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert client.rate == "120/min" and client.scope_list == ["records:submit", "catalogue:read"]
    assert token_response(client, secret).status_code == 200
    page = admin_client.get(f"/admin/apiaccess/apiclient/{client.pk}/change/").content.decode()
    assert secret not in page


def test_a_bad_rate_is_a_form_error(world, admin_client):
    response = admin_client.post(
        "/admin/apiaccess/apiclient/add/",
        {"name": "Hub", "agencies": [world.justice.pk], "scopes": ["records:read"], "rate": "fast"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["rate"]
    assert not ApiClient.objects.exists()


def test_changing_scopes_in_the_admin_updates_the_roles(world, admin_client):
    client, _secret = make_client(world.justice, scopes="records:read")
    response = admin_client.post(
        f"/admin/apiaccess/apiclient/{client.pk}/change/",
        {
            "agencies": [world.police.pk],
            "scopes": ["records:submit"],
            "rate": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.scope_list == ["records:submit"]
    assert set(client.user.staff_roles.values_list("agency__code", "role")) == {
        (world.police.code, "reception")
    }


def test_the_rotate_action_shows_the_new_secret(world, admin_client):
    client, old = make_client(world.justice)
    response = admin_client.post(
        "/admin/apiaccess/apiclient/",
        {"action": "rotate_secret", "_selected_action": [client.pk]},
    )
    assert response.status_code == 200
    new = response.context["secret"]
    assert new != old
    assert token_response(client, old).status_code == 401
    assert token_response(client, new).status_code == 200


def test_the_call_log_is_listed(world, admin_client, api_log):
    admin_client.get("/api/v1/catalogue/procedures/")
    assert ApiCall.objects.count() == 1
    response = admin_client.get("/admin/apiaccess/apicall/")
    assert response.status_code == 200
    assert "api:catalogue-procedure-list" in response.content.decode()
