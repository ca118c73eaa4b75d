"""Evaluations given or changed from the citizen's pages (QR/online and the counter kiosk) are
written to the audit log, in the same transaction as the evaluation (docs/security.md, "Audit
coverage"). The evaluation service itself is left alone: the audit is added at this boundary."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from motcua.audit.services import audit_request
from motcua.evaluation.models import Evaluation
from motcua.evaluation.services import evaluation_submit
from motcua.records.models import Record


def evaluation_submit_audited(request: HttpRequest, *, record: Record, **kwargs: Any) -> Any:
    """``evaluation_submit`` and one audit entry: ``evaluation.submitted`` for the first
    evaluation of the record, ``evaluation.changed`` for a later one. The entry names the record,
    the channel and the total, never the comment."""
    with transaction.atomic():
        existed = Evaluation.objects.filter(record_id=record.pk).exists()
        evaluation = evaluation_submit(record=record, **kwargs)
        audit_request(
            request,
            action="evaluation.changed" if existed else "evaluation.submitted",
            obj=record,
            detail={"channel": str(kwargs.get("channel", "")), "total": evaluation.total},
        )
    return evaluation
