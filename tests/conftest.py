"""Shared fixtures: reference data loaded once per database, and one user per role.

Tests that use `transactional_db` or `live_server` flush every table afterwards; the autouse
fixture below reloads the reference data for the tests that follow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bali.accounts.actions import UserScope, do_create_user, do_issue_token
from bali.accounts.models import User

# The activity corpus of the portal, API and export tests (`corpus`, `many` fixtures).
pytest_plugins = ["tests.portal.corpus"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    from bali.reference.loading import load_reference

    with django_db_blocker.unblock():
        load_reference()
    yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Reload the reference data after a test that flushed the database.

    Tests with `transactional_db` or `live_server` end with a flush of every table, which
    pytest-django runs in a fixture teardown; this hook runs after all of them, so the tests
    that follow find countries, regions and themes again.
    """
    result = yield
    flushed = {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    if flushed and nextitem is not None:  # after the last test the database is gone
        from pytest_django.plugin import blocking_manager_key

        from bali.reference.loading import load_reference
        from bali.reference.models import Country

        with item.config.stash[blocking_manager_key].unblock():
            if not Country.objects.exists():
                load_reference()
    return result


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = {"n": 0}

    def make(
        role: str, *, email: str | None = None, password: str | None = "secret-pass-1", **scope: str
    ) -> User:
        counter["n"] += 1
        return do_create_user(
            email or f"{role}{counter['n']}@example.org",
            role,
            UserScope(**scope),
            password=password,
            full_name=f"{role.replace('_', ' ').title()} {counter['n']}",
        )

    return make


@pytest.fixture
def hq_user(make_user: Callable[..., User]) -> User:
    return make_user("hq_coordinator")


@pytest.fixture
def admin_user_bali(make_user: Callable[..., User]) -> User:
    return make_user("admin")


@pytest.fixture
def token_for() -> Callable[[User], str]:
    return do_issue_token


@pytest.fixture
def api_headers(token_for: Callable[[User], str]) -> Callable[[User], dict[str, str]]:
    def headers(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(user)}"}

    return headers


@pytest.fixture
def activity_data() -> Callable[..., dict[str, Any]]:
    """Valid activity data for `do_create_activity`, with overrides."""

    def build(**overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "iati_identifier": "XM-DAC-41116-TEST-0001",
            "reporting_org": {"ref": "XM-DAC-41116", "names": {"en": "UNEP"}, "type": "40"},
            "title": {
                "en": "Training on ozone-depleting substances",
                "fr": "Formation sur l'ozone",
            },
            "description": {"en": "Customs officers learn to identify refrigerants."},
            "status": "2",
            "activity_type": "training",
            "default_currency": "USD",
            "planned_start": "2024-01-01",
            "planned_end": "2025-06-30",
            "countries": [{"code": "KE", "percentage": "100"}],
            "sectors": [{"code": "41020", "vocabulary": "1", "percentage": "100"}],
            "themes": ["CC04"],
            "meas": ["MONTREAL"],
            "budgets": [
                {
                    "period_start": "2024-01-01",
                    "period_end": "2024-12-31",
                    "value": "100000",
                    "currency": "USD",
                },
                {
                    "period_start": "2025-01-01",
                    "period_end": "2025-06-30",
                    "value": "50000.50",
                    "currency": "USD",
                },
            ],
        }
        data.update(overrides)
        return data

    return build


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(live_server: Any) -> Iterator[Any]:
    """A Playwright page in Debian's headless Chromium, and the live server's URL on `.base`.

    Fails (never skips) when Chromium is missing: `.ci/run` installs it; locally run
    `apt-get install chromium chromium-driver`.
    """
    import os

    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"browser tests need {CHROMIUM} (apt-get install chromium chromium-driver)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base = live_server.url
        try:
            yield page
        finally:
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # Outside Playwright's event loop: close the connections the test opened, since PostgreSQL
    # cannot drop the test database while one is open.
    from django.db import connections

    connections.close_all()
