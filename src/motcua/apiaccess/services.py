"""Machine clients (create, change, rotate the secret), the API call log, idempotent answers
and inbound online records."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, RefreshToken

from motcua.apiaccess import scopes as scope_rules
from motcua.apiaccess.models import ApiCall, ApiClient, IdempotencyKey, InboundSubmission
from motcua.audit.services import audit_in_context
from motcua.core import rows
from motcua.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from motcua.core.models import User
from motcua.organisations.models import Agency, StaffRole

RATE_RE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def _ensure_admin(actor: User | None) -> None:
    """``None`` is the command line (a system administrator at the console)."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Only a system administrator can manage API clients."))


def _validated_scopes(scopes: Iterable[str]) -> list[str]:
    try:
        result = scope_rules.normalise(scopes)
    except ValueError as exc:
        raise ValidationFailed(
            _("Unknown scope: %(names)s.") % {"names": str(exc)}, field="scopes"
        ) from exc
    if not result:
        raise ValidationFailed(_("Give the client at least one scope."), field="scopes")
    return result


def _validated_agencies(agencies: Iterable[Agency]) -> list[Agency]:
    result = list({agency.pk: agency for agency in agencies}.values())
    if not result:
        raise ValidationFailed(_("Give the client at least one agency."), field="agencies")
    return result


def _validated_rate(rate: str) -> str:
    rate = (rate or "").strip()
    if rate and not RATE_RE.match(rate):
        raise ValidationFailed(
            _("Write the rate limit as requests per period, e.g. 600/min or 10/s."), field="rate"
        )
    return rate


