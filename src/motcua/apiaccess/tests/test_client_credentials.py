"""OAuth2 client credentials: tokens, scopes per endpoint, agencies, secrets hashed at rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from motcua.apiaccess import services
from motcua.apiaccess.tests.factories import (
    bearer,
    make_client,
    token_for,
    token_response,
)
from motcua.organisations.models import Role, StaffRole
from motcua.records.tests.factories import receive, travel

pytestmark = pytest.mark.django_db

LIST = "/api/v1/records/"


def test_a_client_gets_a_token_and_reads_only_its_agencies_records(world):
    with travel("2025-04-21 08:00"):
        mine = receive(world)
    client, secret = make_client(world.justice, scopes="records:read catalogue:read")
    token = token_for(client, secret)
    api = bearer(token)
    body = api.get(LIST).json()
    assert [row["code"] for row in body["results"]] == [mine.code]
    assert api.get(f"{LIST}{mine.code}/").status_code == 200
    other, other_secret = make_client(world.police, scopes="records:read", name="Hệ thống LLTP")
    assert bearer(token_for(other, other_secret)).get(f"{LIST}{mine.code}/").status_code == 404


def test_the_token_answer_names_the_granted_scopes(world):
    client, secret = make_client(world.justice, scopes="records:read catalogue:read")
    response = token_response(client, secret)
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert set(body["scope"].split()) == {"records:read", "catalogue:read"}
    assert body["expires_in"] == 3600
    narrow = token_response(client, secret, scope="catalogue:read").json()
    assert narrow["scope"] == "catalogue:read"


def test_a_scope_the_client_was_not_given_is_refused_at_the_token_endpoint(world):
    client, secret = make_client(world.justice, scopes="records:read")
    response = token_response(client, secret, scope="records:act")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_each_endpoint_needs_its_scope(world):
    client, secret = make_client(world.justice, scopes="catalogue:read")
    api = bearer(token_for(client, secret))
    assert api.get("/api/v1/catalogue/procedures/").status_code == 200
    response = api.get(LIST)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert "records:read" in response.json()["error"]["message"]
    assert api.post(LIST, {}, format="json").status_code == 403


def test_a_read_token_cannot_act_even_though_the_roles_would_allow_reading(world):
    client, secret = make_client(world.justice, scopes="records:read")
    api = bearer(token_for(client, secret))
    response = api.post(f"{LIST}1/actions/claim/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_the_service_account_holds_only_the_roles_its_scopes_need(world):
    client, _secret = make_client(world.justice, world.police, scopes="records:read records:submit")
    roles = set(StaffRole.objects.filter(user=client.user).values_list("agency__code", "role"))
    assert roles == {
        (world.justice.code, Role.CENTER_SUPERVISOR),
        (world.justice.code, Role.RECEPTION),
        (world.police.code, Role.CENTER_SUPERVISOR),
        (world.police.code, Role.RECEPTION),
    }
    assert not client.user.has_usable_password()
    assert not client.user.is_staff and not client.user.is_superuser
    services.api_client_update(actor=None, client=client, agencies=[world.police])
    roles = set(StaffRole.objects.filter(user=client.user).values_list("agency__code", "role"))
    assert roles == {
        (world.police.code, Role.CENTER_SUPERVISOR),
        (world.police.code, Role.RECEPTION),
    }


def test_bad_tokens_get_401_with_a_bearer_challenge(world):
    response = bearer("not-a-token").get(LIST)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_requests_without_a_token_keep_the_session_answer(world):
    from rest_framework.test import APIClient

    response = APIClient().get(LIST)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_expired_token_is_refused(world):
    client, secret = make_client(world.justice)
    token = token_for(client, secret)
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert bearer(token).get(LIST).status_code == 401


def test_secrets_and_tokens_are_not_stored_in_clear(world):
    client, secret = make_client(world.justice)
    stored = Application.objects.get(pk=client.application_id).client_secret
    assert stored != secret
    assert identify_hasher(stored)
    token = token_for(client, secret)
    row = AccessToken.objects.get()
    assert row.token == "" and token not in row.token_checksum


def test_rotating_the_secret_revokes_the_old_secret_and_tokens(world):
    client, secret = make_client(world.justice)
    old_token = token_for(client, secret)
    new_secret = services.api_client_rotate_secret(actor=None, client=client)
    assert new_secret != secret
    assert token_response(client, secret).status_code == 401
    assert bearer(old_token).get(LIST).status_code == 401
    assert bearer(token_for(client, new_secret)).get(LIST).status_code == 200


def test_a_deactivated_client_gets_no_token_and_its_tokens_stop_working(world):
    client, secret = make_client(world.justice)
    token = token_for(client, secret)
    services.api_client_update(actor=None, client=client, is_active=False)
    assert bearer(token).get(LIST).status_code == 401
    assert token_response(client, secret).status_code == 401


def test_losing_a_scope_revokes_the_tokens(world):
    client, secret = make_client(world.justice, scopes="records:read catalogue:read")
    token = token_for(client, secret)
    services.api_client_update(actor=None, client=client, scopes=["catalogue:read"])
    assert bearer(token).get("/api/v1/catalogue/procedures/").status_code == 401


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " "}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["records:everything"]}, "scopes"),
        ({"agencies": []}, "agencies"),
        ({"rate": "lots"}, "rate"),
    ],
)
def test_bad_client_data_is_refused_and_nothing_is_written(world, kwargs, field):
    from motcua.apiaccess.models import ApiClient
    from motcua.core.errors import ValidationFailed

    args = {"name": "Hub", "agencies": [world.justice], "scopes": ["records:read"], "rate": ""}
    args.update(kwargs)
    with pytest.raises(ValidationFailed) as exc:
        services.api_client_create(actor=None, **args)
    assert exc.value.field == field
    assert not ApiClient.objects.exists()
    assert not Application.objects.exists()


def test_only_superusers_manage_clients(world):
    from motcua.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.api_client_create(
            actor=world.leader, name="Hub", agencies=[world.justice], scopes=["records:read"]
        )
