"""Online intake over HTTP: POST /api/v1/inbound/records through gunicorn on PostgreSQL.

    .venv/bin/python bench/api_intake.py [--records 2000] [--gunicorn-workers 4] [--clients 8]
                                         [--profile N]

Sets up its own database (``motcua_bench_api``, recreated on every run) with the test world's
agencies and procedures, registers an API client (scope records:submit, no rate limit worth
the name), starts gunicorn on 127.0.0.1, fetches one token and posts ``--records`` online
records from ``--clients`` concurrent HTTP connections, each with its own portal code and an
Idempotency-Key (so each request does the whole idempotency bookkeeping). The call log is on,
as in production. Besides the wall clock, the CPU time of the gunicorn workers and of their
PostgreSQL backends is measured (/proc), which gives what the cores can do when nothing else
runs on them. ``--profile N`` then posts N more records in this process through the Django
test client and prints CPU and statements per request and where the Python time goes.
Writes bench/results/api_intake.json.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import DEFAULT_URL, ROOT, print_table, setup_django, write_result  # noqa: E402

from motcua.documents.tests.scan_files import pdf_of_size  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_API_DATABASE_URL", DEFAULT_URL.rsplit("/", 1)[0] + "/motcua_bench_api"
)
PORT = int(os.environ.get("BENCH_API_PORT", "8765"))


def prepare() -> tuple[str, str]:
    setup_django(DATABASE_URL)
    from motcua.apiaccess import services
    from motcua.records.tests.factories import build_world

    world = build_world()
    client, secret = services.api_client_create(
        actor=None,
        name="Bench portal",
        agencies=[world.justice],
        scopes=["records:submit"],
        rate="1000000/min",
    )
    return client.application.client_id, secret


# A real 2 KB PDF: inbound files are parsed (documents.scans.read_scan), not only sniffed.
_PDF = base64.b64encode(pdf_of_size(2048)).decode()


def body(n: int) -> bytes:
    pdf = _PDF
    return json.dumps(
        {
            "source": "dvcqg",
            "external_code": f"G22.99-BENCH-{n:07d}",
            "agency": "000.00.12.H99",
            "procedure": "2.000488",
            "applicant": {"name": "Trần Văn Bình", "id_number": "001200099999"},
            "submitted_at": "2026-11-26T09:15:00+07:00",
            "documents": [
                {
                    "component_code": "TK",
                    "copy_kind": "electronic",
                    "file": {
                        "name": "to-khai.pdf",
                        "content_type": "application/pdf",
                        "content": pdf,
                    },
                },
                {"component_code": "CC", "copy_kind": "copy"},
            ],
        }
    ).encode()


def token(client_id: str, secret: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    auth = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    conn.request(
        "POST",
        "/oauth/token/",
        urllib.parse.urlencode({"grant_type": "client_credentials"}),
        {"Authorization": f"Basic {auth}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    assert response.status == 200, response.read()
    return json.loads(response.read())["access_token"]


def post_range(access: str, numbers: range) -> list[int]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    statuses = []
    for n in numbers:
        conn.request(
            "POST",
            "/api/v1/inbound/records",
            body(n),
            {
                "Authorization": f"Bearer {access}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"bench-{n}",
            },
        )
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
    return statuses


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` (Linux /proc); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _backends() -> list[int]:
    """The PostgreSQL backends serving the benchmark database (other than this process's)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [int(row[0]) for row in cursor.fetchall()]


def _cpu_snapshot(server_pid: int) -> dict[int, float]:
    return {pid: _cpu_seconds(pid) for pid in [*_children(server_pid), *_backends()]}


def _cpu_used(before: dict[int, float], server_pid: int) -> tuple[float, float]:
    """CPU seconds of the gunicorn workers and of the PostgreSQL backends since ``before``."""
    workers = sum(_cpu_seconds(p) - before.get(p, 0.0) for p in _children(server_pid))
    backends = sum(_cpu_seconds(p) - before.get(p, 0.0) for p in _backends())
    return workers, backends


def profile(client_id: str, secret: str, count: int) -> list[dict[str, Any]]:
    """POST ``count`` records through the Django test client in this process: CPU per request
    (this process and its PostgreSQL backend), statements per request by kind, and the Python
    functions that cost most (cProfile with a CPU-time clock, so other load does not count)."""
    import cProfile
    import io
    import pstats
    from collections import Counter

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from intake import _statement

    client = Client(HTTP_HOST="127.0.0.1")
    auth = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = client.post(
        "/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {auth}"
    )
    assert answer.status_code == 200, answer.content
    access = answer.json()["access_token"]
    numbers = iter(range(20_000_000, 30_000_000))

    def post(n: int) -> None:
        for _ in range(n):
            number = next(numbers)
            response = client.post(
                "/api/v1/inbound/records",
                body(number),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {access}",
                HTTP_IDEMPOTENCY_KEY=f"profile-{number}",
            )
            assert response.status_code == 201, response.content

    post(10)  # warm up
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    python, server = time.process_time(), _cpu_seconds(backend)
    with CaptureQueriesContext(connection) as captured:
        post(count)
    python, server = time.process_time() - python, _cpu_seconds(backend) - server
    by_statement = Counter(_statement(q["sql"]) for q in captured.captured_queries)
    print(f"\nprofile: {count} requests in one process (Django test client)")
    print(
        f"CPU per request: Python {1000 * python / count:.1f} ms, PostgreSQL "
        f"{1000 * server / count:.1f} ms; statements per request: "
        f"{len(captured.captured_queries) / count:.1f}"
    )
    print_table(
        [
            {"statement": name, "per_request": round(n / count, 2)}
            for name, n in by_statement.most_common()
        ]
    )
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    post(count)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
        r"motcua|rest_framework/(serializers|views)|oauth2_provider|django/db/models/query", 30
    )
    print(out.getvalue())
    return [
        {
            "profiled_requests": count,
            "python_cpu_ms": round(1000 * python / count, 2),
            "postgres_cpu_ms": round(1000 * server / count, 2),
            "statements_per_request": round(len(captured.captured_queries) / count, 1),
            "statements": {name: round(n / count, 2) for name, n in by_statement.most_common()},
            "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    load = os.getloadavg()
    client_id, secret = prepare()
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "motcua.conf.dev",
        "DEBUG": "false",
        "DB_CONN_MAX_AGE": "600",
        "MOTCUA_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "motcua.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.gunicorn_workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                access = token(client_id, secret)
                break
            except (ConnectionError, OSError):
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        post_range(access, range(10_000_000, 10_000_000 + 2 * args.clients))  # warm up
        chunks = [range(i, args.records, args.clients) for i in range(args.clients)]
        before = _cpu_snapshot(server.pid)
        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            statuses = [
                s for part in pool.map(lambda r: post_range(access, r), chunks) for s in part
            ]
        wall = time.perf_counter() - start
        workers_cpu, backends_cpu = _cpu_used(before, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    created = sum(1 for s in statuses if s == 201)
    rows = [
        {
            "records": args.records,
            "created_201": created,
            "other_status": len(statuses) - created,
            "gunicorn_workers": args.gunicorn_workers,
            "http_clients": args.clients,
            "seconds": round(wall, 2),
            "records_per_s": round(args.records / wall, 1),
            # CPU per request of the gunicorn workers and of their PostgreSQL backends, and
            # what 2 cores could do on those alone (client threads and the rest excluded).
            "gunicorn_cpu_ms": round(1000 * workers_cpu / args.records, 2),
            "postgres_cpu_ms": round(1000 * backends_cpu / args.records, 2),
            "cpu_bound_per_s": round(
                (os.cpu_count() or 1) * args.records / max(workers_cpu + backends_cpu, 1e-9), 1
            ),
            "load_average": " ".join(f"{x:.2f}" for x in load),
        }
    ]
    print_table(rows)
    if args.profile:
        rows += profile(client_id, secret, args.profile)
    print(f"wrote {write_result('api_intake', rows)}")


if __name__ == "__main__":
    main()
