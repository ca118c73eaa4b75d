"""tools/audit-deps against a fake OSV service on 127.0.0.1: clean, vulnerable, unreachable
(a distinct exit code, or 0 with the warning when MOTCUA_AUDIT_OFFLINE_OK=1) and bad input."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pip_audit")

ROOT = Path(__file__).resolve().parents[4]
TOOL = ROOT / "tools" / "audit-deps"
VULN = {
    "id": "GHSA-test-0001",
    "aliases": ["CVE-2099-0001"],
    "summary": "A test vulnerability",
    "affected": [
        {
            "package": {"name": "django", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "5.2.99"}]}],
        }
    ],
}


class FakeOSV(BaseHTTPRequestHandler):
    vulnerable: set[str] = set()
    queried: list[str] = []

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name = query["package"]["name"]
        type(self).queried.append(name)
        body = json.dumps({"vulns": [VULN]} if name in self.vulnerable else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def osv() -> Iterator[str]:
    FakeOSV.vulnerable = set()
    FakeOSV.queried = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOSV)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1/query"
    server.shutdown()
    server.server_close()


def _run(tmp_path: Path, url: str, pins: str, **env: str) -> subprocess.CompletedProcess[str]:
    requirements = tmp_path / "pinned.txt"
    requirements.write_text(pins)
    return subprocess.run(
        [str(TOOL), "--requirements", str(requirements)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "MOTCUA_AUDIT_OSV_URL": url,
            "MOTCUA_AUDIT_OFFLINE_OK": "0",
            "MOTCUA_AUDIT_TIMEOUT": "5",
            **env,
        },
        check=False,
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_clean_dependencies_pass(tmp_path, osv):
    result = _run(tmp_path, osv, "Django==5.2.1\nrequests==2.32.3\n")
    assert result.returncode == 0, result.stderr
    assert "no known vulnerability in 2 pinned dependencies" in result.stdout
    assert {"django", "requests"} <= set(FakeOSV.queried)


def test_a_vulnerability_fails_and_names_the_fix(tmp_path, osv):
    FakeOSV.vulnerable = {"django"}
    result = _run(tmp_path, osv, "Django==5.2.1\nrequests==2.32.3\n")
    assert result.returncode == 1
    line = next(x for x in result.stdout.splitlines() if x.startswith("VULNERABLE:"))
    assert line.startswith("VULNERABLE: django 5.2.1: ")
    assert "GHSA-test-0001" in line
    assert "CVE-2099-0001" in line
    assert line.endswith("fixed in 5.2.99")
    assert "requests" not in result.stdout.replace("pinned dependencies", "")


def test_unreachable_service_is_not_reported_as_clean(tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}/v1/query"
    result = _run(tmp_path, url, "Django==5.2.1\n")
    assert result.returncode == 3
    assert "NOT CHECKED: vulnerability service unreachable" in result.stderr
    assert "no known vulnerability" not in result.stdout


def test_offline_ok_exits_zero_with_the_warning(tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}/v1/query"
    result = _run(tmp_path, url, "Django==5.2.1\n", MOTCUA_AUDIT_OFFLINE_OK="1")
    assert result.returncode == 0
    assert "NOT CHECKED: vulnerability service unreachable" in result.stderr
    assert "NOT audited" in result.stderr


def test_an_unpinned_line_is_refused_before_any_query(tmp_path, osv):
    result = _run(tmp_path, osv, "Django==5.2.1\nrequests>=2\n")
    assert result.returncode == 2
    assert "not pinned" in result.stderr
    assert "requests>=2" in result.stderr
    assert FakeOSV.queried == []


def test_the_project_itself_is_not_audited(tmp_path, osv):
    result = _run(tmp_path, osv, "motcua==0.1.0\nDjango==5.2.1\n")
    assert result.returncode == 0, result.stderr
    assert "motcua" not in FakeOSV.queried
