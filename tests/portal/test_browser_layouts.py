"""The public pages in a real headless Chromium on a phone screen, without JavaScript and in
print: nothing wider than the screen, every way through the search works with plain links,
and the print stylesheet leaves the navigation out and breaks pages between records."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_pages_fit_a_phone_screen_in_every_script(chromium: Any, corpus: dict) -> None:
    kenya = corpus["XM-DAC-41116-CLIMATE-KE"]
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    for lang in ("en", "ar", "ru"):
        for path in ("/", "/activities/?q=climate", f"/activities/{kenya.pk}/", "/countries/KE/"):
            page.goto(f"{chromium.base}/{lang}{path}")
            assert page.evaluate(OVERFLOW) <= 0, (lang, path)
    # The filters come after the results on a phone; a link at the top leads to them.
    page.goto(f"{chromium.base}/en/activities/")
    jump = page.locator(".jump a")
    assert jump.is_visible()
    jump.click()
    assert page.locator("#refine").is_visible()
    context.close()


def test_search_works_without_javascript(chromium: Any, corpus: dict) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{chromium.base}/fr/activities/")
    page.fill("#q", "climate")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/fr/activities/?q=climate**")
    page.locator("#facet-region a", has_text="Afrique").click()
    page.wait_for_url("**region=AFR**")
    assert page.locator("#result-count").inner_text().startswith("1 activité")
    page.locator(".result-list h3 a").first.click()
    # Similar activities: a plain link to their own page when htmx cannot load them.
    page.locator("#similar a", has_text="activités similaires").click()
    page.wait_for_url("**/similar/")
    assert page.locator("#similar ul a", has_text="Freshwater monitoring network").is_visible()
    context.close()


def test_print_leaves_navigation_out_and_breaks_between_records(
    chromium: Any, corpus: dict
) -> None:
    context = chromium.new_context()
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(f"{chromium.base}/en/activities/?page_size=100")
    for hidden in (".site-header", ".site-footer", ".facets", ".downloads", "form.search"):
        assert not page.locator(hidden).first.is_visible(), hidden
    entries = page.locator(".result-list .result")
    assert entries.count() == 5
    assert entries.first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    kenya = corpus["XM-DAC-41116-CLIMATE-KE"]
    page.goto(f"{chromium.base}/en/activities/{kenya.pk}/")
    # Headings stay with what follows them; tables are not cut across pages.
    heading = page.locator("article.record h2").first
    assert heading.evaluate("e => getComputedStyle(e).breakAfter") == "avoid"
    money = page.locator("table.money").first
    assert money.is_visible() and money.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    context.close()
