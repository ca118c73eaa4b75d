"""Locust users of the morning peak (issue 7). Run through bench/load.py, which seeds the
database, starts gunicorn and passes the plan (accounts, desk forms, records to look up) in
the environment: LOAD_PLAN (JSON file), LOAD_OUT (statistics written here), LOAD_STAFF,
LOAD_CITIZENS, LOAD_DURATION (measured seconds, counted once every user runs).

Users and what they do (think times in ``wait_time``: staff 10-30 s between pages, a busy
officer; citizens 15-45 s between lookups, a worried applicant refreshing the page):
- ``ReceptionOfficer`` (one staff account in four): logs in through the login form, opens the
  work desk, then works the queues and record pages and now and then receives a dossier
  through the intake form (GET the form of a procedure, POST it: a record with its steps,
  receipt number, events, fees) and opens the new record;
- ``Specialist``: logs in, opens the work desk, then "My queue", the unit's queue (and claims a
  waiting step from it now and then), the due-soon / overdue queues, record pages, a search by
  record code;
- ``CitizenUser``: the public lookup page from the receipt's QR code (``/tra-cuu/<code>?k=``),
  sometimes the lookup form with the last four digits of the phone instead.

At most LOAD_LOGIN_CONCURRENCY (default 2) logins are in flight at once: the staff arrive over
the morning, and a password check costs ~0.4 s of CPU (PBKDF2).
Request names start with the group (``staff:`` / ``citizen:``); the statistics are reset when
the last user has started (the ramp, with the logins, is reported apart) and ``LOAD_DURATION``
seconds later the run stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

import gevent
from gevent.lock import Semaphore
from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.stats import RequestStats, StatsEntry

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
OUT = Path(os.environ["LOAD_OUT"])
DURATION = float(os.environ.get("LOAD_DURATION", "60"))
N_STAFF = int(os.environ.get("LOAD_STAFF", "200"))
N_CITIZENS = int(os.environ.get("LOAD_CITIZENS", "500"))
# think times are multiplied by this (1 = the scenario; a smaller value only to try the script)
THINK = float(os.environ.get("LOAD_THINK_SCALE", "1"))
# the measurement starts when every user has finished on_start (logged in), at the latest
SETTLE_MAX = float(os.environ.get("LOAD_SETTLE_MAX", "300"))
# logins in flight at once: a password check is ~0.4 s of CPU (PBKDF2), the staff arrive over
# the morning, not all in the same second
LOGINS = Semaphore(int(os.environ.get("LOAD_LOGIN_CONCURRENCY", "2")))

_STAFF = PLAN["staff"][:N_STAFF]
_RECEPTION = [a for a in _STAFF if a["role"] == "reception"]
_SPECIALISTS = [a for a in _STAFF if a["role"] != "reception"]
_NEXT_RECEPTION = itertools.cycle(_RECEPTION)
_NEXT_SPECIALIST = itertools.cycle(_SPECIALISTS)
_CITIZENS = PLAN["citizens"]
_CLIENT_IPS = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
RECORD_LINK = re.compile(r'href="/records/([0-9A-Za-z.]+-\d{6}-\d{4,})/"')
CLAIM_FORM = re.compile(
    r'action="/records/([0-9A-Za-z.]+-\d{6}-\d{4,})/claim/".{0,800}?'
    r'name="expected_step_id" value="(\d+)"',
    re.S,
)


def _why(response: Any) -> str:
    if response.status_code == 0:  # no HTTP answer: connection refused, reset, timed out
        return f"no answer: {type(response.error).__name__}: {response.error}"[:300]
    return f"HTTP {response.status_code}"


def _one_request_per_connection(user: HttpUser) -> None:
    """As nginx talks to gunicorn by default (HTTP/1.0 upstream): a new connection per request.
    Also avoids the keep-alive race of a client reusing a socket the server is closing."""
    user.client.headers["Connection"] = "close"


COUNTERS: dict[str, int] = {"started": 0, "claims": 0, "claim_conflicts": 0, "intakes": 0}


class StaffUser(HttpUser):
    abstract = True
    wait_time = between(10 * THINK, 30 * THINK)
    account: dict[str, Any]

    def on_start(self) -> None:
        self.csrf = ""
        self.codes: list[str] = []
        self.claimable: list[tuple[str, str]] = []
        _one_request_per_connection(self)
        self.login()
        self.page("/", "staff: work desk")
        COUNTERS["started"] += 1

    # ---- helpers

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(_why(response))
                return ""
            text = response.text
            token = CSRF.search(text)
            if token:
                self.csrf = token.group(1)
            codes = RECORD_LINK.findall(text)
            if codes:
                self.codes = list(dict.fromkeys(codes))[:50]
            return text

    def login(self) -> None:
        with LOGINS:
            self._login()

    def _login(self) -> None:
        form = self.page("/accounts/login/", "staff: login form")
        data = dict(HIDDEN.findall(form))
        data.update({"username": self.account["username"], "password": PLAN["password"]})
        with self.client.post(
            "/accounts/login/",
            data=data,
            name="staff: login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused: {_why(response)}")

    # ---- what every officer does

    @task(6)
    def my_queue(self) -> None:
        self.page("/records/", "staff: my queue")

    @task(2)
    def other_queue(self) -> None:
        queue = random.choice(["due-soon", "overdue"])
        self.page(f"/records/queue/{queue}/", "staff: due-soon/overdue queue")

    @task(6)
    def record_page(self) -> None:
        if not self.codes:
            self.my_queue()
            return
        self.page(f"/records/{random.choice(self.codes)}/", "staff: record page")

    @task(1)
    def search(self) -> None:
        code = random.choice(self.codes or [random.choice(_CITIZENS)["code"]])
        self.page(f"/records/search/?q={code}", "staff: search by code")


class Specialist(StaffUser):
    fixed_count = len(_SPECIALISTS)

    def on_start(self) -> None:
        self.account = next(_NEXT_SPECIALIST)
        super().on_start()

    @task(3)
    def unit_queue(self) -> None:
        html = self.page("/records/queue/unit/", "staff: unit queue")
        self.claimable = CLAIM_FORM.findall(html)

    @task(1)
    def claim(self) -> None:
        if not self.claimable or not self.csrf:
            return
        code, step_id = self.claimable.pop(random.randrange(len(self.claimable)))
        with self.client.post(
            f"/records/{code}/claim/",
            data={
                "csrfmiddlewaretoken": self.csrf,
                "expected_step_id": step_id,
                "return_to": "queue_row",
            },
            headers={"HX-Request": "true"},
            name="staff: claim a step",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                COUNTERS["claims"] += 1
            elif response.status_code == 409:
                # another officer claimed it first: the right answer to a race, not an error
                COUNTERS["claim_conflicts"] += 1
                response.success()
            else:
                response.failure(_why(response))


class ReceptionOfficer(StaffUser):
    fixed_count = len(_RECEPTION)

    def on_start(self) -> None:
        self.account = next(_NEXT_RECEPTION)
        self.serial = 0
        super().on_start()

    @task(2)
    def receive(self) -> None:
        if not self.account.get("desk"):
            return
        desk = random.choice(self.account["desk"])
        form = self.page(
            f"/records/intake/?agency={desk['agency']}&procedure={desk['procedure']}",
            "staff: intake form",
        )
        if not form:
            return
        self.serial += 1
        n = random.randrange(10**8)
        data: dict[str, Any] = {
            "csrfmiddlewaretoken": self.csrf,
            "agency": desk["agency"],
            "procedure": desk["procedure"],
            "version": desk["version"],
            "applicant_kind": "person",
            "applicant_name": "Nguyễn Thị Hồng Nhung",
            "applicant_id_number": f"0011{n:08d}",
            "applicant_phone": f"09{n:08d}",
            "applicant_address": "12 Lê Lợi, tỉnh Minh Họa",
            "sets": "1",
            "channel": "direct",
            "return_method": "desk",
            "outcome": "receive",
            "reason": "",
            "extra_items": "",
        }
        for component in desk["components"]:
            data[f"c{component}_submitted"] = "on"
            data[f"c{component}_copy_kind"] = "original"
            data[f"c{component}_quantity"] = "1"
        with self.client.post(
            "/records/intake/",
            data=data,
            name="staff: receive a dossier (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/records/" not in location:
                response.failure(f"intake refused: {_why(response)}")
                return
            COUNTERS["intakes"] += 1
        self.page(location, "staff: record page")


class CitizenUser(HttpUser):
    fixed_count = N_CITIZENS
    wait_time = between(15 * THINK, 45 * THINK)

    def on_start(self) -> None:
        _one_request_per_connection(self)
        # Each citizen has its own address, as seen through the reverse proxy.
        self.client.headers["X-Forwarded-For"] = next(_CLIENT_IPS)
        self.record = random.choice(_CITIZENS)
        COUNTERS["started"] += 1

    @task(5)
    def lookup_qr(self) -> None:
        record = self.record
        self._expect_200(
            self.client.get(
                f"/tra-cuu/{record['code']}?k={record['secret']}",
                name="citizen: lookup page (QR)",
                catch_response=True,
            )
        )

    @task(1)
    def lookup_form(self) -> None:
        form = self.client.get("/tra-cuu/", name="citizen: lookup form")
        token = CSRF.search(form.text)
        record = self.record
        self._expect_200(
            self.client.post(
                "/tra-cuu/",
                data={
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                    "code": record["code"],
                    "proof": record["digits"],
                },
                name="citizen: lookup by phone digits (POST)",
                catch_response=True,
            )
        )

    @staticmethod
    def _expect_200(context: Any) -> None:
        with context as response:
            if response.status_code != 200:
                response.failure(_why(response))


# ---- measurement window ----------------------------------------------------------------------

_STATE: dict[str, Any] = {"written": False}
SERVER_PID = int(os.environ.get("LOAD_SERVER_PID", "0"))
DB_NAME = os.environ.get("LOAD_DB_NAME", "")


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by the gunicorn processes, the PostgreSQL backends of the bench
    database and this locust process: less distorted by a busy machine than response times."""
    ticks = os.sysconf("SC_CLK_TCK")
    server = db = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            ppid, used = int(fields[1]), int(fields[11]) + int(fields[12])
            if SERVER_PID and SERVER_PID in (int(entry), ppid):
                server += used
            elif (
                DB_NAME
                and "(postgres)" in stat
                and DB_NAME in Path(f"/proc/{entry}/cmdline").read_text(errors="replace")
            ):
                db += used
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    me = os.times()
    return {"server": server / ticks, "db": db / ticks, "locust": me.user + me.system}


