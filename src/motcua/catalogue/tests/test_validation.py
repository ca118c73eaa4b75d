"""content_issues: every rule reports its own path and message."""

from decimal import Decimal

import pytest

from motcua.catalogue.content import ComponentContent, FeeContent, StepContent
from motcua.catalogue.tests.factories import JUSTICE, justice_content
from motcua.catalogue.validation import AgencyDirectory, AgencyInfo, content_issues

pytestmark = pytest.mark.usefixtures("english")

DIRECTORY = AgencyDirectory(
    [
        AgencyInfo("000.00.01.H99", "Trung tâm", True, frozenset({"MC"})),
        AgencyInfo(JUSTICE, "Sở Tư pháp", True, frozenset({"MC", "LLTP", "LD"})),
        AgencyInfo("000.00.30.H99", "Công an", True, frozenset({"HSNV"})),
    ]
)


def issues(for_publish=True, **overrides):
    return {
        issue.path: issue.message
        for issue in content_issues(
            justice_content(**overrides), DIRECTORY, for_publish=for_publish
        )
    }


def test_a_valid_content_has_no_issue():
    assert issues() == {}


def test_scalar_problems():
    found = issues(
        name=" ",
        level="planet",
        duration_unit="weeks",
        counting_mode="moon",
        supplement_rule="ignore",
        result_type="cake",
        online_level="max",
        duration_value=Decimal(-1),
    )

    assert set(found) == {
        ("name",),
        ("level",),
        ("duration_unit",),
        ("counting_mode",),
        ("supplement_rule",),
        ("result_type",),
        ("online_level",),
        ("duration_value",),
    }
    assert found[("duration_value",)] == "The legal duration must be zero or positive."
    assert found[("level",)] == "“planet” is not one of: province, commune, district, multiple."


def test_component_problems():
    found = issues(
        components=(
            ComponentContent("", "Tờ khai", "original"),
            ComponentContent("A", " ", "paper", 0),
            ComponentContent("A", "Bản sao", "copy"),
            ComponentContent("B" * 51, "x"),
        )
    )

    assert found == {
        ("components", 0, "code"): "The code is required.",
        ("components", 1, "name"): "The name is required.",
        ("components", 1, "form"): "“paper” is not one of: original, copy, either.",
        ("components", 1, "quantity"): "The quantity must be at least 1.",
        ("components", 2, "code"): "The code “A” is used twice.",
        ("components", 3, "code"): "At most 50 characters (51 given).",
    }


def test_fee_problems():
    found = issues(
        fees=(
            FeeContent("", "Lệ phí", "charge", 1),
            FeeContent("P", "", "tax", -1),
            FeeContent("P", "Phí", "fee", 0),
        )
    )

    assert found == {
        ("fees", 0, "code"): "The code is required.",
        ("fees", 1, "name"): "The name is required.",
        ("fees", 1, "kind"): "“tax” is not one of: fee, charge.",
        ("fees", 1, "amount"): "The amount must be zero or positive.",
        ("fees", 2, "code"): "The code “P” is used twice.",
    }


def test_step_problems():
    found = issues(
        for_publish=False,
        steps=(
            StepContent(" ", "MC", "reception", Decimal(1), " ", JUSTICE),
            StepContent("Xử lý", "LLTP", "boss", Decimal(-1), "Đang xử lý", JUSTICE),
            StepContent("Xử lý", "LLTP", "specialist", Decimal("0.001"), "Đang xử lý", JUSTICE),
            StepContent("Xử lý", " ", "specialist", Decimal(1), "Đang xử lý", JUSTICE),
            StepContent("Xử lý", "MC", "specialist", Decimal(1), "Đang xử lý", "000.00.77.H99"),
        ),
    )

    assert found == {
        ("steps", 0, "name"): "Step 1: the name is required.",
        ("steps", 0, "public_status"): "Step 1: the public status text is required.",
        ("steps", 1, "role"): found[("steps", 1, "role")],
        ("steps", 1, "budget_hours"): "Step 2: the time budget must be zero or positive.",
        ("steps", 2, "budget_hours"): "Step 3: use at most two decimals and less than 100000.",
        ("steps", 3, "unit"): "Step 4: the unit code is required.",
        ("steps", 4, "agency"): "No agency has the identifier code “000.00.77.H99”.",
    }
    assert found[("steps", 1, "role")].startswith("“boss” is not one of: reception, specialist")


def test_publish_rules_only_with_for_publish():
    assert issues(for_publish=False, steps=(), implementing_agencies=()) == {}
    assert set(issues(steps=(), implementing_agencies=())) == {
        ("implementing_agencies",),
        ("steps",),
    }


def test_budget_message_with_an_unknown_unit_still_reads():
    found = issues(duration_unit="weeks", duration_value=Decimal(1))

    assert "1 weeks" in found[("steps",)]


def test_an_inactive_agency_blocks_publication_only():
    directory = AgencyDirectory(
        [AgencyInfo(JUSTICE, "Sở Tư pháp", False, frozenset({"MC", "LLTP", "LD"}))]
    )
    content = justice_content(
        receiving_agency=None,
        steps=(StepContent("A", "LLTP", "specialist", Decimal(1), "B", JUSTICE),),
    )

    assert content_issues(content, directory, for_publish=False) == []
    assert [i.path for i in content_issues(content, directory, for_publish=True)] == [
        ("implementing_agencies", 0),
        ("steps", 0, "agency"),
    ]
