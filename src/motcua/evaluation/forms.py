"""The evaluation form (shared by the citizen page and the counter kiosk): one radio choice per
criterion the history cannot tell, the satisfaction level and a free comment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.evaluation import criteria
from motcua.evaluation.services import COMMENT_MAX


class EvaluationForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Overall, how satisfied are you?"),
        choices=criteria.Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, asked: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked = asked
        by_number = {c.number: c for c in criteria.CRITERIA}
        for number in asked:
            criterion = by_number[number]
            self.fields[f"c{number}"] = forms.TypedChoiceField(
                label=criterion.label,
                choices=[(str(score), label) for score, label in criterion.options],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one of the answers.")},
            )

    def answers(self) -> dict[int, int]:
        return {number: self.cleaned_data[f"c{number}"] for number in self.asked}

    def criterion_fields(self) -> list[Any]:
        return [self[f"c{number}"] for number in self.asked]


def asked_numbers(derived: criteria.Derived) -> list[int]:
    return [
        n
        for n in range(1, 10)
        if n not in criteria.DERIVED_NUMBERS or derived.scores.get(n) is None
    ]


def initial_from(evaluation: Any) -> dict[str, Any]:
    if evaluation is None:
        return {}
    data: dict[str, Any] = {f"c{n}": str(getattr(evaluation, f"c{n}")) for n in range(1, 10)}
    data.update(satisfaction=evaluation.satisfaction, comment=evaluation.comment)
    return data