def summarise(stats: RequestStats, seconds: float) -> dict[str, Any]:
    entries = sorted(stats.entries.values(), key=lambda e: e.name)
    rows = []
    groups: dict[str, StatsEntry] = {}
    for entry in entries:
        if not entry.num_requests:
            continue
        group = entry.name.split(":", 1)[0]
        if group not in groups:
            groups[group] = StatsEntry(stats, f"{group} (all)", "", use_response_times_cache=False)
        groups[group].extend(entry)
        rows.append(_row(entry.name, entry, seconds))
    rows += [_row(entry.name, entry, seconds) for entry in groups.values()]
    rows.append(_row("TOTAL", stats.total, seconds))
    return {"seconds": round(seconds, 1), "rows": rows}


def _row(name: str, entry: StatsEntry, seconds: float) -> dict[str, Any]:
    n = entry.num_requests
    return {
        "name": name,
        "requests": n,
        "failures": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.5) if n else 0,
        "p95": entry.get_response_time_percentile(0.95) if n else 0,
        "p99": entry.get_response_time_percentile(0.99) if n else 0,
        "max": round(entry.max_response_time or 0),
        "rps": round(n / seconds, 1) if seconds else 0,
    }


def _errors(stats: RequestStats) -> list[dict[str, Any]]:
    return [
        {"name": e.name, "error": str(e.error), "occurrences": e.occurrences}
        for e in stats.errors.values()
    ][:20]


