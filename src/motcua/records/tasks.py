"""Background tasks of records. Enqueued inside the service's transaction, so they are stored
(django-tasks database backend) if and only if the change commits."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger("motcua.records.events")


@task()
def publish_record_event(event_id: int) -> int:
    """Hand a committed record event to the subscribers (the outbox of the integration work
    plugs in here). Today: a structured log line per event."""
    from motcua.records.models import RecordEvent

    event = RecordEvent.objects.select_related("record").filter(pk=event_id).first()
    if event is None:
        return 0
    logger.info(
        "record.event kind=%s record=%s national_code=%s at=%s",
        event.kind,
        event.record.code or event.record_id,
        event.national_code,
        event.at.isoformat(),
    )
    return event_id
