"""Reads for evaluations: the evaluation URL printed as a QR code, a record's history as the
criteria need it, the band rules, one record's evaluation and the edit window."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.core.memo import memo
from motcua.evaluation import criteria
from motcua.evaluation.models import Evaluation, EvaluationChannel
from motcua.records.models import Record, RecordStep


def evaluation_url(record: Record, *, channel: str = EvaluationChannel.QR) -> str:
    """The evaluation form of ``record``: ``<MOTCUA_PUBLIC_BASE_URL>/danh-gia/<code>?k=<secret>``,
    printed as a QR code at result return (``channel="online"`` adds ``c=online`` for links sent
    in messages, so that the evaluation records where it was given)."""
    base = settings.MOTCUA_PUBLIC_BASE_URL.rstrip("/")
    query = {"k": record.lookup_secret}
    if channel == EvaluationChannel.ONLINE:
        query["c"] = "online"
    return f"{base}/danh-gia/{quote(record.code or '')}?{urlencode(query)}"


def band_rules() -> tuple[criteria.BandRule, ...]:
    text = settings.MOTCUA_EVALUATION_BANDS

    def parse() -> tuple[criteria.BandRule, ...]:
        try:
            return criteria.parse_bands(text)
        except ValueError as exc:
            raise ImproperlyConfigured(f"MOTCUA_EVALUATION_BANDS: {exc}") from exc

    return memo(("evaluation-bands", text), parse)


def band_for(total: Any) -> str:
    return criteria.band_for(total, band_rules())


def _finished_steps(record: Record) -> list[RecordStep]:
    return list(
        record.steps.filter(
            state__in=[RecordStep.State.DONE, RecordStep.State.SENT_BACK],
            finished_at__isnull=False,
        )
        .select_related("agency", "unit")
        .order_by("started_at", "id")
    )


def record_history(record: Record) -> criteria.History:
    """What criteria 1-4 need, read from the record and its steps (two queries)."""
    steps = _finished_steps(record)
    all_desk_steps = (
        record.steps.filter(unit__is_one_stop_desk=True)
        .exclude(state=RecordStep.State.CANCELLED)
        .select_related("agency")
    )
    desks = {str(record.agency)} | {str(step.agency) for step in all_desk_steps}
    return criteria.History(
        timeliness=record.timeliness or "",
        steps=tuple(
            criteria.StepFact(agency=str(step.agency), timeliness=step.timeliness or "")
            for step in steps
        ),
        supplement_count=record.supplement_count,
        desk_agencies=frozenset(desks),
    )


def derived_criteria(record: Record) -> criteria.Derived:
    return criteria.derive(record_history(record))


def first_desk_step(record: Record) -> RecordStep | None:
    return record.steps.select_related("unit").order_by("started_at", "id").first()


def evaluated_officer_ids(record: Record) -> set[int]:
    """The officers whose work an evaluation of ``record`` judges: the one who received it,
    everyone who held or finished one of its steps, the actor of every one of its events (who
    returned the result, stopped it, ...) and whoever received a supplement (one query)."""
    steps = record.steps.order_by().values_list("assignee_id", "finished_by_id")
    events = record.events.order_by().values_list("actor_id", "actor_id")
    supplements = record.supplements.order_by().values_list("requested_by_id", "received_by_id")
    ids = {record.received_by_id} if record.received_by_id else set()
    for first, second in steps.union(events, supplements, all=True):
        ids.update(pk for pk in (first, second) if pk)
    return ids


def evaluation_of(record: Record) -> Evaluation | None:
    return Evaluation.objects.filter(record_id=record.pk).first()


def edit_deadline(evaluation: Evaluation) -> datetime:
    return evaluation.given_at + timedelta(days=settings.MOTCUA_EVALUATION_EDIT_DAYS)


def is_evaluable(record: Record) -> bool:
    """Only a record whose processing finished (result ready or returned, stopped, withdrawn)."""
    return record.finished_at is not None
