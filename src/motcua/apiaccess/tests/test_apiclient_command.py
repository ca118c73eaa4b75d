"""`motcua apiclient create|rotate|list|deactivate`."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from oauth2_provider.models import Application

from motcua.apiaccess.models import ApiClient
from motcua.apiaccess.tests.factories import bearer, token_response

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("apiclient", *args, stdout=out)
    return out.getvalue()


def secret_of(output: str) -> str:
    return re.search(r"client_secret: (\S+)", output).group(1)


def test_create_prints_the_secret_once_and_stores_only_its_hash(world):
    output = run(
        "create",
        "--name",
        "Cổng DVC quốc gia",
        "--agency",
        world.justice.code,
        "--agency",
        world.police.code,
        "--scopes",
        "records:submit,records:read",
        "catalogue:read",
    )
    client = ApiClient.objects.get()
    secret = secret_of(output)
    assert client.application.client_id in output
    assert set(client.scope_list) == {"records:submit", "records:read", "catalogue:read"}
    assert {a.code for a in client.agencies.all()} == {world.justice.code, world.police.code}
    assert secret not in Application.objects.get().client_secret
    assert token_response(client, secret).status_code == 200
    assert secret not in run("list")


def test_rotate_prints_a_new_secret_and_the_old_one_stops_working(world):
    old = secret_of(
        run("create", "--name", "Hub", "--agency", world.justice.code, "--scopes", "records:read")
    )
    new = secret_of(run("rotate", "Hub"))
    client = ApiClient.objects.get()
    assert token_response(client, old).status_code == 401
    assert token_response(client, new).status_code == 200
    assert secret_of(run("rotate", client.application.client_id)) != new


def test_deactivate_revokes_the_tokens(world):
    secret = secret_of(
        run("create", "--name", "Hub", "--agency", world.justice.code, "--scopes", "records:read")
    )
    client = ApiClient.objects.get()
    token = token_response(client, secret).json()["access_token"]
    run("deactivate", "Hub")
    assert bearer(token).get("/api/v1/records/").status_code == 401
    assert "inactive" in run("list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "999.99.99.X00", "--scopes", "records:read"], "999.99.99.X00"),
        (["--agency", "000.00.12.H99", "--scopes", "records:all"], "records:all"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_created(world, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run("create", "--name", "Hub", *args)
    assert not ApiClient.objects.exists()


def test_rotating_an_unknown_client_is_refused(world):
    with pytest.raises(CommandError, match="nobody"):
        run("rotate", "nobody")
