"""Online intake over HTTP: POST /api/v1/inbound/records through gunicorn on PostgreSQL.

    .venv/bin/python bench/api_intake.py [--records 2000] [--gunicorn-workers 4] [--clients 8]

Sets up its own database (``motcua_bench_api``, recreated on every run) with the test world's
agencies and procedures, registers an API client (scope records:submit, no rate limit worth
the name), starts gunicorn on 127.0.0.1, fetches one token and posts ``--records`` online
records from ``--clients`` concurrent HTTP connections, each with its own portal code and an
Idempotency-Key (so each request does the whole idempotency bookkeeping). The call log is on,
as in production. Writes bench/results/api_intake.json.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import DEFAULT_URL, ROOT, print_table, setup_django, write_result  # noqa: E402

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


def body(n: int) -> bytes:
    pdf = base64.b64encode(b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF\n").decode()
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
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
        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            statuses = [
                s for part in pool.map(lambda r: post_range(access, r), chunks) for s in part
            ]
        wall = time.perf_counter() - start
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
        }
    ]
    print_table(rows)
    print(f"wrote {write_result('api_intake', rows)}")


if __name__ == "__main__":
    main()
