"""Retention of the API's own logs (``motcua purge-personal-data``): API call rows and the stored
answers of idempotency keys (an intake answer holds the applicant's data) older than
``MOTCUA_RETENTION_API_LOG_DAYS`` are deleted. Inbound submissions are kept with their record:
their answer holds no applicant data."""

from __future__ import annotations

from datetime import datetime

from motcua.apiaccess.models import ApiCall, IdempotencyKey


def api_logs_purge(*, before: datetime, dry_run: bool) -> dict[str, int]:
    """Delete (or, with ``dry_run``, count) API call rows and idempotency keys before ``before``."""
    calls = ApiCall.objects.filter(at__lt=before)
    keys = IdempotencyKey.objects.filter(created_at__lt=before)
    if dry_run:
        return {"api_calls": calls.count(), "idempotency_keys": keys.count()}
    deleted_calls, _ = calls.delete()
    deleted_keys, _ = keys.delete()
    return {"api_calls": deleted_calls, "idempotency_keys": deleted_keys}
