"""In Chromium (Playwright, Debian's /usr/bin/chromium): the QR code of a generated receipt is
decoded, its URL opened on a phone-sized screen, the evaluation reached from the lookup page
and submitted; the Evaluation row is then in the database.

Never skipped: ``make test`` installs Chromium first (tools/ensure-chromium)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.evaluation.models import Evaluation
from motcua.evaluation.tests.factories import finished_record
from motcua.records.documents import receipt_pdf
from motcua.records.tests.factories_documents import qr_codes, render

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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


@pytest.fixture
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: run tools/ensure-chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_receipt_qr_to_a_submitted_evaluation_on_a_phone(live_server, settings, world, browser):
    settings.MOTCUA_PUBLIC_BASE_URL = live_server.url
    record = finished_record(world)
    (url,) = qr_codes(render(receipt_pdf(record), scale=3.0))
    assert url == f"{live_server.url}/tra-cuu/{record.code}?k={record.lookup_secret}"

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    response = page.goto(url)
    assert response is not None and response.status == 200
    assert record.code in page.inner_text(".c-facts")
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
