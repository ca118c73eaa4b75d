"""Writes for evaluations: the applicant gives (or changes) the evaluation of one record."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, NotFound, ValidationFailed
from motcua.core.models import User
from motcua.evaluation import criteria, permissions, selectors
from motcua.evaluation.models import Evaluation, EvaluationChannel, EvaluationRevision
from motcua.records.models import Record

COMMENT_MAX = 2000


def secret_matches(record: Record | None, secret: str) -> bool:
    """Constant-time comparison; a missing record compares against a dummy of the same shape so
    that unknown codes and wrong secrets take the same path."""
    expected = record.lookup_secret if record is not None else "x" * 22
    ok = hmac.compare_digest(expected.encode(), (secret or "").encode())
    return ok and record is not None


def _clean_answers(answers: Mapping[Any, Any], needed: list[int]) -> dict[int, int]:
    cleaned: dict[int, int] = {}
    errors: dict[str, list[str]] = {}
    for number in needed:
        raw = answers.get(number, answers.get(str(number)))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = -1
        if value not in criteria.SCORES:
            errors[f"c{number}"] = [_("Choose one of the answers.")]
        else:
            cleaned[number] = value
    if errors:
        raise ValidationFailed(_("Answer every question."), field=next(iter(errors)), errors=errors)
    return cleaned


@transaction.atomic
def evaluation_submit(
    *,
    actor: User | AnonymousUser,
    record: Record,
    channel: str,
    answers: Mapping[Any, Any],
    satisfaction: str,
    comment: str = "",
    secret: str = "",
) -> Evaluation:
    """Give or change the evaluation of ``record``.

    - QR and online evaluations need the record's secret (``secret``); without it the record is
      "not found", exactly as an unknown code. Kiosk evaluations need ``actor`` to be a reception
      officer of the record's receiving or settling agency.
    - Only a record whose processing finished can be evaluated.
    - Criteria 1-4 come from the record's history where it tells them; the answers cover the
      others (and any of 1-4 the history cannot tell).
    - Nobody evaluates their own work: an officer who received the record, held one of its
      steps, acted in one of its events (returned the result, ...) or handled one of its
      supplements is refused on every channel (``permissions.ensure_not_own_work``).
    - One evaluation per record: a second submission changes it, within
      ``MOTCUA_EVALUATION_EDIT_DAYS`` days of the first. The kiosk cannot change an evaluation
      the applicant gave by the QR code or online. Every change keeps the version it replaces
      (``EvaluationRevision``); the pages that call this write the audit entries
      (``evaluation.submitted`` / ``evaluation.changed``, in the same transaction).
    """
    if channel not in EvaluationChannel.values:
        raise ValidationFailed(_("Unknown evaluation channel."), field="channel")
    if channel == EvaluationChannel.KIOSK:
        permissions.ensure_can_evaluate_at_kiosk(actor, record)
    elif not secret_matches(record, secret):
        raise NotFound(_("No record matches this code and secret."))
    permissions.ensure_not_own_work(actor, record)
    if not selectors.is_evaluable(record):
        raise Conflict(
            _("This record can be evaluated once its processing has finished."),
            code="not_finished",
        )
    if satisfaction not in criteria.Satisfaction.values:
        raise ValidationFailed(_("Choose how satisfied you are."), field="satisfaction")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            _("The comment is too long (%(max)d characters at most).") % {"max": COMMENT_MAX},
            field="comment",
        )
    derived = selectors.derived_criteria(record)
    needed = [
        number
        for number in range(1, 10)
        if number not in criteria.DERIVED_NUMBERS or derived.scores[number] is None
    ]
    scores = _clean_answers(answers, needed)
    for number in criteria.DERIVED_NUMBERS:
        value = derived.scores[number]
        if value is not None:
            scores[number] = value
    total = criteria.total_of(scores)
    now = timezone.now()
    values: dict[str, Any] = {f"c{n}": scores[n] for n in range(1, 10)}
    values.update(
        derived=derived.as_json(),
        total=total,
        band=selectors.band_for(total),
        satisfaction=satisfaction,
        comment=comment,
        channel=channel,
        changed_at=now,
        kiosk_officer=actor if channel == EvaluationChannel.KIOSK else None,
    )

    existing = Evaluation.objects.select_for_update().filter(record_id=record.pk).first()
    if existing is None:
        first = selectors.first_desk_step(record)
        try:
            with transaction.atomic():
                return Evaluation.objects.create(
                    record=record,
                    agency_id=record.handling_agency_id,
                    receiving_agency_id=record.agency_id,
                    unit=first.unit if first is not None else None,
                    officer_id=record.received_by_id,
                    procedure_id=record.procedure_version.procedure_id,
                    given_at=now,
                    **values,
                )
        except IntegrityError:
            # Somebody submitted for the same record at the same moment: change that one.
            existing = Evaluation.objects.select_for_update().get(record_id=record.pk)
    if channel == EvaluationChannel.KIOSK and existing.channel != EvaluationChannel.KIOSK:
        raise Conflict(
            _(
                "The applicant gave this evaluation themselves (QR code or online): "
                "it cannot be changed at the kiosk."
            ),
            code="given_by_applicant",
        )
    deadline = selectors.edit_deadline(existing)
    if now > deadline:
        raise Conflict(
            _("This evaluation can no longer be changed (it could be changed until %(until)s).")
            % {"until": date_format(timezone.localtime(deadline), "DATETIME_FORMAT")},
            code="evaluation_closed",
        )
    _keep_revision(existing, replaced_at=now, replaced_by_channel=channel)
    for name, value in values.items():
        setattr(existing, name, value)
    existing.change_count += 1
    existing.save(update_fields=[*values.keys(), "change_count", "updated_at"])
    return existing


REVISION_FIELDS = (
    *(f"c{n}" for n in range(1, 10)),
    "derived",
    "total",
    "band",
    "satisfaction",
    "comment",
    "channel",
    "kiosk_officer_id",
)


def _keep_revision(
    evaluation: Evaluation, *, replaced_at: Any, replaced_by_channel: str
) -> EvaluationRevision:
    """The version of ``evaluation`` about to be replaced, kept as it is (version numbers start
    at 1 for the first one given)."""
    return EvaluationRevision.objects.create(
        evaluation=evaluation,
        number=evaluation.change_count + 1,
        given_at=evaluation.changed_at,
        replaced_at=replaced_at,
        replaced_by_channel=replaced_by_channel,
        **{name: getattr(evaluation, name) for name in REVISION_FIELDS},
    )
