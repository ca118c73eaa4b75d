"""``motcua subject-export``: everything held about one person by ID number (data-subject request),
nothing about anybody else; clear errors for an unknown or malformed ID number."""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.core.management import CommandError, call_command

from motcua.audit.models import AuditEntry
from motcua.records import services
from motcua.records.tests.factories import applicant, receive, travel

PERSON = "001190012345"
OTHER = "079203001122"


@pytest.fixture
def two_records(world):  # type: ignore[no-untyped-def]
    with travel("2025-04-21 08:00"):
        at_justice = receive(world)
        at_center = receive(world, agency=world.center, actor=world.center_reception)
        for_someone = receive(
            world,
            applicant=applicant(
                name="Lê Văn Khác",
                id_number=OTHER,
                phone="0903000999",
                representative_name="Nguyễn Thị Hồng Nhung",
                representative_id_number=PERSON,
            ),
        )
        receive(world, applicant=applicant(name="Phạm Thị Ba", id_number="001300000003"))
        slip = services.desk_slip_issue(
            actor=world.reception,
            agency=world.justice,
            procedure=world.pause_procedure,
            kind="guidance",
            applicant=applicant(),
            reason="Thiếu tờ khai",
            items=[{"name": "Tờ khai"}],
        )
    return at_justice, at_center, for_someone, slip


def export(*args: str) -> dict:  # type: ignore[type-arg]
    out = io.StringIO()
    call_command("subject-export", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_export_holds_the_persons_records_in_both_agencies_and_nothing_else(two_records):
    at_justice, at_center, for_someone, slip = two_records
    data = export("--id-number", PERSON)
    assert data["id_number"] == PERSON
    by_code = {record["code"]: record for record in data["records"]}
    assert set(by_code) == {at_justice.code, at_center.code, for_someone.code}
    assert {
        by_code[at_justice.code]["receiving_agency"]["code"],
        by_code[at_center.code]["receiving_agency"]["code"],
    } == {"000.00.12.H99", "000.00.01.H99"}
    assert by_code[at_justice.code]["as"] == ["applicant"]
    assert by_code[for_someone.code]["as"] == ["representative"]
    first = by_code[at_justice.code]
    assert first["applicant"]["phone"] == "0912345678"
    assert first["procedure"]["code"] == "2.000488"
    assert first["status"] == at_justice.status
    assert first["status_changes"][-1]["to_status"] == at_justice.status
    assert first["timeline"] and first["received_at"].startswith("2025-04-21")
    assert [s["number"] for s in data["desk_slips"]] == [slip.number]
    text = json.dumps(data, ensure_ascii=False)
    assert "Phạm Thị Ba" not in text and "001300000003" not in text  # another person's record
    # the record where the person only represents somebody shows that record as it is
    assert "Nguyễn Thị Hồng Nhung" in text

    entry = AuditEntry.objects.get(action="personal_data.exported")
    assert entry.object_id == "*********345"
    assert entry.detail["records"] == 3
    assert PERSON not in json.dumps(entry.detail)  # the audit log never holds the number


def test_the_export_is_written_to_a_file_readable_by_its_owner_only(two_records, tmp_path):
    target = tmp_path / "export.json"
    err = io.StringIO()
    call_command("subject-export", "--id-number", PERSON, "--output", str(target), stderr=err)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data["records"]) == 3
    assert "Nguyễn Thị Hồng Nhung" in target.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "3 record(s)" in err.getvalue()


def test_an_unknown_id_number_is_a_clear_error_with_a_non_zero_exit(two_records, tmp_path):
    target = tmp_path / "export.json"
    with pytest.raises(CommandError) as caught:
        call_command("subject-export", "--id-number", "001999999999", "--output", str(target))
    assert caught.value.returncode == 1
    assert "Nothing is held" in str(caught.value) or "Không" in str(caught.value)
    assert not target.exists()
    assert not AuditEntry.objects.filter(action="personal_data.exported").exists()


@pytest.mark.parametrize("bad", ["12345", "00119001234X", "", "0011900123456789"])
def test_a_malformed_id_number_is_refused(two_records, bad):
    with pytest.raises(CommandError) as caught:
        export("--id-number", bad)
    assert caught.value.returncode == 2
    assert not AuditEntry.objects.filter(action="personal_data.exported").exists()
