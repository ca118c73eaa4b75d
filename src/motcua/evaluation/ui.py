"""What the evaluation form shows, shared by the citizen page (motcua.public) and the kiosk."""

from __future__ import annotations

from typing import Any

from motcua.evaluation import criteria
from motcua.evaluation import selectors as evaluation_selectors
from motcua.evaluation.forms import EvaluationForm, asked_numbers, initial_from
from motcua.records.models import Record


def _criteria_rows(derived: criteria.Derived, form: EvaluationForm) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for criterion in criteria.CRITERIA:
        number = criterion.number
        score = derived.scores.get(number) if criterion.derived else None
        rows.append(
            {
                "criterion": criterion,
                "score": score,
                "reason": derived.reasons.get(number, "") if score is not None else "",
                "field": form[f"c{number}"] if number in form.asked else None,
            }
        )
    return rows


def evaluation_context(
    record: Record, *, form: EvaluationForm | None = None, data: Any = None
) -> dict[str, Any]:
    """What the evaluation form shows (citizen page and kiosk)."""
    derived = evaluation_selectors.derived_criteria(record)
    existing = evaluation_selectors.evaluation_of(record)
    asked = asked_numbers(derived)
    if form is None:
        form = EvaluationForm(data, asked=asked, initial=initial_from(existing))
    return {
        "record_code": record.code,
        "procedure": record.procedure_version.name,
        "agency": str(record.handling_agency),
        "form": form,
        "rows": _criteria_rows(derived, form),
        "existing": existing,
        "edit_until": evaluation_selectors.edit_deadline(existing) if existing else None,
        "max_total": criteria.MAX_TOTAL,
    }
