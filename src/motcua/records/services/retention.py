"""Retention of applicants' personal data (Decree 13/2023; docs/security.md, "Personal data").

``personal_data_purge`` anonymises the applicants of records closed (returned, stopped, withdrawn,
refused: never an open record, never a result still waiting to be collected) before the retention
cut-off, deletes their scanned documents, anonymises old desk slips, clears the free-text comments
of those records' evaluations, and deletes old API logs. What the reports count stays: dates,
status, procedure, agencies, channel, timeliness, step history, fees, evaluation scores.
Idempotent (an anonymised record is not touched again); ``dry_run`` only counts. One audit entry
summarises a real run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.organisations.calendar import TZ
from motcua.records.models import DeskSlip, Record, RecordComponent
from motcua.records.workflow import TERMINAL

# What an anonymised applicant is called (stored data, in the UI's language).
PURGED_NAME = "[đã xoá]"
CHUNK = 1000

RECORD_CLEARED = {
    "applicant_name": PURGED_NAME,
    "applicant_id_number": "",
    "applicant_address": "",
    "applicant_phone": "",
    "applicant_email": "",
    "representative_name": "",
    "representative_id_number": "",
    "representative_phone": "",
    "subject": "",
}
SLIP_CLEARED = {
    "applicant_name": PURGED_NAME,
    "applicant_id_number": "",
    "applicant_address": "",
    "applicant_phone": "",
    "applicant_email": "",
    "subject": "",
}


@dataclass(frozen=True)
class Cutoffs:
    records: datetime
    scans: datetime
    api_logs: datetime


@dataclass
class PurgeSummary:
    dry_run: bool
    records_before: str
    scans_before: str
    api_logs_before: str
    records: int = 0
    scans: int = 0
    desk_slips: int = 0
    evaluation_comments: int = 0
    api_calls: int = 0
    idempotency_keys: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _years_before(instant: datetime, years: int) -> datetime:
    try:
        return instant.replace(year=instant.year - years)
    except ValueError:  # 29 February
        return instant.replace(year=instant.year - years, day=28)


def _setting(name: str) -> int:
    value = int(getattr(settings, name))
    if value < 1:
        raise ValidationFailed(
            _("%(name)s must be at least 1 (it is %(value)s).") % {"name": name, "value": value},
            field=name,
        )
    return value


def retention_cutoffs(*, now: datetime | None = None, before: date | None = None) -> Cutoffs:
    """The instants before which data may be purged, from the retention settings; ``before``
    (a local date) narrows them and may not reach into a retention period."""
    now = now or timezone.now()
    cutoffs = Cutoffs(
        records=_years_before(now, _setting("MOTCUA_RETENTION_RECORD_YEARS")),
        scans=_years_before(now, _setting("MOTCUA_RETENTION_SCAN_YEARS")),
        api_logs=now - timedelta(days=_setting("MOTCUA_RETENTION_API_LOG_DAYS")),
    )
    if before is None:
        return cutoffs
    limit = datetime.combine(before, time.min, tzinfo=TZ)
    if limit > cutoffs.records:
        raise ValidationFailed(
            _(
                "Records closed after %(limit)s are still within their retention period "
                "(MOTCUA_RETENTION_RECORD_YEARS); give a date on or before %(date)s."
            )
            % {"limit": before.isoformat(), "date": cutoffs.records.astimezone(TZ).date()},
            field="before",
        )
    return Cutoffs(
        records=limit, scans=min(cutoffs.scans, limit), api_logs=min(cutoffs.api_logs, limit)
    )


def closed_before(instant: datetime) -> QuerySet[Record]:
    """Records closed before ``instant``: a terminal status, dated by the return, the end of
    processing or (a refused online submission) the last change."""
    return (
        Record.objects.filter(status__in=sorted(TERMINAL))
        .alias(closed_at=Coalesce("returned_at", "finished_at", "updated_at"))
        .filter(closed_at__lt=instant)
    )


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _delete_files_after_commit(names: list[str]) -> None:
    storage = RecordComponent._meta.get_field("file").storage  # type: ignore[attr-defined]

    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def personal_data_purge(
    *, dry_run: bool = False, before: date | None = None, now: datetime | None = None
) -> PurgeSummary:
    """Anonymise what the retention settings say is no longer needed (see the module doc)."""
    from motcua.apiaccess.retention import api_logs_purge
    from motcua.audit.services import audit_log
    from motcua.evaluation.models import Evaluation, EvaluationRevision

    cutoffs = retention_cutoffs(now=now, before=before)
    summary = PurgeSummary(
        dry_run=dry_run,
        records_before=cutoffs.records.isoformat(),
        scans_before=cutoffs.scans.isoformat(),
        api_logs_before=cutoffs.api_logs.isoformat(),
    )
    with transaction.atomic():
        record_ids = list(
            closed_before(cutoffs.records)
            .exclude(applicant_name=PURGED_NAME)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        scans = RecordComponent.objects.filter(
            record_id__in=closed_before(cutoffs.scans).values("pk")
        ).exclude(file="")
        scan_rows = list(scans.order_by("pk").values_list("pk", "file"))
        slips = DeskSlip.objects.filter(issued_at__lt=cutoffs.records).exclude(
            applicant_name=PURGED_NAME
        )
        summary.records = len(record_ids)
        summary.scans = len(scan_rows)
        summary.desk_slips = slips.count()
        for chunk in _chunks(record_ids):
            comments = Evaluation.objects.filter(record_id__in=chunk).exclude(comment="")
            if dry_run:
                summary.evaluation_comments += comments.count()
                continue
            summary.evaluation_comments += comments.update(comment="")
            # The earlier versions of those evaluations (not counted: the count is of records').
            EvaluationRevision.objects.filter(evaluation__record_id__in=chunk).exclude(
                comment=""
            ).update(comment="")
            Record.objects.filter(pk__in=chunk).update(**RECORD_CLEARED)
        logs = api_logs_purge(before=cutoffs.api_logs, dry_run=dry_run)
        summary.api_calls = logs["api_calls"]
        summary.idempotency_keys = logs["idempotency_keys"]
        if dry_run:
            return summary
        for chunk in _chunks([pk for pk, _name in scan_rows]):
            RecordComponent.objects.filter(pk__in=chunk).update(file="")
        _delete_files_after_commit([name for _pk, name in scan_rows])
        slips.update(**SLIP_CLEARED)
        audit_log(
            actor=None,
            action="personal_data.purged",
            object_type="records.record",
            detail=summary.as_json(),
        )
    return summary
