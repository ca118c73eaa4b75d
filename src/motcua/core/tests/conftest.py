import pytest
from django.urls import get_resolver

from motcua.core import nav
from motcua.core.tests.factories import PASSWORD, UserFactory


@pytest.fixture
def nav_registry():
    """An empty navigation registry except for core's own "Work desk" entry, whatever the
    other apps registered; restored afterwards. The URL configuration is loaded first: the apps
    register their entries when their urls modules are imported, which must not happen after
    the registry was emptied."""
    get_resolver().url_patterns  # noqa: B018 - imports every urls module
    saved = nav.nav_entries()
    nav._registry[:] = [e for e in saved if e.url_name == "core:home"]
    yield nav
    nav._registry[:] = saved


@pytest.fixture
def officer(db):
    return UserFactory(username="chuyenvien.thu", full_name="Hoàng Minh Đức")


@pytest.fixture
def officer_client(client, officer):
    assert client.login(username=officer.username, password=PASSWORD)
    return client
