"""The nine criteria of the per-record evaluation (domain.md §5.1, Circular 01/2018), their
scores and the rating bands; criteria 1-4 derived from the record's history.

Pure functions over plain values: no database access, so the derivation is tested directly.

Derivation (docs/citizen.md explains it to readers):

1. **Total time against the legal limit**: the record's own timeliness (processing finished at the
   first of result ready, returned, stopped, withdrawn, judged against the statutory due
   instant): early → 2, on time → 1, late → 0.
2. **Time taken by each agency that took part**: every processing step that finished (done or
   sent back; opinion requests included) carries its own early / on time / late result against
   its budget. An agency is late if any of its steps was late, otherwise early if at least one
   of its steps finished a calendar day ahead, otherwise on time; the criterion takes the
   **worst** agency. Not derivable when no step
   had a time budget.
3. **Contacts with the desk to complete the dossier**: the number of supplement requests:
   none → 2, one → 1, more → 0. (The "unless the applicant was at fault" exception of the
   circular cannot be read from the history; the officer's reason is not classified.)
4. **Agencies contacted**: the one-stop desks the applicant had to deal with, read from the
   history (the receiving agency plus every agency whose desk unit held a step of the record,
   e.g. a result returned at another agency's desk). Every contact made through one desk means
   the applicant did not have to go to any other agency → 2; two desks → 1; more → 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SCORES = (0, 1, 2)
MAX_TOTAL = 18


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Band(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


@dataclass(frozen=True)
class Criterion:
    number: int
    label: Any  # a lazy translated string
    # The meaning of 2, 1 and 0 points, shown next to the choice (lazy translated strings).
    options: tuple[tuple[int, Any], ...]
    derived: bool = False


_SCALE_SATISFACTION = (
    (2, _("Very satisfied")),
    (1, _("Satisfied")),
    (0, _("Dissatisfied")),
)

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        1,
        _("Total processing time compared with the legal time limit"),
        ((2, _("Shorter")), (1, _("Equal")), (0, _("Longer"))),
        derived=True,
    ),
    Criterion(
        2,
        _("Time taken by each agency that took part, including co-ordinating units"),
        ((2, _("Shorter")), (1, _("Equal")), (0, _("Longer"))),
        derived=True,
    ),
    Criterion(
        3,
        _("Number of contacts with the receiving desk to complete the dossier"),
        ((2, _("None")), (1, _("One")), (0, _("More than one"))),
        derived=True,
    ),
    Criterion(
        4,
        _("Number of agencies contacted to complete the dossier"),
        ((2, _("Only the one-stop desk")), (1, _("One other agency")), (0, _("More than one"))),
        derived=True,
    ),
    Criterion(
        5,
        _("Reception, settlement and return of the result organised at the one-stop desk"),
        (
            (2, _("Everything done at the desk")),
            (1, _("Received and returned at the desk")),
            (0, _("No")),
        ),
    ),
    Criterion(
        6,
        _("Publicity of the procedure (posted at the desk and published online)"),
        ((2, _("Both posted and online")), (1, _("Only one of the two")), (0, _("Neither"))),
    ),
    Criterion(
        7,
        _("Attitude of the officers"),
        ((2, _("Very good")), (1, _("Good")), (0, _("Not good"))),
    ),
    Criterion(8, _("Receiving and answering feedback and complaints"), _SCALE_SATISFACTION),
    Criterion(9, _("Progress and quality of the online public services"), _SCALE_SATISFACTION),
)
DERIVED_NUMBERS = tuple(c.number for c in CRITERIA if c.derived)
ASKED_NUMBERS = tuple(c.number for c in CRITERIA if not c.derived)


# ---- derivation -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class StepFact:
    """What criterion 2 needs from one finished step."""

    agency: str
    timeliness: str  # early / on_time / late, "" when the step had no budget


@dataclass(frozen=True)
class History:
    """What criteria 1-4 need from a record."""

    timeliness: str  # the record's: early / on_time / late, "" when it had no due instant
    steps: tuple[StepFact, ...] = ()
    supplement_count: int = 0
    desk_agencies: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Derived:
    """Criteria 1-4 as far as the history tells them: score (None = not derivable) and the
    plain-words reason shown to the citizen."""

    scores: dict[int, int | None]
    reasons: dict[int, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, dict[str, object]]:
        return {
            str(n): {"score": self.scores[n], "reason": str(self.reasons.get(n, ""))}
            for n in DERIVED_NUMBERS
        }


_TIMELINESS_SCORE = {"early": 2, "on_time": 1, "late": 0}
_RANK = {"late": 0, "on_time": 1, "early": 2}


def agency_results(steps: Iterable[StepFact]) -> dict[str, str]:
    """Each agency's result: late if any of its steps was late; otherwise early if at least
    one of them finished a calendar day ahead of its due instant; otherwise on time. (A step of
    a few working hours finished the same day is "on time" by the calendar-day rule; it must not
    hide that the agency as a whole was ahead.)"""
    by_agency: dict[str, set[str]] = {}
    for step in steps:
        if step.timeliness in _RANK:
            by_agency.setdefault(step.agency, set()).add(step.timeliness)
    results: dict[str, str] = {}
    for agency, seen in by_agency.items():
        results[agency] = "late" if "late" in seen else "early" if "early" in seen else "on_time"
    return results


def derive(history: History) -> Derived:
    scores: dict[int, int | None] = {}
    reasons: dict[int, str] = {}
    labels = {
        "early": gettext("finished before the time limit"),
        "on_time": gettext("finished on the day of the time limit"),
        "late": gettext("finished after the time limit"),
    }
    # 1. the record's timeliness
    scores[1] = _TIMELINESS_SCORE.get(history.timeliness)
    reasons[1] = (
        labels[history.timeliness].capitalize()
        if history.timeliness in labels
        else gettext("The procedure has no time limit to compare with.")
    )
    # 2. the worst agency
    results = agency_results(history.steps)
    if results:
        worst = min(results.values(), key=lambda r: _RANK[r])
        scores[2] = _TIMELINESS_SCORE[worst]
        reasons[2] = "; ".join(
            f"{agency}: {labels[result]}" for agency, result in sorted(results.items())
        )
    else:
        scores[2] = None
        reasons[2] = gettext("No step of this record had its own time limit.")
    # 3. supplements
    count = max(0, history.supplement_count)
    scores[3] = 2 if count == 0 else 1 if count == 1 else 0
    reasons[3] = (
        gettext("No supplement was requested.")
        if count == 0
        else gettext("%(count)d supplement request(s).") % {"count": count}
    )
    # 4. desks contacted
    desks = len(history.desk_agencies)
    scores[4] = 2 if desks <= 1 else 1 if desks == 2 else 0
    reasons[4] = (
        gettext("Every contact went through one one-stop desk.")
        if desks <= 1
        else gettext("Desks of %(count)d agencies: %(names)s.")
        % {"count": desks, "names": ", ".join(sorted(history.desk_agencies))}
    )
    return Derived(scores=scores, reasons=reasons)


# ---- bands -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BandRule:
    band: str
    strict: bool  # True: total > bound; False: total >= bound
    bound: Decimal


DEFAULT_BANDS = "excellent>15,good>=12,fair>=9,average>=6"


def parse_bands(text: str) -> tuple[BandRule, ...]:
    """``"excellent>15,good>=12,fair>=9,average>=6"``: the first rule met wins, highest first;
    below all of them the band is ``poor``. Raises ``ValueError`` with a clear message."""
    rules: list[BandRule] = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        for op in (">=", ">"):
            if op in raw:
                name, _sep, bound = raw.partition(op)
                break
        else:
            raise ValueError(f"band rule {raw!r} needs > or >= (e.g. good>=12)")
        name = name.strip()
        if name not in Band.values or name == Band.POOR:
            raise ValueError(
                f"unknown band {name!r} in {raw!r}; use excellent, good, fair or average"
            )
        try:
            value = Decimal(bound.strip())
        except InvalidOperation as exc:
            raise ValueError(f"band rule {raw!r}: {bound.strip()!r} is not a number") from exc
        if not Decimal(0) <= value <= MAX_TOTAL:
            raise ValueError(f"band rule {raw!r}: the bound must be between 0 and {MAX_TOTAL}")
        rules.append(BandRule(band=name, strict=op == ">", bound=value))
    if not rules:
        raise ValueError("no band rule given")
    ordered = sorted(rules, key=lambda r: (r.bound, r.strict), reverse=True)
    if [r.band for r in ordered] != [r.band for r in rules]:
        raise ValueError("band rules must be listed from the highest bound to the lowest")
    return tuple(rules)


def band_for(total: Decimal | float | int, rules: tuple[BandRule, ...]) -> str:
    value = Decimal(str(total))
    for rule in rules:
        if (value > rule.bound) if rule.strict else (value >= rule.bound):
            return rule.band
    return Band.POOR.value


def total_of(scores: Mapping[int, int]) -> int:
    return sum(scores.values())
