"""``motcua calendar due`` and ``motcua calendar days``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from motcua.organisations.tests.factories import AgencyFactory, CalendarOverrideFactory

pytestmark = pytest.mark.django_db

MOTCUA = Path(sys.executable).with_name("motcua")


def run(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("calendar", *args, stdout=out)
    return out.getvalue()


def test_due_prints_the_same_json_as_the_api(client):
    args = {"start": "2025-04-23T10:00:00+07:00", "duration": "3", "unit": "working_days"}
    printed = json.loads(run("due", *[f"--{k}={v}" for k, v in args.items()]))
    client.cookies["django_language"] = "en"
    assert printed == client.get("/api/v1/calendar/due", args).json()
    assert printed["due_at"] == "2025-04-26T10:00:00+07:00"


def test_due_with_mode_cutoff_and_agency():
    agency = AgencyFactory(office_hours="08:00-12:00,13:30-17:30")
    printed = json.loads(
        run(
            "due",
            "--start=2025-10-10T15:30:00+07:00",
            "--duration=2",
            "--unit=working_days",
            "--mode=days",
            "--cutoff=15:00",
            f"--agency={agency.code}",
        )
    )
    assert printed["clock_start"] == "2025-10-13T08:00:00+07:00"
    assert printed["due_at"] == "2025-10-15T17:30:00+07:00"


def test_bad_parameters_raise_a_command_error_with_exit_code_2_and_every_message():
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command(
            "calendar",
            "due",
            "--start=2025-10-10T15:30:00",
            "--duration=-1",
            "--unit=weeks",
            "--agency=000.00.99.H00",
        )
    assert caught.value.returncode == 2
    assert str(caught.value).splitlines() == [
        "Invalid parameters:",
        "  --start: “2025-10-10T15:30:00” has no time zone offset: write it as in 2025-01-02T08:00:00+07:00.",
        "  --duration: Ensure this value is greater than or equal to 0.",
        '  --unit: "weeks" is not a valid choice.',
        "  --agency: No agency has the identifier code “000.00.99.H00”.",
    ]


def test_days_lists_the_non_working_weekdays_and_working_weekend_days_of_a_year():
    printed = run("days", "--year=2026")
    lines = printed.splitlines()
    assert lines[0] == "Non-working weekdays in 2026:"
    assert "  2026-01-01  Thursday 01/01/2026: New Year's Day" in lines
    assert "  2026-04-27  Monday 27/04/2026: Hung Kings' Commemoration Day (observed)" in lines
    assert "  2026-08-31  Monday 31/08/2026: Day off (substituted from 08/22/2026)" in lines
    assert not any("26/04/2026" in line for line in lines)  # Hùng Kings on a Sunday: no weekday
    assert lines[-2:] == [
        "Weekend days that are working days in 2026:",
        "  2026-08-22  Saturday 22/08/2026: Substituted working day",
    ]
    assert len(lines) == 1 + 13 + 2


def test_days_in_json_with_an_agency_override():
    agency = AgencyFactory()
    CalendarOverrideFactory(date="2026-10-10", agency=agency, working=True, legal_reference="CV 9")
    printed = json.loads(run("days", "--year=2026", f"--agency={agency.code}", "--json"))
    assert printed["agency"] == agency.code
    assert printed["working_days"][-1] == {
        "date": "2026-10-10",
        "weekday": "Saturday",
        "label": "Saturday 10/10/2026",
        "reason": "Ngày làm việc bù (CV 9)",
    }
    assert {row["date"] for row in printed["days_off"]} >= {"2026-02-16", "2026-09-02"}


@pytest.mark.parametrize("year", ["1900", "abc", "2200"])
def test_days_refuses_a_bad_year(year):
    with pytest.raises(CommandError) as caught:
        run("days", f"--year={year}")
    assert caught.value.returncode == 2
    assert "--year:" in str(caught.value)


def _motcua(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "motcua.conf.test",
        "MOTCUA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(MOTCUA), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory) -> Path:
    """A migrated SQLite database for the console script (it runs outside the test database)."""
    path = tmp_path_factory.mktemp("cli")
    done = _motcua("migrate", "--no-input", "-v0", tmp_path=path)
    assert done.returncode == 0, done.stderr
    return path


def test_the_console_script_prints_json_and_exits_0(cli_dir):
    done = _motcua(
        "calendar",
        "due",
        "--start",
        "2025-01-24T10:00:00+07:00",
        "--duration",
        "1",
        "--unit",
        "working_days",
        tmp_path=cli_dir,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["due_at"] == "2025-02-03T10:00:00+07:00"
    assert done.stderr == ""


def test_the_console_script_exits_2_on_bad_parameters_with_a_message_on_stderr(cli_dir):
    done = _motcua(
        "calendar",
        "due",
        "--start",
        "2025-01-24T10:00",
        "--duration",
        "1",
        "--unit",
        "working_days",
        tmp_path=cli_dir,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "--start:" in done.stderr
    assert "2025-01-24T10:00" in done.stderr


def test_the_console_script_exits_2_on_a_missing_option(cli_dir):
    done = _motcua("calendar", "due", "--start", "2025-01-24T10:00+07:00", tmp_path=cli_dir)
    assert done.returncode == 2
    assert "--duration" in done.stderr and "--unit" in done.stderr
