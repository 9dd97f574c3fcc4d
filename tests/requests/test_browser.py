"""In headless Chromium: a national focal point submits a request; a regional officer
acknowledges it from the queue and assigns it; the public timeline shows both steps."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from tests.requests.conftest import People

from bali.requests.models import Request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, email: str) -> None:
    page.goto(f"{page.base}/en/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", "secret-pass-1")
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


def sign_out(page: Any) -> None:
    page.click("header form button.link")
    page.wait_for_load_state()


def take_action(page: Any, action: str) -> None:
    form = page.locator(f"form:has(input[name=action][value={action}])")
    details = page.locator(f"details:has(input[name=action][value={action}])")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_submit_acknowledge_assign_and_public_timeline(
    transactional_db: None, browser_page: Any, people: People
) -> None:
    try:
        _scenario(browser_page)
    finally:
        # Playwright runs this code in a greenlet, whose database connection is not the test
        # thread's: close it, or PostgreSQL cannot drop the test database at the end.
        connections.close_all()


def _scenario(page: Any) -> None:
    sign_in(page, "focal.ke@example.org")
    page.click("nav.main-nav >> text=My country's requests")
    page.click("text=New request")
    page.fill("#id_title", "Drought early warning for the north")
    page.fill("#id_description", "Herders lose livestock every dry season.")
    page.select_option("#id_support_type", "technology_transfer")
    page.check("input[name=themes][value=TH03]")
    page.fill("#id_contact_1_name", "Amos Kiprono")
    page.click("button[name=submit]")
    page.wait_for_load_state()
    assert "sent to the regional office" in page.content()
    reference = Request.objects.get().reference
    sign_out(page)

    sign_in(page, "officer.afr@example.org")
    page.click("nav.main-nav >> text=Regional queue")
    row = page.locator("tr", has_text=reference)
    row.locator("button", has_text="Acknowledge").click()
    page.wait_for_load_state()
    assert "Acknowledge done" in page.content()
    page.click(f"table a:has-text('{reference}')")
    take_action(page, "accept")
    page.select_option("select[name=assignee]", "division:DTIE")
    take_action(page, "assign")
    assert Request.objects.get().status == "assigned"
    sign_out(page)

    page.goto(f"{page.base}/en/requests/{reference}/")
    timeline = page.locator("ol.timeline").inner_text()
    assert "Acknowledge" in timeline and "Assign" in timeline
    assert "Submitted → Acknowledged" in timeline and "Accepted → Assigned" in timeline
    assert "Division of Technology, Industry and Economics" in page.content()
    assert "Amos Kiprono" not in page.content()  # contacts stay inside the request


def test_office_queue_on_a_phone_without_javascript(
    transactional_db: None, browser_page: Any, people: People
) -> None:
    """On a 390-pixel screen with JavaScript off, the queue fits the screen (rows are cards)
    and the one-click acknowledge works."""
    from tests.requests.conftest import request_data

    from bali.requests.actions import do_create_request

    reference = do_create_request(people.focal_ke, request_data(), submit=True).reference
    browser = browser_page.context.browser
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base = browser_page.base
        sign_in(page, "officer.afr@example.org")
        page.goto(f"{page.base}/fr/requests/office/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        button = page.locator("tr", has_text=reference).locator("button")
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        button.click()
        page.wait_for_load_state()
        assert page.url.endswith("/fr/requests/office/")  # back to the queue
        assert reference in page.locator("ul.messages").inner_text()
        assert Request.objects.get().status == "acknowledged"
    finally:
        context.close()
        connections.close_all()
