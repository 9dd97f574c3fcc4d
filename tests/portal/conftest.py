"""Fixtures of the portal tests: the shared corpus of activities (tests/portal/corpus.py)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bali.accounts.models import User
from bali.activities.models import Activity

CHROMIUM = "/usr/bin/chromium"


def load_corpus() -> ModuleType:
    """tests/portal/corpus.py, importable from any test folder (import mode is importlib)."""
    name = "bali_tests_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("corpus.py"))
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def corpus(hq_user: User) -> dict[str, Activity]:
    return load_corpus().build_corpus(hq_user)


@pytest.fixture
def many(hq_user: User):  # type: ignore[no-untyped-def]
    return lambda count, prefix="XM-DAC-41116-MANY": load_corpus().build_many(
        hq_user, count, prefix
    )


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
