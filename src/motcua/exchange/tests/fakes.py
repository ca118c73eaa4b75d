"""Small fake servers on 127.0.0.1 that speak the protocols, started by the tests.

They implement the receiving side independently of our code (their own HMAC check), so the
tests exercise the real client over real sockets. ``stop()`` closes the socket (connection
refused) and ``start()`` reopens it on the same port; ``mode = "500"`` answers errors.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


class FakeServer:
    def __init__(self) -> None:
        self.port = 0
        self.mode = "ok"
        self.lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.requests = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handle(self, path: str, headers: Any, body: bytes) -> tuple[int, bytes]:
        raise NotImplementedError

    def start(self) -> FakeServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without TCP_NODELAY the second waits for
            # the client's delayed ACK (40 ms per request).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with owner.lock:
                    owner.requests += 1
                if owner.mode == "500":
                    status, answer = 500, b'{"error":"down for maintenance"}'
                else:
                    status, answer = owner.handle(self.path, self.headers, body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self._httpd = _Server(("127.0.0.1", self.port), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


class WebhookReceiver(FakeServer):
    """Verifies X-Motcua-Signature = HMAC-SHA256(secret, "<timestamp>.<body>") with a replay
    window, de-duplicates by X-Motcua-Event-Id, remembers the order per record and notices two
    deliveries of the same event in flight at once."""

    def __init__(self, secret: str, *, window: int = 300, delay: float = 0.0) -> None:
        super().__init__()
        self.secret = secret
        self.window = window
        self.delay = delay
        self.events: dict[str, dict[str, Any]] = {}
        self.order_by_record: dict[int, list[int]] = {}
        self.arrivals: Counter[str] = Counter()
        self.rejected = 0
        self.in_flight: set[str] = set()
        self.concurrent: list[str] = []
        self.first_request = threading.Event()

    def handle(self, path: str, headers: Any, body: bytes) -> tuple[int, bytes]:
        self.first_request.set()
        event_id = headers.get("X-Motcua-Event-Id", "")
        timestamp = headers.get("X-Motcua-Timestamp", "")
        signature = headers.get("X-Motcua-Signature", "")
        expected = hmac.new(
            self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= self.window
        if not (fresh and hmac.compare_digest(expected, signature)):
            with self.lock:
                self.rejected += 1
            return 401, b'{"error":"bad signature"}'
        with self.lock:
            if event_id in self.in_flight:
                self.concurrent.append(event_id)
            self.in_flight.add(event_id)
            self.arrivals[event_id] += 1
        try:
            if self.delay:
                time.sleep(self.delay)
            document = json.loads(body)
            assert document["id"] == event_id
            with self.lock:
                if event_id not in self.events:  # de-duplicate by event id
                    self.events[event_id] = document
                    record_id = document["record"]["id"]
                    self.order_by_record.setdefault(record_id, []).append(document["sequence"])
        finally:
            with self.lock:
                self.in_flight.discard(event_id)
        return 200, b'{"ok":true}'

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in self.arrivals.values())


DATE = re.compile(r"^\d{14}$")
RECORD_FIELDS = {
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "ChuHoSo",
    "LoaiDoiTuong",
    "SoDienThoai",
    "Email",
    "TrichYeuHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "TrangThaiHoSo",
    "NgayTra",
    "NgayKetThucXuLy",
    "DonViXuLy",
    "HinhThuc",
    "KenhThucHien",
    "DanhSachLePhi",
    "DanhSachHoSoBoSung",
}
PROGRESS_FIELDS = {
    "MaHoSo",
    "NguoiXuLy",
    "ChucDanh",
    "ThoiDiemXuLy",
    "PhongBanXuLy",
    "NoiDungXuLy",
    "TrangThai",
    "NgayBatDau",
    "NgayKetThucTheoQuyDinh",
}


class FakeNationalPortal(FakeServer):
    """Session auth (POST {username, password} → session, error_code 0) and the services
    DongBoHoSoMC / CapNhatTienDoHoSoMC (error_code "00"); an unknown or expired session answers
    error_code "-1". Requests with missing fields or malformed dates are refused ("02")."""

    def __init__(self, *, username: str = "tinh99", password: str = "mat-khau-99") -> None:  # noqa: S107
        super().__init__()
        self.username = username
        self.password = password
        self.sessions: set[str] = set()
        self.logins = 0
        self.records: dict[str, dict[str, Any]] = {}
        self.updates: list[tuple[str, str]] = []  # (MaHoSo, isUpdating)
        self.progress: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.refused: list[str] = []
        self.madonvi: list[str] = []

    def expire_sessions(self) -> None:
        with self.lock:
            self.sessions.clear()

    def handle(self, path: str, headers: Any, body: bytes) -> tuple[int, bytes]:
        payload = json.loads(body)
        if path == "/api/auth":
            if (
                payload.get("username") == self.username
                and payload.get("password") == self.password
            ):
                token = uuid.uuid4().hex
                with self.lock:
                    self.sessions.add(token)
                    self.logins += 1
                return 200, json.dumps({"session": token, "error_code": 0}).encode()
            return 200, b'{"error_code": 1, "message": "Sai ten dang nhap hoac mat khau"}'
        if path != "/api/service":
            return 404, b'{"error_code": "404"}'
        with self.lock:
            if payload.get("session") not in self.sessions:
                return 200, b'{"error_code": "-1", "message": "Phien dang nhap het han"}'
        service = payload.get("service")
        rows = payload.get("data")
        with self.lock:
            self.calls.append(service)
            self.madonvi.append(payload.get("madonvi"))
        problem = self._check(service, payload, rows)
        if problem:
            with self.lock:
                self.refused.append(problem)
            return 200, json.dumps({"error_code": "02", "message": problem}).encode()
        with self.lock:
            for row in rows:
                if service == "DongBoHoSoMC":
                    self.records[row["MaHoSo"]] = row
                    self.updates.append((row["MaHoSo"], payload["isUpdating"]))
                else:
                    self.progress.append(row)
        return 200, b'{"error_code": "00", "message": "Thanh cong"}'

    @staticmethod
    def _check(service: str, payload: dict[str, Any], rows: Any) -> str:
        if service not in ("DongBoHoSoMC", "CapNhatTienDoHoSoMC"):
            return f"unknown service {service}"
        if not isinstance(rows, list) or not rows:
            return "data must be a non-empty list"
        fields = RECORD_FIELDS if service == "DongBoHoSoMC" else PROGRESS_FIELDS
        if service == "DongBoHoSoMC" and payload.get("isUpdating") not in ("True", "False"):
            return "isUpdating must be True or False"
        for row in rows:
            missing = fields - set(row)
            if missing:
                return f"missing {sorted(missing)}"
            for key, value in row.items():
                is_date = key.startswith("Ngay") or key == "ThoiDiemXuLy"
                if is_date and value and not (isinstance(value, str) and DATE.match(value)):
                    return f"bad date {key}={value!r}"
            if service == "DongBoHoSoMC" and row["TrangThaiHoSo"] not in range(1, 11):
                return "TrangThaiHoSo must be 1-10"
        return ""
