"""The pure part: criteria 1-4 from plain histories, band rules and their edges."""

from decimal import Decimal

import pytest

from motcua.evaluation.criteria import (
    History,
    StepFact,
    agency_results,
    band_for,
    derive,
    parse_bands,
)

DEFAULT = parse_bands("excellent>15,good>=12,fair>=9,average>=6")


@pytest.mark.parametrize(("timeliness", "score"), [("early", 2), ("on_time", 1), ("late", 0)])
def test_criterion_one_follows_the_record_timeliness(timeliness, score):
    assert derive(History(timeliness=timeliness)).scores[1] == score


def test_criterion_one_is_not_derivable_without_a_time_limit():
    assert derive(History(timeliness="")).scores[1] is None


def test_criterion_two_takes_the_worst_agency():
    steps = (
        StepFact("Sở Tư pháp", "on_time"),
        StepFact("Sở Tư pháp", "early"),
        StepFact("Công an tỉnh", "on_time"),
    )
    assert agency_results(steps) == {"Sở Tư pháp": "early", "Công an tỉnh": "on_time"}
    assert derive(History(timeliness="early", steps=steps)).scores[2] == 1
    late = (*steps, StepFact("Công an tỉnh", "late"))
    assert derive(History(timeliness="early", steps=late)).scores[2] == 0
    ahead = (StepFact("Sở Tư pháp", "early"), StepFact("Công an tỉnh", "early"))
    assert derive(History(timeliness="early", steps=ahead)).scores[2] == 2


def test_criterion_two_ignores_steps_without_a_budget_and_may_be_unknown():
    derived = derive(History(timeliness="early", steps=(StepFact("Sở Tư pháp", ""),)))
    assert derived.scores[2] is None


@pytest.mark.parametrize(("count", "score"), [(0, 2), (1, 1), (2, 0), (5, 0)])
def test_criterion_three_counts_supplements(count, score):
    assert derive(History(timeliness="early", supplement_count=count)).scores[3] == score


@pytest.mark.parametrize(
    ("desks", "score"),
    [
        (frozenset(), 2),
        (frozenset({"Sở Tư pháp"}), 2),
        (frozenset({"Sở Tư pháp", "Trung tâm"}), 1),
        (frozenset({"A", "B", "C"}), 0),
    ],
)
def test_criterion_four_counts_the_desks_dealt_with(desks, score):
    assert derive(History(timeliness="early", desk_agencies=desks)).scores[4] == score


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (18, "excellent"),
        (16, "excellent"),
        (Decimal("15.01"), "excellent"),
        (15, "good"),  # the unconfirmed edge: 15 itself is "good" by default
        (12, "good"),
        (Decimal("11.99"), "fair"),
        (9, "fair"),
        (8, "average"),
        (6, "average"),
        (5, "poor"),
        (0, "poor"),
    ],
)
def test_default_bands(total, band):
    assert band_for(total, DEFAULT) == band


def test_band_edges_are_configurable():
    rules = parse_bands("excellent>=15,good>=12,fair>=9,average>=6")
    assert band_for(15, rules) == "excellent"


@pytest.mark.parametrize(
    "text",
    ["", "excellent15", "great>=15", "good>=twelve", "good>=30", "good>=12,excellent>15"],
)
def test_bad_band_rules_are_refused_with_a_message(text):
    with pytest.raises(ValueError, match=r"."):
        parse_bands(text)
