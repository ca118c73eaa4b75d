"""The access log keeps no query-string values: QR lookup secrets and searched ID numbers stay
out of it (motcua.core.access_log, used by the gunicorn command of docs/deployment.md)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from motcua.core.access_log import mask_query, mask_url

SECRET = "kS3cr3tFromTheQrCode"
ID_NUMBER = "079190001234"


def app(environ, start_response):  # a WSGI application for the gunicorn below
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_values_are_hidden_and_names_kept():
    assert mask_query("k=abc&q=0791&page=2") == "k=***&q=***&page=***"
    assert mask_query("flag&empty=") == "flag&empty=***"
    assert mask_query("") == ""
    assert mask_url("/tra-cuu/X-1?k=abc#top") == "/tra-cuu/X-1?k=***"
    assert mask_url("https://h/records/?q=Nguy%E1%BB%85n") == "https://h/records/?q=***"
    assert mask_url("/no/query") == "/no/query"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gunicorn_log(tmp_path: Path, path: str, headers: dict[str, str], **env: str) -> str:
    """The access log gunicorn (with PrivacyLogger) writes for a request of ``path``."""
    tmp_path.mkdir(exist_ok=True)
    port = _free_port()
    log = tmp_path / "access.log"
    gunicorn = subprocess.Popen(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "motcua.core.tests.test_access_log:app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--logger-class",
            "motcua.core.access_log.PrivacyLogger",
            "--access-logfile",
            str(log),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **env},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/ping", timeout=1).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
        assert urllib.request.urlopen(request, timeout=5).read() == b"ok"  # noqa: S310
        for _ in range(50):
            if "tra-cuu" in log.read_text():
                break
            time.sleep(0.1)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=10)
    return log.read_text()


def test_gunicorn_writes_no_secret_and_no_id_number(tmp_path: Path):
    text = _gunicorn_log(
        tmp_path,
        f"/tra-cuu/000.00.12.H99-250421-0001?k={SECRET}&q={ID_NUMBER}",
        {"Referer": f"http://127.0.0.1/records/?q={ID_NUMBER}"},
    )
    assert "/tra-cuu/000.00.12.H99-250421-0001?k=***&q=***" in text
    assert "/records/?q=***" in text  # the referer
    assert SECRET not in text
    assert ID_NUMBER not in text


def _line(log: str, path: str) -> str:
    return next(line for line in log.splitlines() if path in line)


def test_the_logged_address_is_the_client_address_of_the_application(tmp_path: Path):
    """The same address as the lockout, audit log and rate limits (motcua.core.client_address):
    behind one trusted proxy the one it appended, never the one the client wrote on the left."""
    headers = {"X-Forwarded-For": "6.6.6.6, 192.0.2.9"}
    off = _gunicorn_log(tmp_path, "/tra-cuu/X", headers)
    assert _line(off, "/tra-cuu/X").startswith("127.0.0.1 ")
    assert "6.6.6.6" not in off and "192.0.2.9" not in off
    text = _gunicorn_log(tmp_path / "proxy", "/tra-cuu/X", headers, MOTCUA_TRUSTED_PROXIES="1")
    assert _line(text, "/tra-cuu/X").startswith("192.0.2.9 ")
    assert "6.6.6.6" not in text
