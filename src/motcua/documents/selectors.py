"""Reads for documents. Record-scoped reads take a record the caller already obtained through
``records.selectors`` (so the user's scope is checked there)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.core.users import RequestUser
from motcua.documents.models import (
    DigitisedDocument,
    DocumentReuse,
    ResultDocument,
    SigningCredential,
)


def result_current(record: Any) -> ResultDocument | None:
    return (
        ResultDocument.objects.filter(record_id=record.pk, is_current=True)
        .prefetch_related("signatures__credential", "signatures__signed_by")
        .first()
    )


def result_signed(record: Any) -> bool:
    """Whether the record's current result carries the leader's signature and the agency seal
    (asked by records before "result ready" when the procedure requires a signed result)."""
    return ResultDocument.objects.filter(record_id=record.pk, is_current=True, sealed=True).exists()


def result_get_public(*, code: str) -> ResultDocument:
    """A result by its code for the public verification page (no personal data is shown)."""
    document = (
        ResultDocument.objects.select_related("agency", "record")
        .prefetch_related("signatures")
        .filter(code=code)
        .first()
    )
    if document is None:
        raise NotFound("result")
    return document


def result_get_for_record(*, record: Any, pk: int) -> ResultDocument:
    document = ResultDocument.objects.filter(record_id=record.pk, pk=pk).first()
    if document is None:
        raise NotFound("result")
    return document


@dataclass
class ReuseOptions:
    digitised: list[DigitisedDocument]
    results: list[ResultDocument]
    attached_digitised: set[int]
    attached_results: set[int]


def digitised_valid_for(owner_id_number: str) -> QuerySet[DigitisedDocument]:
    today = timezone.localdate()
    return (
        DigitisedDocument.objects.filter(owner_id_number=owner_id_number, is_digitised=True)
        .filter(signed_at__isnull=False)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("agency")
    )


def reusable_for(*, record: Any, user: RequestUser) -> ReuseOptions:
    """What ``user`` may reuse for ``record``'s applicant (same ID number): the applicant's valid
    digitised documents and the signed results of the applicant's other records that ``user``
    may see (``records.selectors.record_list``). Nothing for a user who may not attach documents
    to the record (``permissions.can_attach``) or who sees the record masked: the panel would
    list another person's papers to somebody who may not even read their ID number."""
    from motcua.documents.permissions import can_attach
    from motcua.records.selectors import record_list

    owner = (record.applicant_id_number or "").strip()
    if not owner or not can_attach(user, record):
        return ReuseOptions([], [], set(), set())
    attached = list(
        DocumentReuse.objects.filter(record_id=record.pk).values_list("digitised_id", "result_id")
    )
    results = (
        ResultDocument.objects.filter(
            record__applicant_id_number=owner, sealed=True, is_current=True
        )
        .filter(record_id__in=record_list(user=user).values("pk"))
        .exclude(record_id=record.pk)
        .select_related("record", "agency")
    )
    return ReuseOptions(
        digitised=list(digitised_valid_for(owner)),
        results=list(results),
        attached_digitised={d for d, _r in attached if d},
        attached_results={r for _d, r in attached if r},
    )


def reuse_list(*, record: Any) -> QuerySet[DocumentReuse]:
    return DocumentReuse.objects.filter(record_id=record.pk).select_related("digitised", "result")


def reuse_counts(*, agency_id: int | None = None) -> dict[str, int]:
    """How many documents were reused (766 group 4): attachments and reused digitised files."""
    qs = DocumentReuse.objects.all()
    if agency_id is not None:
        qs = qs.filter(record__agency_id=agency_id)
    totals = qs.aggregate(
        attachments=Count("id"),
        digitised=Count("id", filter=Q(digitised__isnull=False)),
        results=Count("id", filter=Q(result__isnull=False)),
        records=Count("record", distinct=True),
    )
    counted = DigitisedDocument.objects.aggregate(total=Sum("reuse_count"))["total"] or 0
    return {**{k: int(v or 0) for k, v in totals.items()}, "counted_on_documents": int(counted)}


def credentials_list(
    *, agency_code: str = "", active_only: bool = False
) -> QuerySet[SigningCredential]:
    """Signing credentials for the console (``motcua signing-credential list``); keys deferred."""
    qs = (
        SigningCredential.objects.select_related("agency", "user")
        .defer("pkcs12", "salt", "image_png")
        .order_by("agency__code", "kind", "-is_active", "not_after", "id")
    )
    if agency_code:
        qs = qs.filter(agency__code=agency_code)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs


def credentials_expiring(*, days: int, agency_code: str = "") -> QuerySet[SigningCredential]:
    """Active credentials whose certificate ends within ``days`` (or already ended)."""
    limit = timezone.now() + timedelta(days=days)
    return credentials_list(agency_code=agency_code, active_only=True).filter(not_after__lte=limit)
