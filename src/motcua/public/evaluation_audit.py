"""Evaluations given or changed from the citizen's pages (QR/online and the counter kiosk) are
written to the audit log, in the same transaction as the evaluation (docs/security.md, "Audit
coverage"). The evaluation service itself is left alone: the audit is added at this boundary."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from motcua.audit.services import audit_request
from motcua.evaluation.services import evaluation_submit
from motcua.records.models import Record


def evaluation_submit_audited(request: HttpRequest, *, record: Record, **kwargs: Any) -> Any:
    """``evaluation_submit`` and one audit entry: ``evaluation.submitted`` for the first
    evaluation of the record, ``evaluation.changed`` for a later one. The entry names the record,
    the channel and the total, never the comment.

    Which of the two is decided from what the service did (it counts every change, under the
    evaluation's lock), not from a read before it: of two first evaluations at the same moment,
    the later one changed the earlier."""
    with transaction.atomic():
        evaluation = evaluation_submit(record=record, **kwargs)
        audit_request(
            request,
            action="evaluation.changed" if evaluation.change_count else "evaluation.submitted",
            obj=record,
            detail={"channel": str(kwargs.get("channel", "")), "total": evaluation.total},
        )
    return evaluation
