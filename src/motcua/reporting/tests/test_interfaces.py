"""The API, the command, the report page with its drill-down, and the files."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from motcua.records import services
from motcua.records.tests.factories import receive, travel
from motcua.reporting.settlement import COLUMNS

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/settlement"
ROW_COUNTS = set(COLUMNS)


@pytest.fixture
def april(world):
    with travel("2025-04-21 08:00"):
        records = [receive(world) for _ in range(3)]
    with travel("2025-04-22 09:00"):
        services.record_stop(actor=world.leader, record=records[0], reason="Dừng")
    return records


def api(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_answers_rows_and_totals_with_the_issue_keys(world, april):
    response = api(world.leader).get(URL, {"from": "2025-04-01", "to": "2025-04-30"})
    assert response.status_code == 200
    body = response.json()
    assert set(body["totals"]) == ROW_COUNTS
    assert body["totals"]["received_total"] == 3
    assert body["totals"]["settled_total"] == 1
    [row] = body["rows"]
    assert set(row) >= ROW_COUNTS
    assert row["agency_code"] == world.justice.code
    by_procedure = api(world.admin).get(
        URL, {"from": "2025-04-01", "to": "2025-04-30", "group_by": "procedure"}
    )
    assert by_procedure.json()["rows"][0]["procedure_code"] == "2.000488"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"to": "2025-04-30"}, "from"),
        ({"from": "2025-04-01", "to": "2025-13-01"}, "to"),
        ({"from": "2025-04-30", "to": "2025-04-01"}, "to"),
        ({"from": "2025-04-01", "to": "2025-04-30", "group_by": "unit"}, "group_by"),
        ({"from": "2025-04-01", "to": "2025-04-30", "agency": "nope"}, "agency"),
    ],
)
def test_api_refuses_bad_parameters(world, params, field):
    response = api(world.admin).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_api_scope(world, april):
    anonymous = APIClient().get(URL, {"from": "2025-04-01", "to": "2025-04-30"})
    assert anonymous.status_code in (401, 403)
    other = api(world.outsider).get(
        URL, {"from": "2025-04-01", "to": "2025-04-30", "agency": world.justice.code}
    )
    assert other.status_code == 404  # out of scope
    own = api(world.outsider).get(URL, {"from": "2025-04-01", "to": "2025-04-30"})
    assert own.json()["totals"]["received_total"] == 0


def test_command_writes_every_format(world, april, tmp_path, capsys):
    call_command("report", "settlement", "--from", "2025-04-01", "--to", "2025-04-30")
    body = json.loads(capsys.readouterr().out)
    assert body["totals"]["received_total"] == 3
    call_command(
        "report", "settlement", "--from", "2025-04-01", "--to", "2025-04-30", "--format", "csv"
    )
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][-len(COLUMNS) :] == list(COLUMNS)
    assert rows[-1][0] == "total" and rows[-1][-len(COLUMNS)] == "3"
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        target = tmp_path / f"r.{fmt}"
        call_command(
            "report",
            "settlement",
            "--from",
            "2025-04-01",
            "--to",
            "2025-04-30",
            "--format",
            fmt,
            "--output",
            str(target),
        )
        assert target.read_bytes().startswith(magic)


def test_command_refuses_bad_parameters_with_exit_2(db):
    with pytest.raises(CommandError) as info:
        call_command("report", "settlement", "--from", "2025-04-31", "--to", "2025-05-01")
    assert info.value.returncode == 2
    assert "--from" in str(info.value)
    with pytest.raises(CommandError) as info:
        call_command(
            "report", "settlement", "--from", "2025-04-01", "--to", "2025-05-01", "--agency", "x"
        )
    assert info.value.returncode == 2


def test_xlsx_is_laid_out_like_the_form(world, april):
    client = api(world.leader)
    client.force_login(world.leader)
    response = client.get(
        "/reports/settlement/export.xlsx", {"from": "2025-04-01", "to": "2025-04-30"}
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    texts = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in texts
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"C7:F7", "G7:J7", "K7:M7"} <= merged
    assert "(13)" in texts
    total_row = next(r for r in ws.iter_rows() if r[0].value == "Tổng số")
    assert [c.value for c in total_row[2:13]] == [3, 0, 3, 0, 1, 1, 0, 0, 2, 2, 0]


def test_report_page_links_every_number_to_its_records(world, april):
    client = APIClient()
    client.force_login(world.leader)
    response = client.get("/reports/settlement/", {"from": "2025-04-01", "to": "2025-04-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "/reports/settlement/records/?" in html
    drill = client.get(
        "/reports/settlement/records/",
        {"from": "2025-04-01", "to": "2025-04-30", "column": "in_progress_total"},
    )
    assert drill.status_code == 200
    page = drill.content.decode()
    assert april[1].code in page and april[2].code in page
    assert april[0].code not in page


def test_drill_down_queries_do_not_grow_with_the_page(world, april):
    client = APIClient()
    client.force_login(world.leader)
    params = {"from": "2025-04-01", "to": "2025-04-30", "column": "received_total"}
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/settlement/records/", params)
    with travel("2025-04-23 08:00"):
        for _ in range(4):
            receive(world)
    with CaptureQueriesContext(connection) as more:
        client.get("/reports/settlement/records/", params)
    assert len(more) == len(few)


def test_pages_refuse_outsiders_and_bad_input(world, april):
    client = APIClient()
    assert client.get("/reports/settlement/").status_code == 302  # sign in first
    client.force_login(world.outsider)
    assert (
        client.get(
            "/reports/settlement/",
            {"from": "2025-04-01", "to": "2025-04-30", "agency": world.justice.code},
        ).status_code
        == 404  # another agency's report: out of scope
    )
    bad = client.get("/reports/settlement/", {"from": "2025-04-30", "to": "2025-04-01"})
    assert bad.status_code == 400
    assert (
        client.get(
            "/reports/settlement/records/",
            {"from": "2025-04-01", "to": "2025-04-30", "column": "x"},
        ).status_code
        == 400
    )
