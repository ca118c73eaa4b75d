"""The scope matrix: every URL of the project × anonymous, each role of agency A, the police
officer holding a step of A's record, the Center's supervisor, a system administrator, an
officer of agency B and a superuser. Built from the URL configuration: a URL missing from
``scope_registry.REGISTRY`` fails ``test_every_url_is_registered``, so no view can skip it.

The world is built once for the module (inside a transaction rolled back at the end); every
test runs in its own savepoint on top of it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from motcua.core.tests.scope_registry import (
    ADMIN_CONFIGURATION,
    ADMIN_PERSONAL_DATA,
    ADMIN_SITE,
    MACHINE,
    PUBLIC,
    REGISTRY,
    Entry,
)
from motcua.core.tests.scope_world import USERS, ScopeWorld, build_scope_world

LOGIN = "/accounts/login/"
OUTSIDE_A = ("supervisor", "sysadmin", "outsider")


# ---- the URL configuration ----------------------------------------------------------------------
def _walk(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            full = f"{namespace}:{name}" if namespace and name else name
            yield full, prefix + str(pattern.pattern)


def all_urls() -> list[tuple[str, str]]:
    return list(_walk(get_resolver()))


def _admin_model_routes() -> set[str]:
    return {f"admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry}


def test_every_url_is_registered() -> None:
    """A new URL must be added to scope_registry.REGISTRY (and so to the matrix)."""
    model_routes = _admin_model_routes()
    missing = []
    seen = set()
    for name, route in all_urls():
        if route.startswith("admin/"):
            known = (
                name in ADMIN_SITE
                or any(route.startswith(prefix) for prefix in model_routes)
                or route == "admin/(?P<url>.*)$"
            )
            if not known:
                missing.append(f"{name or '(no name)'} {route}")
            continue
        seen.add(name)
        if name not in REGISTRY:
            missing.append(f"{name or '(no name)'} {route}")
    assert not missing, "URLs missing from core/tests/scope_registry.py:\n" + "\n".join(missing)
    stale = set(REGISTRY) - seen
    assert not stale, f"Registry entries without a URL: {sorted(stale)}"


# ---- the world ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scope_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ScopeWorld]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_scope_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def sw(scope_world: ScopeWorld, db: Any, settings: Any) -> ScopeWorld:
    settings.MOTCUA_LOOKUP_RATE = "100000/min"
    return scope_world


def client_as(sw: ScopeWorld, key: str) -> Client:
    client = Client()
    user = sw.users[key]
    if user is not None:
        client.force_login(user)
    return client


# ---- the matrix ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def clients(scope_world: ScopeWorld, django_db_blocker: Any) -> dict[str, Client]:
    """One signed-in client per matrix user, for the whole module (sessions live in the
    module's transaction)."""
    with django_db_blocker.unblock():
        return {key: client_as(scope_world, key) for key in USERS}


def _users(entry: Entry) -> list[str]:
    if entry.heavy and entry.access == PUBLIC:
        return ["anonymous", "outsider"]
    first_allowed = next((u for u in USERS if u in entry.allowed), None)
    # A rendered file: one allowed user is enough.
    return [u for u in USERS if not (entry.heavy and u in entry.allowed and u != first_allowed)]


def _request(client: Client, url: str, entry: Entry, query: dict[str, Any], post: bool) -> Any:
    if not post:
        return client.get(url, query)
    if entry.api:
        return client.post(url, {}, content_type="application/json")
    return client.post(url, {})


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith((LOGIN, "/admin/login/"))


def _problem(sw: ScopeWorld, client: Client, user: str, url: str, entry: Entry) -> str | None:
    """What is wrong with ``user``'s answer at ``url`` (None: as the registry says)."""
    query = entry.query(sw)
    if entry.access == PUBLIC:
        response = client.get(url, query)
        if response.status_code >= 500 or response.status_code in (401, 403):
            return f"got {response.status_code} on a public page"
        if _is_login_redirect(response):
            return "was sent to the login page of a public page"
        return None
    if entry.access == MACHINE:
        response = _request(client, url, entry, query, post=True)
        if response.status_code not in (401, 403):
            return f"got {response.status_code} on a machine-client endpoint"
        return None
    if user == "anonymous":
        response = _request(client, url, entry, query, post=entry.post_only)
        if entry.api and response.status_code not in (401, 403):
            return f"got {response.status_code} (expected 401/403)"
        if not entry.api and not _is_login_redirect(response):
            return f"got {response.status_code} (expected the login redirect)"
        return None
    if user in entry.allowed:
        response = client.get(url, query)
        expected = {405} if entry.post_only else entry.ok
        if response.status_code not in expected:
            return f"got {response.status_code} (expected {sorted(expected)})"
        if entry.hidden is not None and user in OUTSIDE_A:
            body = response.content.decode("utf-8", "replace")
            leaked = [text for text in entry.hidden(sw) if text and text in body]
            if leaked:
                return f"sees agency A's {leaked}"
        return None
    response = _request(client, url, entry, query, post=entry.post_only)
    refused = {404} if entry.denied == "404" else {403, 404}
    if response.status_code not in refused:
        return f"got {response.status_code} (expected {sorted(refused)})"
    return None


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_scope(sw: ScopeWorld, clients: dict[str, Client], name: str) -> None:
    """Every user of the matrix at one URL gets what the registry says."""
    entry = REGISTRY[name]
    url = reverse(name, kwargs=entry.kwargs(sw))
    problems = []
    for user in _users(entry):
        problem = _problem(sw, clients[user], user, url, entry)
        if problem:
            problems.append(f"{user}: {problem}")
    assert not problems, f"{name} ({url}):\n" + "\n".join(problems)


# ---- beyond one URL per user --------------------------------------------------------------------
def test_center_supervisor_sees_records_received_at_the_center(sw: ScopeWorld) -> None:
    client = client_as(sw, "supervisor")
    code = sw.center_record.code
    assert client.get(reverse("records:detail", kwargs={"code": code})).status_code == 200
    assert client.get(reverse("api:records:detail", kwargs={"code": code})).status_code == 200
    listed = client.get(reverse("api:records:list")).json()
    assert [row["code"] for row in listed["results"]] == [code]


def test_other_agencies_do_not_see_the_centers_records(sw: ScopeWorld) -> None:
    code = sw.center_record.code
    for user in ("outsider", "sysadmin"):
        response = client_as(sw, user).get(reverse("records:detail", kwargs={"code": code}))
        assert response.status_code == 404, user


def test_system_administrator_reads_no_record_through_the_role(sw: ScopeWorld) -> None:
    """A system administrator's role (at the Center) shows none of the Center's records: not
    the page, the API, the printed forms, the search, the queues nor the API list."""
    client = client_as(sw, "sysadmin")
    code = sw.center_record.code
    for name in ("records:detail", "api:records:detail", "records:receipt_pdf"):
        assert client.get(reverse(name, kwargs={"code": code})).status_code == 404, name
    assert client.get(reverse("api:records:list")).json()["results"] == []
    for name in ("records:search", "records:queue_unit", "records:queue_mine"):
        body = client.get(reverse(name)).content.decode()
        assert code not in body and sw.center_record.applicant_name not in body, name
    slip = client.get(reverse("records:slip", kwargs={"pk": sw.slip.pk}))
    assert slip.status_code == 404


def test_superuser_reads_a_record_only_through_a_logged_view(sw: ScopeWorld) -> None:
    from motcua.audit.models import AuditEntry

    client = client_as(sw, "superuser")
    for name, via in (("records:detail", "page"), ("api:records:detail", "api")):
        before = AuditEntry.objects.count()
        assert client.get(reverse(name, kwargs={"code": sw.record.code})).status_code == 200
        entry = AuditEntry.objects.order_by("-id").first()
        assert AuditEntry.objects.count() == before + 1
        assert entry is not None and entry.action == "personal_data.viewed"
        assert entry.actor_id == sw.users["superuser"].pk
        assert entry.object_id == sw.record.code and entry.detail["via"] == via


@pytest.mark.parametrize(
    "name",
    [
        "reporting:settlement",
        "reporting:settlement_records",
        "reporting:settlement_csv",
        "reporting:dashboard",
        "api:report-settlement",
    ],
)
def test_another_agencys_report_is_not_found(sw: ScopeWorld, name: str) -> None:
    query = {
        "from": "2025-01-01",
        "to": "2025-12-31",
        "column": "received_total",
        "agency": sw.world.justice.code,
    }
    assert client_as(sw, "outsider").get(reverse(name), query).status_code == 404
    assert client_as(sw, "leader").get(reverse(name), query).status_code == 200


# ---- the admin site -----------------------------------------------------------------------------
def _admin_labels() -> list[str]:
    return sorted(model._meta.label_lower for model in admin.site._registry)


def test_every_admin_model_is_classified() -> None:
    """A new admin page must say whether it holds personal data (scope_registry)."""
    assert not ADMIN_PERSONAL_DATA & ADMIN_CONFIGURATION
    labels = set(_admin_labels())
    assert labels - ADMIN_PERSONAL_DATA - ADMIN_CONFIGURATION == set()
    assert (ADMIN_PERSONAL_DATA | ADMIN_CONFIGURATION) - labels == set()


@pytest.mark.parametrize("label", _admin_labels())
def test_admin_model(sw: ScopeWorld, clients: dict[str, Client], label: str) -> None:
    """Anonymous and officers are sent to the admin login; staff without the model's
    permissions get 403; a system administrator holding every permission still gets 403 on
    personal data; superusers get the list (and an object's page)."""
    from django.contrib.auth.models import Permission

    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    app, name = model._meta.app_label, model._meta.model_name
    changelist = reverse(f"admin:{app}_{name}_changelist")
    problems = []
    for user in ("anonymous", "outsider", "leader"):
        if not _is_login_redirect(clients[user].get(changelist)):
            problems.append(f"{user} is not sent to the admin login")
    status = clients["sysadmin"].get(changelist).status_code
    if status != 403:
        problems.append(f"sysadmin without permissions got {status}")
    sysadmin = sw.users["sysadmin"]
    sysadmin.user_permissions.set(Permission.objects.all())
    status = clients["sysadmin"].get(changelist).status_code
    expected = 403 if label in ADMIN_PERSONAL_DATA else 200
    if status != expected:
        problems.append(f"sysadmin with every permission got {status}, expected {expected}")
    response = clients["superuser"].get(changelist)
    if response.status_code != 200:
        problems.append(f"superuser got {response.status_code}")
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        change = reverse(f"admin:{app}_{name}_change", args=[first.pk])
        if clients["superuser"].get(change).status_code != 200:
            problems.append("superuser cannot open an object")
        if label in ADMIN_PERSONAL_DATA and clients["sysadmin"].get(change).status_code != 403:
            problems.append("sysadmin opens an object holding personal data")
    assert not problems, f"{label}: " + "; ".join(problems)


def test_system_administrator_cannot_become_or_touch_a_superuser(
    sw: ScopeWorld, clients: dict[str, Client]
) -> None:
    """With every permission, a system administrator manages accounts but cannot tick
    "superuser" (for anybody, themselves included), grant permissions, nor open, re-password
    or delete a superuser's account."""
    from django.contrib.auth.models import Permission

    sysadmin, superuser = sw.users["sysadmin"], sw.users["superuser"]
    sysadmin.user_permissions.set(Permission.objects.all())
    client = clients["sysadmin"]
    for name in ("auth_user_password_change", "core_user_delete"):
        url = reverse(f"admin:{name}", args=[superuser.pk])
        assert client.get(url).status_code == 403, name
    # The superuser's page opens read-only; a change is refused.
    change = reverse("admin:core_user_change", args=[superuser.pk])
    assert client.post(change, {"username": "taken", "is_active": "on"}).status_code == 403
    superuser.refresh_from_db()
    assert superuser.username != "taken"
    page = client.get(reverse("admin:core_user_change", args=[sysadmin.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    data = {
        "username": sysadmin.username,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "08:00:00",
    }
    client.post(reverse("admin:core_user_change", args=[sysadmin.pk]), data)
    sysadmin.refresh_from_db()
    assert not sysadmin.is_superuser
    assert sysadmin.user_permissions.count() == Permission.objects.count()
    # A superuser still manages everything.
    assert (
        clients["superuser"].get(reverse("admin:core_user_change", args=[sysadmin.pk])).status_code
        == 200
    )
