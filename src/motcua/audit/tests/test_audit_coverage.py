"""Audit coverage (issue 13, item 10): every view of the project is classified here, from the
URL configuration (``django.urls.get_resolver()``, through every include), and every view that
serves personal data or a document must write an audit entry.

- ``AUDITED``: the view serves personal data or a document (or changes it): the entry it
  writes. GET views are called here, on the scope matrix's world, as a user allowed by
  ``scope_registry``, and must write that entry with that user as actor. Writes name the test
  (``proof``) that makes the call and finds the entry; the test must exist.
- ``RECORD_MOVES``: each successful call moves a record: the move's ``RecordEvent`` is copied to
  the audit log by the receiver of ``RECORD_EVENT_ADDED`` (with the actor), and the refreshed
  record page is logged as ``personal_data.viewed``.
- ``LISTS``: lists that show applicants' names only, never an ID number or a phone
  (``records/tests/test_personal_data_masking.py``); opening one record from them is logged.
- ``CITIZEN``: the data subject's own record, opened with the receipt's secret (rate-limited,
  no ID number nor phone shown).
- ``NO_PERSONAL_DATA``: no personal data and no document of a person (reason given).

A new URL in none of them, or a name here that no longer exists, fails
``test_every_view_is_classified``. The admin pages of personal-data models
(``scope_registry.ADMIN_PERSONAL_DATA``) are checked by ``test_admin_personal_data_pages_are_audited``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from motcua.audit.models import AuditEntry
from motcua.core.admin_personal import PersonalDataAdmin
from motcua.core.tests import test_scope_matrix
from motcua.core.tests.scope_registry import ADMIN_PERSONAL_DATA, REGISTRY
from motcua.core.tests.scope_world import ScopeWorld
from motcua.core.tests.test_scope_matrix import all_urls
from motcua.records.views.record import SPECS as WEB_ACTIONS

Query = Callable[[ScopeWorld], dict[str, Any]]


@dataclass(frozen=True)
class Audited:
    action: str
    user: str = ""  # the matrix user who calls it (default: see _caller)
    query: Query | None = None  # the query that makes the view serve its file
    proof: str = ""  # writes: "module::test" that makes the call and finds the entry


DOCUMENTS = "motcua.documents.tests.test_audit_trail::"
PAGES_PROOF = DOCUMENTS + "test_generate_sign_seal_download_and_reuse_through_the_pages_are_audited"
API_PROOF = DOCUMENTS + "test_api_generate_and_sign_are_audited"
EVALUATION_PROOF = "motcua.public.tests.test_evaluation_audit::"


def _book(w: ScopeWorld) -> dict[str, Any]:
    return {
        "download": "1",
        "agency": w.world.justice.code,
        "from": "2025-01-01",
        "to": "2025-12-31",
    }


def _period(w: ScopeWorld) -> dict[str, Any]:
    return {"from": "2025-01-01", "to": "2025-12-31"}


PDF = Audited("export.document")
AUDITED: dict[str, Audited] = {
    # one record's personal data
    "records:detail": Audited("personal_data.viewed"),
    "records:detail_by_id": Audited("personal_data.viewed"),
    "api:records:detail": Audited("personal_data.viewed"),
    "records:slip": Audited("personal_data.viewed"),
    # documents of a person
    "records:slip_pdf": PDF,
    "records:receipt_pdf": PDF,
    "records:control_sheet_pdf": PDF,
    "records:supplement_pdf": PDF,
    "records:extension_pdf": PDF,
    "records:stop_notice_pdf": PDF,
    "records:refusal_notice_pdf": PDF,
    "records:tracking_book": Audited("export.tracking_book", user="reception", query=_book),
    "documents:file": Audited("export.result"),
    # its QR code carries the record's lookup secret
    "evaluation:card": Audited("export.evaluation_card"),
    # the satisfaction file lists low scores with the applicants' comments
    "evaluation:report": Audited(
        "export.satisfaction", user="leader", query=lambda w: {"format": "xlsx"}
    ),
    # report files (aggregates, but documents leaving the system)
    "reporting:settlement_csv": Audited("export.settlement", user="leader", query=_period),
    "reporting:settlement_xlsx": Audited("export.settlement", user="leader", query=_period),
    "reporting:settlement_pdf": Audited("export.settlement", user="leader", query=_period),
    # the result panel: the record's result documents and the person's reusable documents
    "documents:record": Audited("personal_data.viewed"),
    # writes
    "documents:generate": Audited("documents.result_generated", proof=PAGES_PROOF),
    "documents:sign": Audited("documents.result_signed", proof=PAGES_PROOF),
    "documents:reuse": Audited("documents.reused", proof=PAGES_PROOF),
    "api:documents-result-generate": Audited("documents.result_generated", proof=API_PROOF),
    "api:documents-result-sign": Audited("documents.result_signed", proof=API_PROOF),
    "public:evaluation": Audited(
        "evaluation.submitted",
        proof=EVALUATION_PROOF + "test_the_citizens_evaluation_and_its_change_are_audited",
    ),
    "public:kiosk_submit": Audited(
        "evaluation.submitted",
        proof=EVALUATION_PROOF + "test_the_kiosk_evaluation_is_audited_with_the_officer",
    ),
    "api:import-records": Audited(
        "import.records",
        proof="motcua.reporting.tests.test_import::"
        "test_api_import_is_audited_with_who_hash_and_counts",
    ),
    # a new submission is a record event; a repeated one answers with the record: logged
    "api:records:online": Audited(
        "personal_data.viewed",
        proof="motcua.audit.tests.test_audit_coverage::"
        "test_a_repeated_online_submission_is_logged_as_a_view",
    ),
}
RECORD_MOVES: set[str] = {
    *(f"records:{action}" for action in WEB_ACTIONS),
    *(f"records:{action}_by_id" for action in WEB_ACTIONS),
    *(f"api:records:action-{action.replace('_', '-')}" for action in WEB_ACTIONS),
    # receiving at the desk (record.received); a slip issued there opens the logged slip page
    "records:intake",
    # machine clients post online records (record.submitted); a repeated key answers the same
    # client with its own stored answer
    "api:inbound:records",
}
LISTS = {
    "core:home",
    "records:queue_mine",
    "records:queue_unit",
    "records:queue_due_soon",
    "records:queue_overdue",
    "records:search",
    "records:submissions",
    "reporting:settlement_records",
    "api:records:list",
}
CITIZEN = {"public:lookup", "api:public:lookup"}
NO_PERSONAL_DATA: dict[str, str] = {
    "core:healthz": "health check",
    "login": "sign-in form",
    "logout": "sign-out",
    "set_language": "language switch",
    "account:otp_enrol": "one's own two-factor set-up (audited: auth.otp_enrolled)",
    "account:otp_verify": "one's own code step (audited: auth.otp_verified / otp_failed)",
    "account:password_change": "one's own password (the save is audited: config.changed)",
    "account:password_change_done": "confirmation page",
    "api:schema": "the API description",
    "api:docs": "the API description",
    "oauth:token": "client credentials (API calls are logged per call)",
    "oauth:revoke": "client credentials",
    "api:calendar-due": "calendar arithmetic",
    "api:catalogue-procedure-list": "the public catalogue",
    "api:catalogue-procedure-detail": "the public catalogue",
    "public:lookup_form": "an empty form",
    "public:figures": "aggregates",
    "public:kiosk": "the kiosk's code form and questions: no personal data",
    "reporting_public:transparency": "aggregates",
    "reporting:settlement": "aggregates (the files are audited)",
    "reporting:dashboard": "aggregates",
    "api:report-settlement": "aggregates",
    "verification:page": "verification of an uploaded file: code, agency and dates only",
    "verification:code": "code, agency and dates only",
    "api:verify": "code, agency and dates only",
    "records:intake_checklist": "a procedure's list of documents",
    "exchange:reconciliation": "counts per status: events carry no personal data",
    "exchange:deliveries": "webhook deliveries: bodies carry no personal data",
    "exchange:resend": "re-sends webhook deliveries (no personal data)",
}


# ---- classification -----------------------------------------------------------------------------
def _view_names() -> set[str]:
    return {name for name, route in all_urls() if not route.startswith("admin/")}


def test_every_view_is_classified() -> None:
    groups = [set(AUDITED), RECORD_MOVES, LISTS, CITIZEN, set(NO_PERSONAL_DATA)]
    names = _view_names()
    unclassified = sorted(n for n in names if not any(n in g for g in groups))
    assert not unclassified, (
        "Views neither audited nor classified (audit/tests/test_audit_coverage.py): "
        + ", ".join(unclassified)
    )
    twice = sorted(n for n in names if sum(n in g for g in groups) > 1)
    assert not twice, f"Classified twice: {twice}"
    stale = sorted(set().union(*groups) - names)
    assert not stale, f"Classified but no such URL: {stale}"


@pytest.mark.parametrize("name", sorted(n for n, a in AUDITED.items() if a.proof))
def test_every_write_names_an_existing_proof(name: str) -> None:
    module, _sep, function = AUDITED[name].proof.partition("::")
    assert callable(getattr(importlib.import_module(module), function, None)), AUDITED[name].proof


# ---- the world: the scope matrix's own fixtures ------------------------------------------------
scope_world = test_scope_matrix.scope_world
sw = test_scope_matrix.sw


PREFERRED = ("reception", "leader", "superuser")


def _caller(name: str, audited: Audited) -> str:
    if audited.user:
        return audited.user
    allowed = REGISTRY[name].allowed
    return next(user for user in PREFERRED if user in allowed)


@pytest.mark.parametrize("name", sorted(n for n, a in AUDITED.items() if not a.proof))
def test_the_view_writes_its_audit_entry(sw: ScopeWorld, name: str) -> None:
    audited, entry = AUDITED[name], REGISTRY[name]
    user = _caller(name, audited)
    client = Client()
    client.force_login(sw.users[user])
    query = {**entry.query(sw), **(audited.query(sw) if audited.query else {})}
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(reverse(name, kwargs=entry.kwargs(sw)), query)
    assert response.status_code == 200, response.content[:300]
    written = list(AuditEntry.objects.filter(id__gt=last).values_list("action", "actor_id"))
    assert (audited.action, sw.users[user].pk) in written, written


def test_a_repeated_online_submission_is_logged_as_a_view(sw: ScopeWorld) -> None:
    from motcua.records.tests.factories_api import online_body

    client = Client()
    client.force_login(sw.users["superuser"])
    body = online_body(external_code="G22.99-20250601-0000009")
    url = reverse("api:records:online")
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201, first.content[:500]
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 200
    entry = AuditEntry.objects.get(id__gt=last)
    assert (entry.action, entry.actor_id) == ("personal_data.viewed", sw.users["superuser"].pk)
    assert entry.detail["via"] == "api_online_replay"


# ---- the admin site -----------------------------------------------------------------------------
@pytest.mark.parametrize("label", sorted(ADMIN_PERSONAL_DATA))
def test_admin_personal_data_pages_are_audited(sw: ScopeWorld, label: str) -> None:
    model, model_admin = next(
        (m, a) for m, a in admin.site._registry.items() if m._meta.label_lower == label
    )
    assert isinstance(model_admin, PersonalDataAdmin), label
    client = Client()
    client.force_login(sw.users["superuser"])
    app, name = model._meta.app_label, model._meta.model_name
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200
    pages = [("list", None)]
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        assert client.get(reverse(f"admin:{app}_{name}_change", args=[first.pk])).status_code == 200
        pages.append(("object", str(first.pk)))
    entries = AuditEntry.objects.filter(id__gt=last, action="personal_data.viewed")
    seen = [(e.detail["model"], e.detail["page"], e.detail.get("object")) for e in entries]
    assert seen == [(label, page, obj) for page, obj in pages]
    assert all(e.actor_id == sw.users["superuser"].pk for e in entries)
