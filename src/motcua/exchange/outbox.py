"""Writing the outbox: called through core.hooks inside the transaction of every record move."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.db import connection
from django.utils import timezone

from motcua.core import rows
from motcua.exchange.kinds import get_kind
from motcua.exchange.models import Delivery, OutboxEvent, Subscriber


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def event_body(outbox_event_id: str, event: Any, *, created_at: Any) -> str:
    """The webhook body: no personal data, only what a receiver needs to react and to fetch
    more through the API (record code, status, agency and procedure codes, deadlines)."""
    record = event.record
    version = record.procedure_version
    document = {
        "id": outbox_event_id,
        "type": event.kind,
        "occurred_at": _iso(event.at),
        "created_at": _iso(created_at),
        "sequence": event.pk,
        "record": {
            "id": record.pk,
            "code": record.code,
            "portal_code": record.external_code or None,
            "agency": record.agency.code,
            "procedure": version.procedure.code,
            "procedure_version": version.number,
            "channel": record.channel,
            "status": record.status,
            "national_code": event.national_code,
            "received_at": _iso(record.received_at),
            "due_at": _iso(record.due_at),
            "finished_at": _iso(record.finished_at),
        },
        "change": {
            "from_status": event.from_status or None,
            "to_status": event.to_status,
            "due_before": _iso(event.due_before),
            "due_after": _iso(event.due_after),
            "from_unit": event.from_unit_id,
            "to_unit": event.to_unit_id,
        },
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@functools.cache
def _subscribers_sql() -> str:
    qn = connection.ops.quote_name
    return f"{_subscribers_select()} ORDER BY {qn(Subscriber._meta.db_table)}.{qn('id')}"


@functools.cache
def _subscribers_select() -> str:
    """The active subscribers with no agency or one of two agencies, in id order. Written out
    once instead of compiled by the ORM on every record move (same rows as
    ``Subscriber.objects.filter(is_active=True).filter(Q(agencies__isnull=True) |
    Q(agencies__in=...)).distinct()``)."""
    qn = connection.ops.quote_name
    table = qn(Subscriber._meta.db_table)
    through = Subscriber.agencies.through._meta
    link = qn(through.db_table)
    owner = qn(through.get_field("subscriber").column)
    agency = qn(through.get_field("agency").column)
    columns = ", ".join(f"{table}.{qn(f.column)}" for f in Subscriber._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {table} WHERE {table}.{qn('is_active')} = %s AND ("  # noqa: S608
        f"NOT EXISTS (SELECT 1 FROM {link} WHERE {link}.{owner} = {table}.{qn('id')}) OR "
        f"EXISTS (SELECT 1 FROM {link} WHERE {link}.{owner} = {table}.{qn('id')} "
        f"AND {link}.{agency} IN (%s, %s)))"
    )


def _subscriber_params(event: Any) -> list[Any]:
    record = event.record
    agency_id = record.agency_id
    return [True, agency_id, record.handling_agency_id or agency_id]


def _wanted(event: Any, candidates: Any) -> list[Subscriber]:
    chosen = []
    for subscriber in candidates:
        kind = get_kind(subscriber.kind)
        if kind is not None and kind.wants(subscriber, event):
            chosen.append(subscriber)
    return chosen


def subscribers_for(event: Any) -> list[Subscriber]:
    return _wanted(event, Subscriber.objects.raw(_subscribers_sql(), _subscriber_params(event)))


@functools.cache
def _insert_and_subscribers_sql(insert: str) -> str:
    """PostgreSQL: the outbox row's INSERT and the candidate subscribers in one statement (one
    round trip less on every record move); one row with NULL subscriber columns when none."""
    qn = connection.ops.quote_name
    columns = ", ".join(f"s.{qn(f.column)}" for f in Subscriber._meta.concrete_fields)
    pk = qn(OutboxEvent._meta.pk.column)
    return (
        f"WITH o AS ({insert}) SELECT o.{pk}, {columns} FROM o "  # noqa: S608
        f"LEFT JOIN ({_subscribers_select()}) s ON TRUE ORDER BY s.{qn('id')}"
    )


def _insert_with_subscribers(outbox_event: OutboxEvent, event: Any) -> list[Subscriber]:
    """INSERT ``outbox_event`` and return the subscribers that want ``event``: the same rows
    as ``rows.insert`` followed by ``subscribers_for``."""
    if connection.vendor != "postgresql":
        rows.insert([outbox_event])
        return subscribers_for(event)
    insert, params = rows.insert_statement([outbox_event])
    with connection.cursor() as cursor:
        cursor.execute(_insert_and_subscribers_sql(insert), [*params, *_subscriber_params(event)])
        found = cursor.fetchall()
    rows.mark_saved([outbox_event], [found[0][0]])
    fields = Subscriber._meta.concrete_fields
    converters = [
        (index, field, functions)
        for index, field in enumerate(fields)
        if (functions := field.get_db_converters(connection))  # type: ignore[attr-defined]
    ]
    names = [f.attname for f in fields]
    candidates = []
    for row in found:
        if row[1] is None:  # the LEFT JOIN's row when no subscriber matched
            continue
        values = list(row[1:])
        for index, field, functions in converters:
            for function in functions:
                values[index] = function(values[index], field.cached_col, connection)
        candidates.append(Subscriber.from_db(connection.alias, names, values))
    return _wanted(event, candidates)


def on_record_event(*, event: Any) -> OutboxEvent:
    """The core.hooks RECORD_EVENT_ADDED handler: one OutboxEvent, one Delivery per subscriber."""
    import uuid

    now = timezone.now()
    event_id = uuid.uuid4()
    outbox_event = OutboxEvent(
        event_id=event_id,
        record_event=event,
        record_id=event.record_id,
        kind=event.kind,
        occurred_at=event.at,
        created_at=now,
        body=event_body(str(event_id), event, created_at=now),
    )
    subscribers = _insert_with_subscribers(outbox_event, event)
    if subscribers:
        rows.insert(
            [
                Delivery(
                    subscriber=subscriber,
                    event=outbox_event,
                    record_id=event.record_id,
                    next_attempt_at=now,
                    created_at=now,
                )
                for subscriber in subscribers
            ]
        )
    return outbox_event
