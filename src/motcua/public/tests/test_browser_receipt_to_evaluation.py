"""In Chromium (Playwright, Debian's /usr/bin/chromium): the QR code of a generated receipt is
decoded, its URL opened on a phone-sized screen, the evaluation reached from the lookup page
and submitted; the Evaluation row is then in the database.

The server is Django's live server thread sharing the test's database connection (see
``_SharedConnectionServer``) rather than pytest-django's ``live_server``, which needs a
transactional test and a flush of every table afterwards; the flush is refused on PostgreSQL by
the audit log's append-only trigger.

Never skipped: ``make test`` installs Chromium first (tools/ensure-chromium)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from django.test.testcases import LiveServerThread

from motcua.evaluation.models import Evaluation
from motcua.evaluation.tests.factories import finished_record
from motcua.records.documents import receipt_pdf
from motcua.records.tests.factories_documents import qr_codes, render

pytestmark = [pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _KeepConnectionServer(ThreadedWSGIServer):
    def _close_connections(self) -> None:
        """The shared test connection must stay open after each request."""


class _SharedConnectionServer(LiveServerThread):
    """Django's live server thread, serving with the test's own database connection (as Django
    does for in-memory SQLite) so that the test stays inside its transaction: nothing is
    committed and no table is flushed afterwards, on SQLite and PostgreSQL alike. Pages are
    requested one at a time by the test; static files never touch the database."""

    server_class = _KeepConnectionServer

    def run(self) -> None:
        for alias, conn in (self.connections_override or {}).items():
            connections[alias] = conn
        try:
            handler = self.static_handler(WSGIHandler())
            self.httpd = self._create_server(connections_override=self.connections_override)
            if self.port == 0:
                self.port = self.httpd.server_address[1]
            self.httpd.set_app(handler)
            self.is_ready.set()
            self.httpd.serve_forever()
        except Exception as error:  # pragma: no cover - reported by the fixture
            self.error = error
            self.is_ready.set()


@pytest.fixture
def live_url(db: None) -> Iterator[str]:
    shared = connections["default"]  # the wrapper itself, not the thread-local proxy
    shared.inc_thread_sharing()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    server = _SharedConnectionServer(
        "127.0.0.1", StaticFilesHandler, connections_override={"default": shared}
    )
    server.daemon = True
    server.start()
    server.is_ready.wait()
    try:
        if server.error:
            raise server.error
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.terminate()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        shared.dec_thread_sharing()


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright. While Playwright runs, its event loop makes the
    main thread look asynchronous: Django would hand the ORM a different connection (outside the
    test's transaction), so the test touches the database only before and after this block."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: run tools/ensure-chromium"
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_receipt_qr_to_a_submitted_evaluation_on_a_phone(live_url, settings, world):
    settings.MOTCUA_PUBLIC_BASE_URL = live_url
    record = finished_record(world)
    (url,) = qr_codes(render(receipt_pdf(record), scale=3.0))
    assert url == f"{live_url}/tra-cuu/{record.code}?k={record.lookup_secret}"

    code = record.code
    with chromium() as browser:
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        response = page.goto(url)
        assert response is not None and response.status == 200
        assert code in page.inner_text(".c-facts")
        # readable on a phone: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        page.click(".c-cta a")
        page.wait_for_selector("form.c-evaluation")
        assert "/danh-gia/" in page.url
        for number, score in ((5, 2), (6, 2), (7, 1), (8, 2), (9, 2)):
            page.check(f"input[name=c{number}][value='{score}']")
        page.check("input[name=satisfaction][value=very_satisfied]")
        page.fill("textarea[name=comment]", "Nhanh gọn, cán bộ hướng dẫn tận tình")
        page.click("form.c-evaluation button[type=submit]")
        page.wait_for_selector("[data-evaluation]")
        context.close()

    evaluation = Evaluation.objects.get(record=record)
    assert evaluation.channel == "qr"
    assert evaluation.satisfaction == "very_satisfied"
    assert evaluation.scores() == {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 1, 8: 2, 9: 2}
    assert evaluation.total == 17
    assert evaluation.comment == "Nhanh gọn, cán bộ hướng dẫn tận tình"
