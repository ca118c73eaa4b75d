"""Morning peak (issue 7): staff working their queues and receiving dossiers while citizens look
up their records, over HTTP through gunicorn on PostgreSQL, driven by locust.

    make install-bench                           # locust (not in the dev extra), from uv.lock
    .venv/bin/python bench/load.py --users-staff 200 --users-citizens 500 --duration 60

Steps:
1. recreate ``motcua_bench_load`` (``BENCH_LOAD_DATABASE_URL``), migrate, seed it with
   ``seed.seed`` (demo organisations and catalogue, ``--records`` records with their steps,
   events, lookup secrets and phones), then add 200 staff accounts (or ``--users-staff`` if
   more) where the work is (see ``_staff``). ``--reuse`` skips this step and uses the database
   and the plan (/tmp/motcua_bench_load_plan.json) of the last run;
2. start gunicorn on 127.0.0.1 (gthread, ``--workers`` x ``--threads``) with DEBUG off;
3. run ``bench/locustfile.py`` headless: the users start at ``--spawn-rate`` per second, the
   staff log in through the login form (``--login-concurrency`` at a time); once every user
   has started and logged in (at most ``--settle-max`` s after the last start) the statistics
   are reset and ``--duration`` seconds are measured (the ramp is reported separately);
4. print the tables, write ``bench/results/<--result>.json`` (default ``load``), stop gunicorn.

Bounded: locust runs at most ramp + settle-max + duration + ``--margin`` seconds and is killed
30 s after that; gunicorn (its whole process group) is stopped in every case.

Settings of the server, and why (docs/performance.md):
- ``motcua.conf.dev`` with ``DEBUG=false`` as the other benchmarks (production settings demand
  HTTPS: secure cookies are not sent over plain http to 127.0.0.1); ``MOTCUA_REQUIRE_2FA=false``
  (a load test cannot type TOTP codes); connections kept (``DB_CONN_MAX_AGE=600``);
- citizens' lookups are rate limited per client address and per record code: every locust user
  connects from 127.0.0.1, so each citizen sends its own ``X-Forwarded-For`` address
  (``MOTCUA_TRUSTED_PROXIES=1``, as behind the reverse proxy) and the limits are raised
  (``MOTCUA_LOOKUP_LIMIT_PER_IP`` / ``_PER_CLIENT_CODE`` / ``_PER_CODE``) so that no lookup is
  refused with 429 by design; the limiter's three upserts (and the give-back of a found record)
  still run on every lookup.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import DEFAULT_URL, RESULTS, ROOT, machine, print_table  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_LOAD_DATABASE_URL", DEFAULT_URL.rsplit("/", 1)[0] + "/motcua_bench_load"
)
PASSWORD = "Bench-load-2026!"  # noqa: S105 - benchmark accounts in a throw-away database
STAFF_PREFIX = "load."
# what the locust users need (accounts, desk forms, records to look up); kept for --reuse
PLAN_PATH = Path(tempfile.gettempdir()) / "motcua_bench_load_plan.json"


# ---- 1. database ----------------------------------------------------------------------------


def _server_env() -> dict[str, str]:
    return {
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "motcua.conf.dev",
        "DEBUG": "false",
        "MOTCUA_REQUIRE_2FA": "false",
        "DB_CONN_MAX_AGE": "600",
        "MOTCUA_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
        "MOTCUA_TRUSTED_PROXIES": "1",
        "MOTCUA_LOOKUP_LIMIT_PER_IP": "1000000",
        "MOTCUA_LOOKUP_LIMIT_PER_CLIENT_CODE": "1000000",
        "MOTCUA_LOOKUP_LIMIT_PER_CODE": "1000000",
    }


def _spread(total: int, weights: dict[Any, int]) -> dict[Any, int]:
    """``total`` shared out in proportion to ``weights``, at least one each (largest first)."""
    keys = sorted(weights, key=lambda k: -weights[k])[:total]
    whole = sum(weights[k] for k in keys)
    shares = {k: max(1, weights[k] * total // whole) for k in keys}
    for k in itertools.cycle(keys):
        if sum(shares.values()) >= total:
            break
        shares[k] += 1
    while sum(shares.values()) > total:
        k = max(shares, key=lambda k: shares[k])
        shares[k] -= 1
    return shares


def _staff(count: int) -> list[dict[str, Any]]:
    """``count`` accounts where the work is: one in four a reception officer at a desk that
    receives records (the Center, the communes; in proportion to the records received there),
    the others specialists of the units that hold active specialist steps (in proportion to
    them). In each unit, 60 % of its active specialist steps are claimed by its specialists in
    turn ("My queue"), the rest wait in the unit's queue. Returns what each locust user needs
    (username, role, desk forms for reception officers), reception and specialists interleaved
    so that the first N accounts keep the mix."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.db.models import Count

    from motcua.core.models import User
    from motcua.organisations.models import OrgUnit, Role, StaffRole
    from motcua.records.models import Record, RecordStep

    desks = {
        row["agency_id"]: row["n"]
        for row in Record.objects.values("agency_id").annotate(n=Count("id"))
    }
    units = {
        (row["agency_id"], row["unit_id"]): row["n"]
        for row in RecordStep.objects.filter(state="active", role=Role.SPECIALIST)
        .values("agency_id", "unit_id")
        .annotate(n=Count("id"))
    }
    receptionists = max(1, (count + 3) // 4)
    seats = [
        (Role.RECEPTION, agency, OrgUnit.objects.filter(agency_id=agency, code="MC").first())
        for agency, n in _spread(receptionists, desks).items()
        for _ in range(n)
    ]
    specialists = [
        (Role.SPECIALIST, agency, OrgUnit.objects.get(pk=unit))
        for (agency, unit), n in _spread(count - receptionists, units).items()
        for _ in range(n)
    ]
    random.Random(7).shuffle(seats)
    random.Random(8).shuffle(specialists)
    # interleave: one reception officer, then three specialists
    order = []
    while seats or specialists:
        if seats:
            order.append(seats.pop())
        for _ in range(3):
            if specialists:
                order.append(specialists.pop())
    password = make_password(PASSWORD)  # one hash for all: 200 x PBKDF2 would take minutes
    accounts: list[dict[str, Any]] = []
    by_unit: dict[int, list[int]] = {}
    with transaction.atomic():
        for n, (role, agency, unit) in enumerate(order, start=1):
            user = User.objects.create(
                username=f"{STAFF_PREFIX}{role}.{n:03d}",
                full_name=f"Cán bộ thử tải {n:03d}",
                email=f"{STAFF_PREFIX}{n:03d}@bench.invalid",
                password=password,
            )
            StaffRole.objects.create(user=user, agency_id=agency, unit=unit, role=role)
            accounts.append({"username": user.username, "role": role})
            if role == Role.SPECIALIST and unit is not None:
                by_unit.setdefault(unit.pk, []).append(user.pk)
        with connection.cursor() as cur:
            for unit_id, owners in by_unit.items():
                cur.execute(
                    "UPDATE records_recordstep SET assignee_id = NULL WHERE state = 'active' "
                    "AND unit_id = %s AND role = %s",
                    [unit_id, Role.SPECIALIST],
                )
                for k, owner in enumerate(owners):
                    cur.execute(
                        "UPDATE records_recordstep SET assignee_id = %s WHERE state = 'active' "
                        "AND unit_id = %s AND role = %s AND id %% 10 < 6 AND (id / 10) %% %s = %s",
                        [owner, unit_id, Role.SPECIALIST, len(owners), k],
                    )
    for account in accounts:
        if account["role"] == Role.RECEPTION:
            account["desk"] = _desk(account["username"])
    return accounts


_DESKS: dict[str, list[dict[str, Any]]] = {}


def _desk(username: str) -> list[dict[str, Any]]:
    """The intake forms a reception officer can fill: agency, procedure, version, components.
    Shared between the officers of one desk (computed once per agency)."""
    from motcua.catalogue.selectors import current_from_prefetch, procedures_at_agency
    from motcua.core.models import User
    from motcua.records.selectors_ui import desk_agencies

    user = User.objects.get(username=username)
    agency = desk_agencies(user=user)[0]
    if agency.code in _DESKS:
        return _DESKS[agency.code]
    forms = []
    for procedure in procedures_at_agency(user=user, agency=agency):
        version = current_from_prefetch(procedure)
        if version is None or version.implementing_agencies.count() > 1:
            continue  # several settling agencies: the form asks for one (kept simple)
        forms.append(
            {
                "agency": agency.pk,
                "procedure": procedure.pk,
                "version": version.pk,
                "components": [c.pk for c in version.components.order_by("order")],
            }
        )
    _DESKS[agency.code] = forms[:20]
    return _DESKS[agency.code]


def _citizens(sample: int) -> list[dict[str, str]]:
    """Records a citizen can look up: code, receipt secret, last four digits of the phone.
    Two in three are open (people ask about what is still in progress)."""
    from django.db import connection

    with connection.cursor() as cur:
        rows = []
        for is_open, share in ((True, 2 / 3), (False, 1 / 3)):
            cur.execute(
                "SELECT code, lookup_secret, right(applicant_phone, 4) FROM records_record "
                "WHERE (finished_at IS NULL) = %s AND received_at IS NOT NULL "
                "ORDER BY random() LIMIT %s",
                [is_open, int(sample * share)],
            )
            rows += cur.fetchall()
    return [{"code": c, "secret": s, "digits": d} for c, s, d in rows]


def prepare(args: argparse.Namespace, plan_path: Path) -> dict[str, Any]:
    from common import setup_django

    t0 = time.perf_counter()
    if args.reuse and plan_path.exists():
        os.environ.update({"DATABASE_URL": DATABASE_URL, "DEBUG": "false"})
        print(f"reusing {DATABASE_URL} and {plan_path}")
        return json.loads(plan_path.read_text())
    setup_django(DATABASE_URL, fresh=True)
    from seed import seed

    print(f"seeding {args.records:,} records ...", flush=True)
    seed_rows = seed(records=args.records, open_share=args.open_share)
    accounts = _staff(max(args.users_staff, 200))
    plan = {
        "password": PASSWORD,
        "staff": accounts,
        "citizens": _citizens(args.lookup_sample),
        "seed": seed_rows[0],
        "prepared_in_s": round(time.perf_counter() - t0, 1),
    }
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    print(f"prepared in {plan['prepared_in_s']} s: {len(accounts)} staff accounts")
    return plan


# ---- 2. server ------------------------------------------------------------------------------


def start_server(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "motcua.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--worker-class",
            "gthread",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        env={**os.environ, **_server_env()},
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(  # noqa: S310 - our own server on 127.0.0.1
                f"http://127.0.0.1:{args.port}/healthz", timeout=5
            ):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited at start") from None
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process we started, and its children (its own session)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# ---- 3. locust ------------------------------------------------------------------------------


def run_locust(args: argparse.Namespace, plan_path: Path, out: Path, server_pid: int) -> int:
    users = args.users_staff + args.users_citizens
    ramp = users / args.spawn_rate
    hard_limit = ramp + args.settle_max + args.duration + args.margin
    env = {
        **os.environ,
        "LOAD_PLAN": str(plan_path),
        "LOAD_OUT": str(out),
        "LOAD_STAFF": str(args.users_staff),
        "LOAD_CITIZENS": str(args.users_citizens),
        "LOAD_DURATION": str(args.duration),
        "LOAD_SETTLE_MAX": str(args.settle_max),
        "LOAD_THINK_SCALE": str(args.think_scale),
        "LOAD_LOGIN_CONCURRENCY": str(args.login_concurrency),
        "LOAD_SERVER_PID": str(server_pid),
        "LOAD_DB_NAME": DATABASE_URL.rsplit("/", 1)[1],
    }
    locust = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(args.spawn_rate),
            # locust's own limit (the locustfile stops earlier: ramp + duration)
            "--run-time",
            f"{int(hard_limit)}s",
            "--stop-timeout",
            "5",
            "--host",
            f"http://127.0.0.1:{args.port}",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        return locust.wait(timeout=hard_limit + 30)
    except subprocess.TimeoutExpired:
        print("locust did not stop in time: killed", file=sys.stderr)
        stop(locust)
        return 124
    finally:
        stop(locust)


# ---- 4. report ------------------------------------------------------------------------------


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def table(stats: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in stats["rows"]:
        rows.append(
            {
                "endpoint": row["name"],
                "requests": row["requests"],
                "failures": row["failures"],
                "p50_ms": row["p50"],
                "p95_ms": row["p95"],
                "p99_ms": row["p99"],
                "max_ms": row["max"],
                "rps": row["rps"],
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users-staff", type=int, default=200)
    parser.add_argument("--users-citizens", type=int, default=500)
    parser.add_argument("--duration", type=int, default=60, help="measured seconds")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per s")
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--open-share", type=float, default=0.25)
    parser.add_argument("--lookup-sample", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_LOAD_PORT", 8766)))
    parser.add_argument(
        "--settle-max",
        type=int,
        default=180,
        help="at most this many seconds after the last start to wait for the logins",
    )
    parser.add_argument("--margin", type=int, default=30, help="seconds allowed past the run")
    parser.add_argument("--login-concurrency", type=int, default=2, help="logins in flight at once")
    parser.add_argument(
        "--think-scale", type=float, default=1.0, help="multiplies the think times (smoke only)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database seeded last")
    parser.add_argument("--result", default="load", help="bench/results/<RESULT>.json")
    args = parser.parse_args()
    if args.users_staff < 1 or args.users_citizens < 0 or args.duration < 1:
        parser.error("need at least one staff user and a positive duration")

    work = Path(tempfile.mkdtemp(prefix="motcua-load-"))
    plan_path = PLAN_PATH
    plan = prepare(args, plan_path)
    if len(plan["staff"]) < args.users_staff:
        raise SystemExit(f"the seeded database has {len(plan['staff'])} staff accounts")
    load_before = _load_average()
    out = work / "stats.json"
    server = start_server(args)
    try:
        code = run_locust(args, plan_path, out, server.pid)
    finally:
        stop(server)
    stats_text = out.read_text() if out.exists() else ""
    shutil.rmtree(work, ignore_errors=True)
    load_after = _load_average()
    if not stats_text:
        raise SystemExit(f"locust wrote no statistics (exit code {code})")
    stats = json.loads(stats_text)
    measured = stats["measured"]
    rows = table(measured)
    print(f"\nRamp ({stats['ramp']['seconds']} s, logins included):")
    print_table(table(stats["ramp"]))
    started = stats["ramp"].get("users_started", stats["users"])
    pending = (
        ""
        if started >= stats["users"]
        else f" ({stats['users'] - started} staff still logging in when it started)"
    )
    print(f"\nMeasured {measured['seconds']} s, {stats['users']} users running{pending}:")
    print_table(rows)
    total = next(r for r in measured["rows"] if r["name"] == "TOTAL")
    verdict = total["failures"] == 0 and total["p95"] < 500
    per_request = measured.get("cpu_ms_per_request")
    if per_request:
        busy = per_request["server"] + per_request["db"]
        cores = os.cpu_count() or 1
        print(
            f"\nCPU per request: gunicorn {per_request['server']} ms + PostgreSQL "
            f"{per_request['db']} ms (+ locust {per_request['locust']} ms): at most "
            f"{1000 * cores / busy:.0f} requests/s on {cores} free cores (offered here: "
            f"{total['rps']}/s)"
        )
    print(
        f"\nload average before/after (1, 5, 15 min): {load_before} / {load_after} "
        f"on {os.cpu_count()} cores; target (0 failures, p95 < 500 ms): "
        f"{'met' if verdict else 'NOT met'}"
    )
    result = {
        "benchmark": "load",
        "at": datetime.now(UTC).isoformat(),
        "machine": {**machine(), "ram": _ram()},
        "load_average_before": load_before,
        "load_average_after": load_after,
        "settings": {
            "users_staff": args.users_staff,
            "users_citizens": args.users_citizens,
            "duration_s": args.duration,
            "spawn_rate": args.spawn_rate,
            "think_scale": args.think_scale,
            "login_concurrency": args.login_concurrency,
            "gunicorn": f"gthread, {args.workers} workers x {args.threads} threads",
            "records": plan["seed"].get("records"),
            "server_env": _server_env() | {"DATABASE_URL": DATABASE_URL},
        },
        "target_met": verdict,
        "users_started_before_measuring": started,
        "locust_exit_code": code,
        "ramp": stats["ramp"],
        "measured": measured,
        "counters": stats.get("counters", {}),
        "rows": rows,
    }
    path = RESULTS / f"{args.result}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"wrote {path}")


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


if __name__ == "__main__":
    random.seed(7)
    main()
