"""In Chromium: a staff member signs in and opens the main pages (work desk, queues, a record,
the intake desk, the dashboard and the settlement report, the account pages, the citizen lookup
and the transparency page, Swagger UI) under the site's Content-Security-Policy; any CSP
violation (console message or ``securitypolicyviolation`` event) fails the test.

Same live server and Chromium as the receipt-to-evaluation browser test."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.organisations.models import Role, StaffRole
from motcua.public.tests.test_browser_receipt_to_evaluation import chromium, live_url
from motcua.records.tests.factories import build_world, receive

pytestmark = [pytest.mark.browser]
__all__ = ["live_url"]  # the fixture, imported for this module

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


def test_the_whole_ui_works_under_the_csp(live_url):
    world = build_world()
    user = world.reception
    StaffRole.objects.create(user=user, agency=world.justice, unit=None, role=Role.AGENCY_LEADER)
    record = receive(world)
    pages = [
        "/",
        "/records/",
        "/records/queue/unit/",
        f"/records/{record.code}/",
        "/records/intake/",
        "/records/search/?q=" + record.code,
        "/reports/dashboard/",
        "/reports/settlement/",
        "/account/password/",
        "/account/2fa/enrol/",
        "/tra-cuu/",
        "/cong-khai/ket-qua/",
        "/api/v1/docs/",
    ]
    problems: list[str] = []
    statuses: dict[str, int] = {}
    with chromium() as browser:
        context = browser.new_context()
        context.add_init_script(WATCH)
        page = context.new_page()
        page.set_default_timeout(15_000)

        def on_console(message: Any) -> None:
            text = message.text
            if "Content Security Policy" in text or "Content-Security-Policy" in text:
                problems.append(f"{page.url}: {text}")

        page.on("console", on_console)
        page.goto(f"{live_url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "x-" + user.username)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{live_url}/")
        for path in pages:
            response = page.goto(f"{live_url}{path}")
            assert response is not None
            statuses[path] = response.status
            page.wait_for_load_state("networkidle")
            if path.startswith("/records/search/"):
                # htmx at work: typing in the search box swaps in the results.
                page.fill("input[name=q]", record.code[:6])
                page.wait_for_load_state("networkidle")
            if path == "/api/v1/docs/":
                page.wait_for_selector(".swagger-ui .info")
            problems.extend(f"{path}: {v}" for v in page.evaluate("window.__csp"))
        # The QR code of the enrolment page is an image that the policy let through.
        page.goto(f"{live_url}/account/2fa/enrol/")
        assert page.evaluate("document.querySelector('img.otp-qr').naturalWidth") > 0
        context.close()
    assert {path: status for path, status in statuses.items() if status != 200} == {}
    assert problems == []