def _sync_roles(
    client: ApiClient, agencies: list[Agency], scopes: list[str]
) -> dict[str, list[str]]:
    """The service account holds exactly the agency-wide roles its scopes need. Returns the
    roles granted and removed (``"<agency code>:<role>"``) for the audit entry (the bulk writes
    send no signal, so the audit receivers of ``StaffRole`` do not see them)."""
    wanted = {(agency.pk, role) for agency in agencies for role in scope_rules.roles_for(scopes)}
    existing = {
        (row.agency_id, row.role): row.pk for row in StaffRole.objects.filter(user=client.user)
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        StaffRole.objects.filter(pk__in=stale).delete()
    added = sorted(wanted - set(existing))
    StaffRole.objects.bulk_create(
        [
            StaffRole(user=client.user, agency_id=agency_id, unit=None, role=role)
            for agency_id, role in added
        ]
    )
    codes = dict(
        Agency.objects.filter(pk__in={key[0] for key in [*added, *existing]}).values_list(
            "pk", "code"
        )
    )
    return {
        "granted": [f"{codes[agency_id]}:{role}" for agency_id, role in added],
        "removed": sorted(
            f"{codes[agency_id]}:{role}"
            for agency_id, role in existing
            if (agency_id, role) not in wanted
        ),
    }


def _client_detail(
    client: ApiClient, agencies: list[Agency], roles: dict[str, list[str]]
) -> dict[str, Any]:
    return {
        "name": client.name,
        "service_account": client.user.username,
        "scopes": client.scope_list,
        "agencies": sorted(agency.code for agency in agencies),
        "rate": client.rate,
        "is_active": client.is_active,
        "roles_granted": roles["granted"],
        "roles_removed": roles["removed"],
    }


def _revoke_tokens(client: ApiClient) -> None:
    RefreshToken.objects.filter(application=client.application).delete()
    AccessToken.objects.filter(application=client.application).delete()


def _service_username(name: str) -> str:
    base = f"api-{slugify(name)[:40] or 'client'}"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


@transaction.atomic
def api_client_create(
    *,
    actor: User | None,
    name: str,
    agencies: Iterable[Agency],
    scopes: Iterable[str],
    rate: str = "",
) -> tuple[ApiClient, str]:
    """A new client with its OAuth2 application and service account. Returns the client and its
    secret in clear: the only time it is visible (only its hash is stored)."""
    _ensure_admin(actor)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(_("Give the client a name."), field="name")
    if len(name) > 200:
        raise ValidationFailed(_("The name is too long (200 characters at most)."), field="name")
    agency_list = _validated_agencies(agencies)
    scope_list = _validated_scopes(scopes)
    rate = _validated_rate(rate)
    if ApiClient.objects.filter(name=name).exists():
        raise Conflict(_("An API client with this name exists already."), field="name")
    user = User(username=_service_username(name), full_name=name, is_active=True)
    user.set_unusable_password()
    user.save()
    secret = generate_client_secret()
    application = Application.objects.create(
        name=name,
        user=user,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
        redirect_uris="",
        skip_authorization=True,
    )
    client = ApiClient.objects.create(
        name=name,
        application=application,
        user=user,
        scopes=" ".join(scope_list),
        rate=rate,
        secret_rotated_at=timezone.now(),
    )
    client.agencies.set(agency_list)
    roles = _sync_roles(client, agency_list, scope_list)
    audit_in_context(
        actor=actor,
        action="apiclient.created",
        obj=client,
        detail=_client_detail(client, agency_list, roles),
    )
    return client, secret


@transaction.atomic
def api_client_update(
    *,
    actor: User | None,
    client: ApiClient,
    agencies: Iterable[Agency] | None = None,
    scopes: Iterable[str] | None = None,
    rate: str | None = None,
    is_active: bool | None = None,
) -> ApiClient:
    """Change a client's agencies, scopes, rate limit or state. Its roles follow at once; its
    tokens are revoked when it loses a scope or an agency, or is deactivated."""
    _ensure_admin(actor)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    old_agencies = set(client.agencies.values_list("pk", flat=True))
    old_scopes = set(client.scope_list)
    agency_list = (
        _validated_agencies(agencies) if agencies is not None else list(client.agencies.all())
    )
    scope_list = _validated_scopes(scopes) if scopes is not None else client.scope_list
    if rate is not None:
        client.rate = _validated_rate(rate)
    if is_active is not None:
        client.is_active = is_active
    client.scopes = " ".join(scope_list)
    client.save(update_fields=["scopes", "rate", "is_active", "updated_at"])
    client.agencies.set(agency_list)
    roles = _sync_roles(client, agency_list, scope_list)
    User.objects.filter(pk=client.user_id).update(is_active=client.is_active)
    narrowed = not (old_agencies <= {a.pk for a in agency_list} and old_scopes <= set(scope_list))
    if narrowed or not client.is_active:
        _revoke_tokens(client)
    audit_in_context(
        actor=actor,
        action="apiclient.changed",
        obj=client,
        detail={
            **_client_detail(client, agency_list, roles),
            "tokens_revoked": narrowed or not client.is_active,
        },
    )
    return client


@transaction.atomic
def api_client_rotate_secret(*, actor: User | None, client: ApiClient) -> str:
    """A new secret replaces the old one at once; tokens issued with the old one are revoked.
    Returns the new secret in clear (shown once)."""
    _ensure_admin(actor)
    client = ApiClient.objects.select_for_update().select_related("application").get(pk=client.pk)
    secret = generate_client_secret()
    application = client.application
    application.client_secret = secret
    application.hash_client_secret = True
    application.save()
    client.secret_rotated_at = timezone.now()
    client.save(update_fields=["secret_rotated_at", "updated_at"])
    _revoke_tokens(client)
    audit_in_context(
        actor=actor, action="apiclient.secret_rotated", obj=client, detail={"name": client.name}
    )
    return secret


def api_call_record(
    *,
    at: datetime,
    client_id: int | None,
    user_id: int | None,
    endpoint: str,
    method: str,
    status: int,
    duration_ms: int,
) -> None:
    """One row in the API call log (one INSERT, no bodies)."""
    rows.insert(
        [
            ApiCall(
                at=at,
                client_id=client_id,
                user_id=user_id,
                endpoint=endpoint[:200],
                method=method[:10],
                status=status,
                duration_ms=max(0, duration_ms),
            )
        ]
    )


# ---- idempotency ----------------------------------------------------------------------------
class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key with a different request."""

    status_code = 422
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class Answer:
    """An API answer to render: status, body, and whether it replays an earlier one."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


def idempotent_answer(
    *,
    client: ApiClient,
    key: str,
    endpoint: str,
    request_hash: str,
    produce: Callable[[], Answer],
) -> Answer:
    """Run ``produce`` once per (client, key). The key row is inserted first, in the same
    transaction as the work and the stored answer: a concurrent request with the same key waits
    on the unique index until the first commits, then replays its answer. The same key with a
    different request is refused (422). If the work fails unexpectedly, everything rolls back,
    the key included, and a retry runs it again."""
    with transaction.atomic():
        row = IdempotencyKey(
            client=client,
            key=key,
            endpoint=endpoint,
            request_hash=request_hash,
        )
        if not rows.insert_unless_conflict(row, ["client", "key"]):
            first = IdempotencyKey.objects.get(client=client, key=key)
            if first.request_hash != request_hash or first.endpoint != endpoint:
                raise IdempotencyKeyReused(
                    _(
                        "This Idempotency-Key was already used with a different request. Use a "
                        "new key for a new request; resend exactly the same request to get the "
                        "first answer again."
                    ),
                    field="Idempotency-Key",
                ) from None
            return Answer(first.response_status or 200, first.response_body or {}, True)
        answer = produce()
        row.response_status = answer.status
        row.response_body = answer.body
        rows.update(row, ["response_status", "response_body"])
        return answer


# ---- inbound online records -------------------------------------------------------------------
def inbound_submission_answer(
    *, client: ApiClient, source: str, external_code: str, request_hash: str
) -> Answer | None:
    """The first answer for (source, external code) when it was already submitted; None if not.
    The same client with the same request replays it; anything else is a 409."""
    first = (
        InboundSubmission.objects.filter(source=source, external_code=external_code)
        .only("client_id", "request_hash", "response_status", "response_body")
        .first()
    )
    if first is None:
        return None
    if first.client_id != client.pk or first.request_hash != request_hash:
        raise Conflict(
            _(
                "A record with this source and external code was already submitted with "
                "different content; it was not changed."
            ),
            code="duplicate",
        )
    return Answer(first.response_status, first.response_body, True)


@transaction.atomic
def inbound_record_submit(
    *,
    client: ApiClient,
    agency: Agency,
    request_hash: str,
    submit: Callable[[], Any],
    render: Callable[[Any], dict[str, Any]],
    source: str,
    external_code: str,
) -> Answer:
    """Create the record with ``submit`` (records.services.record_submit_online, acting as the
    client's service account) unless (source, external code) was submitted before, and keep the
    answer for retries. A concurrent duplicate loses on the records' unique index and replays
    the winner's answer."""
    if not client.agencies.filter(pk=agency.pk).exists():
        raise PermissionDenied(
            _("This client may not submit records to agency %(code)s.") % {"code": agency.code},
            field="agency",
        )
    source, external_code = source.strip(), external_code.strip()
    earlier = inbound_submission_answer(
        client=client, source=source, external_code=external_code, request_hash=request_hash
    )
    if earlier is not None:
        return earlier
    try:
        record = submit()
    except Conflict as exc:
        if exc.code != "duplicate":
            raise
        earlier = inbound_submission_answer(
            client=client, source=source, external_code=external_code, request_hash=request_hash
        )
        if earlier is None:
            raise
        return earlier
    body = render(record)
    # A prepared INSERT (core.rows): the model has no save() of its own and no signal watches it.
    rows.insert(
        [
            InboundSubmission(
                client=client,
                source=source,
                external_code=external_code,
                record=record,
                request_hash=request_hash,
                response_status=201,
                response_body=body,
            )
        ]
    )
    return Answer(201, body)
