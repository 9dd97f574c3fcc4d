"""The public portal in a real headless Chromium: home → search "climate" → region facet (htmx
swap) → a result → Arabic (right to left) → print view without navigation."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_to_record_in_arabic_and_print(browser_page: Any, corpus: dict) -> None:
    page = browser_page
    page.goto(f"{page.base}/en/")
    page.fill("#home-q", "climate")
    page.click("form.home-search button[type=submit]")
    page.wait_for_url("**/en/activities/?q=climate")
    assert page.locator("#result-count").inner_text().startswith("2 activities")

    # Picking a facet value swaps the search area (htmx) and puts the state in the URL.
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#facet-region a", has_text="Africa").click()
    page.wait_for_url("**region=AFR**")
    page.wait_for_function(
        "document.querySelector('#result-count').textContent.trim().startsWith('1 activity')"
    )
    assert page.locator("#facet-region a.selected").inner_text().find("Africa") >= 0
    assert "q=climate" in page.url
    assert page.evaluate("window.stillTheSamePage") is True  # swapped, not reloaded
    # The language menu was refreshed out of band: it keeps the new query.
    assert "region=AFR" in (page.locator("#languages a[hreflang=fr]").get_attribute("href") or "")

    page.locator(".result-list h3 a").first.click()
    page.wait_for_url("**/en/activities/*/")
    assert page.locator("h1").inner_text() == "Climate adaptation training in Kenya"
    # Similar activities arrive through htmx once the page is shown.
    page.locator("#similar ul a", has_text="Freshwater monitoring network").wait_for()

    page.locator("#languages a[hreflang=ar]").click()
    page.wait_for_url("**/ar/activities/*/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("#languages").is_visible()
    assert page.locator("article.record h1").is_visible()
    assert page.locator("table.money").first.is_visible()
