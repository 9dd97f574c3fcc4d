"""Fixtures of the portal tests (the shared corpus is in tests/portal/corpus.py, a plugin of the
root conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def chromium(live_server: Any) -> Iterator[Any]:
    """Debian's headless Chromium for tests that need their own browser contexts (a phone
    screen, JavaScript off); `.base` is the live server's URL. Fails when Chromium is missing,
    like the root `browser_page` fixture."""
    import os

    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"browser tests need {CHROMIUM} (apt-get install chromium chromium-driver)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        browser.base = live_server.url
        try:
            yield browser
        finally:
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    from django.db import connections

    connections.close_all()