def _write(environment: Environment, *, complete: bool) -> None:
    if _STATE["written"]:
        return
    _STATE["written"] = True
    stats = environment.stats
    started = _STATE.get("measure_start")
    now = time.monotonic()
    ramp = _STATE.get("ramp") or {"seconds": 0, "rows": [], "errors": []}
    measured = (
        summarise(stats, now - started) if started else {"seconds": 0, "rows": [], "errors": []}
    )
    if not started:  # the ramp never finished: report it as the ramp
        ramp = summarise(stats, now - _STATE.get("test_start", now))
        ramp["errors"] = _errors(stats)
    measured["errors"] = _errors(stats) if started else []
    measured["complete"] = complete
    if "cpu0" in _STATE:
        cpu = {k: round(v - _STATE["cpu0"][k], 2) for k, v in cpu_seconds().items()}
        n = stats.total.num_requests
        measured["cpu_s"] = cpu
        measured["cpu_ms_per_request"] = {
            k: round(1000 * v / n, 1) if n else 0 for k, v in cpu.items()
        }
    runner = environment.runner
    OUT.write_text(
        json.dumps(
            {
                "users": runner.user_count if runner else 0,
                "ramp": ramp,
                "measured": measured,
                "counters": COUNTERS,
            },
            indent=2,
        )
    )


@events.test_start.add_listener
def _on_test_start(environment: Environment, **_kw: Any) -> None:
    _STATE["test_start"] = time.monotonic()


@events.spawning_complete.add_listener
def _on_spawned(user_count: int, **_kw: Any) -> None:
    environment = _ENV.get("env")
    if environment is None or environment.runner is None:
        return
    if "settling" in _STATE:
        return
    _STATE["settling"] = True

    def measure() -> None:
        # wait until every user has logged in (staff) or started (citizens)
        until = time.monotonic() + SETTLE_MAX
        while COUNTERS["started"] < user_count and time.monotonic() < until:
            gevent.sleep(0.2)
        stats = environment.stats
        ramp = summarise(stats, time.monotonic() - _STATE.get("test_start", time.monotonic()))
        ramp["errors"] = _errors(stats)
        ramp["users_started"] = COUNTERS["started"]
        _STATE["ramp"] = ramp
        stats.reset_all()
        _STATE["cpu0"] = cpu_seconds()
        _STATE["measure_start"] = time.monotonic()
        gevent.sleep(DURATION)
        _write(environment, complete=True)
        environment.runner.quit()  # type: ignore[union-attr]

    gevent.spawn(measure)


_ENV: dict[str, Environment] = {}


@events.init.add_listener
def _on_init(environment: Environment, **_kw: Any) -> None:
    _ENV["env"] = environment


@events.quitting.add_listener
def _on_quitting(environment: Environment, **_kw: Any) -> None:
    _write(environment, complete=False)
