"""Every URL of the project, with how to call it and who may: the registry of the scope matrix
(``test_scope_matrix``). A URL name missing here fails the matrix, so a new view cannot skip
the scope checks. See docs/security.md ("Scope") for how to add one.

An entry says:

- ``kwargs``: the URL's arguments, taken from the matrix world (``scope_world.ScopeWorld``);
  ``query``: its query string;
- ``access``: ``PUBLIC`` (anyone, no sign-in), ``MACHINE`` (OAuth2 API clients only: every
  signed-in person is refused) or ``SCOPED`` (sign-in required);
- ``allowed``: for ``SCOPED``, the matrix users (``scope_world.USERS``) who get the page; every
  other signed-in user is refused: with 404 when ``denied="404"`` (an object out of scope:
  a record, its documents, its actions), with 403 or 404 when ``denied="403"`` (a page kept
  for some roles, holding no object of its own);
- ``post_only``: the view takes POST only: allowed users get 405 on GET; refused users POST
  (empty form) and must get the refusal above;
- ``hidden``: strings of agency A's records that must not appear in the page for users outside
  A (lists, searches, reports, exports);
- ``api``: an API endpoint (anonymous gets 401/403 instead of the login redirect);
- ``heavy``: a PDF or file rendered on each call: only one allowed user is asked for it (a
  public one: anonymous and one officer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from motcua.core.tests.scope_world import A_STAFF, SIGNED_IN, ScopeWorld
from motcua.records.views.record import SPECS as WEB_ACTIONS

PUBLIC = "public"
MACHINE = "machine"
SCOPED = "scoped"

Kwargs = Callable[[ScopeWorld], dict[str, Any]]


def _none(_w: ScopeWorld) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Entry:
    access: str = SCOPED
    allowed: frozenset[str] = frozenset()
    denied: str = "404"
    kwargs: Kwargs = _none
    query: Kwargs = _none
    post_only: bool = False
    api: bool = False
    heavy: bool = False
    hidden: Callable[[ScopeWorld], list[str]] | None = None
    # Statuses an allowed user may get besides 200 (e.g. 400 for a form needing parameters).
    ok: frozenset[int] = field(default_factory=lambda: frozenset({200}))


# ---- who ----------------------------------------------------------------------------------------
# A's main record has a step in the police unit (inter-agency): its officer sees it too.
RECORD_READERS = A_STAFF | {"police", "superuser"}
A_READERS = A_STAFF | {"superuser"}
ROLE_HOLDERS = SIGNED_IN - {"superuser"}  # everyone signed in holds a role in the matrix
REPORT_READERS = frozenset({"unit_head", "leader", "supervisor", "superuser"})
DESK = frozenset({"reception", "outsider"})
SYSADMINS = frozenset({"sysadmin", "superuser"})


def _code(w: ScopeWorld) -> dict[str, Any]:
    return {"code": w.record.code}


def _pk(w: ScopeWorld) -> dict[str, Any]:
    return {"pk": w.record.pk}


def _a_names(w: ScopeWorld) -> list[str]:
    """What must not leak out of agency A: its records' codes and applicants' names."""
    records = (w.record, w.extended, w.stopped, w.result_record)
    return [r.code for r in records] + [w.extended.applicant_name, w.stopped.applicant_name]


def _record(**extra: Any) -> Entry:
    return Entry(allowed=RECORD_READERS, kwargs=_code, **extra)


def _a_only(kwargs: Kwargs, **extra: Any) -> Entry:
    return Entry(allowed=A_READERS, kwargs=kwargs, **extra)


REGISTRY: dict[str, Entry] = {
    # ---- public: citizens and machines without sign-in -----------------------------------------
    "core:healthz": Entry(access=PUBLIC),
    "login": Entry(access=PUBLIC),
    "logout": Entry(access=PUBLIC, ok=frozenset({200, 302, 405})),
    "set_language": Entry(access=PUBLIC, ok=frozenset({200, 302, 405})),
    "public:lookup_form": Entry(access=PUBLIC),
    "public:lookup": Entry(
        access=PUBLIC, kwargs=_code, query=lambda w: {"k": w.record.lookup_secret}
    ),
    "public:evaluation": Entry(
        access=PUBLIC, kwargs=_code, query=lambda w: {"k": w.record.lookup_secret}
    ),
    "public:figures": Entry(access=PUBLIC),
    "reporting_public:transparency": Entry(access=PUBLIC),
    "verification:page": Entry(access=PUBLIC),
    "verification:code": Entry(access=PUBLIC, kwargs=lambda w: {"code": w.result.code}),
    "api:public:lookup": Entry(access=PUBLIC, api=True, ok=frozenset({200, 400, 404})),
    "api:verify": Entry(access=PUBLIC, api=True, ok=frozenset({200, 400, 405})),
    "api:calendar-due": Entry(access=PUBLIC, api=True, ok=frozenset({200, 400})),
    "oauth:token": Entry(access=PUBLIC, ok=frozenset({400, 401, 405})),
    "oauth:revoke": Entry(access=PUBLIC, ok=frozenset({400, 401, 405})),
    # The API's description (no data): machine clients read it before they hold a token.
    "api:schema": Entry(access=PUBLIC, api=True, heavy=True),
    "api:docs": Entry(access=PUBLIC, api=True, heavy=True),
    # ---- machine clients only (OAuth2 client credentials) ------------------------------------
    "api:inbound:records": Entry(access=MACHINE, api=True),
    # ---- any signed-in user: lists scoped by the selectors ------------------------------------
    "core:home": Entry(allowed=SIGNED_IN, hidden=_a_names),
    "records:queue_mine": Entry(allowed=SIGNED_IN, hidden=_a_names),
    "records:queue_unit": Entry(allowed=SIGNED_IN, hidden=_a_names),
    "records:queue_due_soon": Entry(allowed=SIGNED_IN, hidden=_a_names),
    "records:queue_overdue": Entry(allowed=SIGNED_IN, hidden=_a_names),
    "records:search": Entry(allowed=SIGNED_IN, hidden=_a_names),
    "api:records:list": Entry(allowed=SIGNED_IN, api=True, hidden=_a_names),
    "api:catalogue-procedure-list": Entry(allowed=SIGNED_IN, api=True),
    "api:catalogue-procedure-detail": Entry(
        allowed=SIGNED_IN, api=True, kwargs=lambda w: {"code": w.world.pause_procedure.code}
    ),
    # ---- one's own account (login hardening) ---------------------------------------------------
    "account:otp_enrol": Entry(allowed=SIGNED_IN, ok=frozenset({200, 302})),
    "account:otp_verify": Entry(allowed=SIGNED_IN, ok=frozenset({200, 302})),
    "account:password_change": Entry(allowed=SIGNED_IN),
    "account:password_change_done": Entry(allowed=SIGNED_IN),
    # ---- the desk --------------------------------------------------------------------------------
    "records:intake": Entry(allowed=DESK, denied="403"),
    "records:intake_checklist": Entry(allowed=DESK, denied="403"),
    "records:submissions": Entry(allowed=DESK, denied="403", hidden=_a_names),
    # The tracking book: the desk, unit heads, leaders and the Center's supervisors, each for
    # their own agencies (another agency's code in the query is refused in the form).
    "records:tracking_book": Entry(
        allowed=frozenset({"reception", "unit_head", "leader", "supervisor", "outsider"}),
        denied="403",
        hidden=_a_names,
    ),
    "public:kiosk": Entry(allowed=DESK, denied="403"),
    "public:kiosk_submit": Entry(allowed=DESK, denied="403", post_only=True),
    "records:slip": _a_only(lambda w: {"pk": w.slip.pk}),
    "records:slip_pdf": _a_only(lambda w: {"pk": w.slip.pk}, heavy=True),
    # ---- one record and its documents ------------------------------------------------------------
    "records:detail": _record(),
    "records:detail_by_id": _a_only(lambda w: {"pk": w.online.pk}),
    "records:receipt_pdf": _record(heavy=True),
    "records:control_sheet_pdf": _record(heavy=True),
    "records:supplement_pdf": Entry(
        allowed=RECORD_READERS,
        kwargs=lambda w: {"code": w.record.code, "number": 1},
        heavy=True,
    ),
    "records:extension_pdf": _a_only(lambda w: {"code": w.extended.code, "number": 1}, heavy=True),
    "records:stop_notice_pdf": _a_only(lambda w: {"code": w.stopped.code}, heavy=True),
    "records:refusal_notice_pdf": _a_only(lambda w: {"pk": w.refused.pk}, heavy=True),
    "evaluation:card": Entry(
        allowed=RECORD_READERS, query=lambda w: {"code": w.record.code}, heavy=True
    ),
    "documents:record": Entry(allowed=RECORD_READERS, kwargs=_pk),
    "documents:generate": Entry(allowed=RECORD_READERS, kwargs=_pk, post_only=True),
    "documents:reuse": Entry(allowed=RECORD_READERS, kwargs=_pk, post_only=True),
    "documents:sign": _a_only(
        lambda w: {"pk": w.result_record.pk, "result_pk": w.result.pk}, post_only=True
    ),
    "documents:file": _a_only(
        lambda w: {"pk": w.result_record.pk, "result_pk": w.result.pk}, heavy=True
    ),
    "api:records:detail": _record(api=True),
    "api:records:online": Entry(allowed=SYSADMINS, denied="403", api=True, post_only=True),
    "api:documents-result-generate": Entry(
        allowed=RECORD_READERS,
        kwargs=lambda w: {"record_id": w.record.pk},
        api=True,
        post_only=True,
    ),
    "api:documents-result-sign": _a_only(
        lambda w: {"record_id": w.result_record.pk, "result_id": w.result.pk},
        api=True,
        post_only=True,
    ),
    # ---- reports and exports ---------------------------------------------------------------------
    "reporting:settlement": Entry(allowed=ROLE_HOLDERS | {"superuser"}, denied="403"),
    "reporting:settlement_records": Entry(
        allowed=ROLE_HOLDERS | {"superuser"},
        denied="403",
        query=lambda w: {"column": "received_total", "from": "2025-01-01", "to": "2025-12-31"},
        hidden=_a_names,
    ),
    "reporting:settlement_csv": Entry(
        allowed=ROLE_HOLDERS | {"superuser"},
        denied="403",
        query=lambda w: {"from": "2025-01-01", "to": "2025-12-31"},
    ),
    "reporting:settlement_xlsx": Entry(
        allowed=ROLE_HOLDERS | {"superuser"},
        denied="403",
        query=lambda w: {"from": "2025-01-01", "to": "2025-12-31"},
        heavy=True,
    ),
    "reporting:settlement_pdf": Entry(
        allowed=ROLE_HOLDERS | {"superuser"},
        denied="403",
        query=lambda w: {"from": "2025-01-01", "to": "2025-12-31"},
        heavy=True,
    ),
    "reporting:dashboard": Entry(allowed=ROLE_HOLDERS | {"superuser"}, denied="403"),
    "evaluation:report": Entry(allowed=REPORT_READERS, denied="403"),
    "api:report-settlement": Entry(
        allowed=ROLE_HOLDERS | {"superuser"},
        denied="403",
        api=True,
        query=lambda w: {"from": "2025-01-01", "to": "2025-12-31"},
    ),
    # The historical import: superusers only (a system administrator is refused, issue 13).
    "api:import-records": Entry(
        allowed=frozenset({"superuser"}), denied="403", api=True, post_only=True
    ),
    # ---- administration --------------------------------------------------------------------------
    "exchange:reconciliation": Entry(allowed=SYSADMINS, denied="403"),
    "exchange:deliveries": Entry(allowed=SYSADMINS, denied="403"),
    "exchange:resend": Entry(allowed=SYSADMINS, denied="403", post_only=True),
}

# One POST per record action, on the officer pages (by code and, for online submissions, by id)
# and in the API: out of scope = 404 before the form is even read.
for _action in WEB_ACTIONS:
    REGISTRY[f"records:{_action}"] = _record(post_only=True)
    REGISTRY[f"records:{_action}_by_id"] = Entry(allowed=RECORD_READERS, kwargs=_pk, post_only=True)
for _action in WEB_ACTIONS:
    REGISTRY[f"api:records:action-{_action.replace('_', '-')}"] = _record(api=True, post_only=True)

# The admin site's own views (the model pages are checked model by model from the admin
# registry, see test_scope_matrix.test_admin_*).
ADMIN_SITE = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:password_change",
    "admin:password_change_done",
    "admin:app_list",
}

# Every model of the admin site, classified. Personal data (citizens' records, documents,
# evaluations, API payloads, the audit log, outbound events): superusers only, whatever model
# permissions a staff user holds (motcua.core.admin_personal.PersonalDataAdmin).
# Configuration: staff with the model's permissions (system administrators).
ADMIN_PERSONAL_DATA = {
    "documents.resultdocument",
    "documents.digitiseddocument",
    "documents.documentreuse",
    "audit.auditentry",
    "apiaccess.apicall",
    "apiaccess.idempotencykey",
    "apiaccess.inboundsubmission",
    "evaluation.evaluation",
    "exchange.delivery",
    "exchange.outboxevent",
}
ADMIN_CONFIGURATION = {
    "auth.group",
    "core.user",
    "django_tasks_database.dbtaskresult",
    "organisations.administrativeunit",
    "organisations.agency",
    "organisations.orgunit",
    "organisations.staffrole",
    "organisations.calendaroverride",
    "catalogue.field",
    "catalogue.procedure",
    "catalogue.procedureversion",
    "documents.signingcredential",
    "oauth2_provider.application",
    "oauth2_provider.accesstoken",
    "oauth2_provider.grant",
    "oauth2_provider.idtoken",
    "oauth2_provider.refreshtoken",
    "apiaccess.apiclient",
    "exchange.subscriber",
    "exchange.nationalagencycode",
    "exchange.nationalprocedurecode",
    "exchange.nationalsyncstate",
    "otp_totp.totpdevice",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}
