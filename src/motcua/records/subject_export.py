"""Everything held about one person, by ID number, for a data-subject request (Decree 13/2023).

``subject_export`` gathers the records where the person is the applicant or the authorised
representative (codes, procedure, agencies, dates, statuses, the public timeline and status
changes; not officers' notes or names), the desk slips issued to them, the digitised documents
kept for them (metadata), the results issued on their records (metadata) and the evaluations
they gave. One audit entry per export; the audit log keeps the ID number masked plus a keyed
hash, never in clear (the log is never purged).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound, ValidationFailed
from motcua.records.masking import mask_id_number
from motcua.records.models import DeskSlip, Record
from motcua.records.services.intake import ID_RE


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def subject_key(id_number: str) -> str:
    """A keyed hash of the ID number: lets an auditor check which person an export was about
    without the audit log holding the number."""
    return hmac.new(settings.SECRET_KEY.encode(), id_number.encode(), hashlib.sha256).hexdigest()[
        :32
    ]


def clean_id_number(value: str | None) -> str:
    id_number = (value or "").strip()
    if not ID_RE.match(id_number):
        raise ValidationFailed(
            _(
                "“%(value)s” is not an ID number or tax code (9, 10, 12 or 13 digits, or "
                "10 digits-3 digits)."
            )
            % {"value": id_number},
            field="id_number",
        )
    return id_number


def _record(record: Record, id_number: str) -> dict[str, Any]:
    from motcua.evaluation.selectors import evaluation_of
    from motcua.public.lookup import public_view

    version = record.procedure_version
    roles = []
    if record.applicant_id_number == id_number:
        roles.append("applicant")
    if record.representative_id_number == id_number:
        roles.append("representative")
    public = public_view(record)
    evaluation = evaluation_of(record) if "applicant" in roles else None
    return {
        "code": record.code,
        "portal_code": record.external_code or None,
        "as": roles,
        "procedure": {"code": version.procedure.code, "name": version.name},
        "receiving_agency": {"code": record.agency.code, "name": record.agency.name},
        "settling_agency": {
            "code": record.handling_agency.code,
            "name": record.handling_agency.name,
        },
        "channel": record.channel,
        "status": record.status,
        "status_text": public.status_text,
        "submitted_at": _iso(record.submitted_at),
        "received_at": _iso(record.received_at),
        "due_at": _iso(record.due_at),
        "finished_at": _iso(record.finished_at),
        "returned_at": _iso(record.returned_at),
        "timeliness": record.timeliness or None,
        "applicant": {
            "kind": record.applicant_kind,
            "name": record.applicant_name,
            "id_number": record.applicant_id_number,
            "address": record.applicant_address,
            "phone": record.applicant_phone,
            "email": record.applicant_email,
            "representative_name": record.representative_name,
            "representative_id_number": record.representative_id_number,
            "representative_phone": record.representative_phone,
        },
        "subject": record.subject,
        "result": record.result_summary,
        "stop_reason": record.stop_reason,
        "documents_submitted": [
            {
                "name": component.name,
                "form": component.copy_kind,
                "quantity": component.quantity,
                "scan_kept": bool(component.file),
            }
            for component in record.components.all()
        ],
        "fees": [
            {"name": fee.name, "amount": fee.amount, "paid": fee.paid} for fee in record.fees.all()
        ],
        "timeline": [
            {
                "step": item.label,
                "unit": item.unit,
                "started_at": _iso(item.started_at),
                "finished_at": _iso(item.finished_at),
                "state": item.state,
            }
            for item in public.timeline
        ],
        "status_changes": [
            {
                "at": _iso(event.at),
                "event": str(event.get_kind_display()),
                "from_status": event.from_status or None,
                "to_status": event.to_status,
            }
            for event in record.events.order_by("at", "id")
            if event.from_status != event.to_status
        ],
        "results_issued": [
            {
                "code": result.code,
                "kind": result.kind,
                "title": result.title,
                "issued_at": _iso(result.created_at),
                "current": result.is_current,
            }
            for result in record.result_documents.order_by("created_at", "id")  # type: ignore[attr-defined]
        ],
        "evaluation": None
        if evaluation is None
        else {
            "given_at": _iso(evaluation.given_at),
            "channel": evaluation.channel,
            "total": evaluation.total,
            "satisfaction": evaluation.satisfaction,
            "comment": evaluation.comment,
            # The versions it replaced (evaluation.models.EvaluationRevision), oldest first.
            "earlier_versions": [
                {
                    "version": kept.number,
                    "given_at": _iso(kept.given_at),
                    "replaced_at": _iso(kept.replaced_at),
                    "channel": kept.channel,
                    "total": kept.total,
                    "satisfaction": kept.satisfaction,
                    "comment": kept.comment,
                }
                for kept in evaluation.revisions.order_by("number")
            ],
        },
    }


def subject_export(*, id_number: str, actor: Any = None, ip: str = "") -> dict[str, Any]:
    """Everything held about the person with ``id_number`` (``NotFound`` when nothing is)."""
    from motcua.audit.services import audit_log
    from motcua.documents.models import DigitisedDocument

    id_number = clean_id_number(id_number)
    records = list(
        Record.objects.filter(
            Q(applicant_id_number=id_number) | Q(representative_id_number=id_number)
        )
        .select_related("agency", "handling_agency", "procedure_version__procedure")
        .select_related("current_step")
        .prefetch_related("components", "fees")
        .order_by("received_at", "id")
    )
    slips = list(
        DeskSlip.objects.filter(applicant_id_number=id_number)
        .select_related("agency", "procedure_version__procedure")
        .order_by("issued_at", "id")
    )
    digitised = list(
        DigitisedDocument.objects.filter(owner_id_number=id_number)
        .select_related("agency", "source_record")
        .order_by("created_at", "id")
    )
    if not (records or slips or digitised):
        raise NotFound(
            _("Nothing is held about the ID number %(id)s.") % {"id": mask_id_number(id_number)},
            field="id_number",
        )
    export = {
        "id_number": id_number,
        "generated_at": _iso(timezone.now()),
        "records": [_record(record, id_number) for record in records],
        "desk_slips": [
            {
                "number": slip.number,
                "kind": slip.kind,
                "agency": {"code": slip.agency.code, "name": slip.agency.name},
                "procedure": {
                    "code": slip.procedure_version.procedure.code,
                    "name": slip.procedure_version.name,
                },
                "issued_at": _iso(slip.issued_at),
                "applicant": {
                    "name": slip.applicant_name,
                    "id_number": slip.applicant_id_number,
                    "address": slip.applicant_address,
                    "phone": slip.applicant_phone,
                    "email": slip.applicant_email,
                },
                "subject": slip.subject,
                "reason": slip.reason,
                "items": slip.items,
            }
            for slip in slips
        ],
        "digitised_documents": [
            {
                "component_code": doc.component_code,
                "name": doc.name,
                "owner_name": doc.owner_name,
                "issuer": doc.issuer,
                "valid_from": _iso(doc.valid_from),
                "valid_until": _iso(doc.valid_until),
                "digitised_by": {"code": doc.agency.code, "name": doc.agency.name},
                "with_record": doc.source_record.code if doc.source_record else None,
                "digitised_at": _iso(doc.created_at),
                "times_reused": doc.reuse_count,
            }
            for doc in digitised
        ],
    }
    audit_log(
        actor=actor,
        action="personal_data.exported",
        object_type="subject",
        object_id=mask_id_number(id_number),
        detail={
            "subject": subject_key(id_number),
            "records": len(records),
            "desk_slips": len(slips),
            "digitised_documents": len(digitised),
        },
        ip=ip,
    )
    return export
