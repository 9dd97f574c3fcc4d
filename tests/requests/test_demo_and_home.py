"""The demonstration requests and the home-page count."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client

from bali.accounts import demo as accounts_demo
from bali.organisations import demo as organisations_demo
from bali.requests import demo
from bali.requests.models import Request, RequestEvent, Status

pytestmark = pytest.mark.django_db


def _build() -> int:
    organisations_demo.build(random.Random(1), lambda _m: None)
    accounts_demo.build(random.Random(1), lambda _m: None)
    return demo.build(random.Random("2005-requests"), lambda _m: None)


def _snapshot() -> list[tuple[str, str, str, str]]:
    return list(
        Request.objects.order_by("reference").values_list(
            "reference", "status", "assignee", "due_on"
        )
    )


def test_demo_covers_every_status_and_region_and_is_deterministic() -> None:
    with transaction.atomic():
        assert _build() == 36
        first = _snapshot()
        transaction.set_rollback(True)
    assert not Request.objects.exists()
    assert _build() == 36
    assert _snapshot() == first
    assert set(Request.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Request.objects.values_list("entry_region_id", flat=True)) == {
        "AFR", "ASP", "EUR", "LAC", "WAS",
    }  # fmt: skip
    assert RequestEvent.objects.filter(action="resubmit").exists()
    assert demo.build(random.Random(0), lambda _m: None) == 0  # a second run adds nothing


def _content() -> list[tuple[str, str, str, str]]:
    """What the demo says, without its dates and references."""
    return sorted(Request.objects.values_list("country_id", "status", "assignee", "support_type"))


def test_demo_dates_follow_the_day_it_runs_and_its_content_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Loaded on any day, the demo has the same requests; those waiting for a step were mostly
    received recently (some are overdue, to show the lists), and nothing is dated later."""
    from datetime import UTC, datetime

    from django.utils import timezone

    results = []
    for day in (datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2031, 10, 17, 15, tzinfo=UTC)):
        monkeypatch.setattr(timezone, "now", lambda day=day: day)
        with transaction.atomic():
            assert _build() == 36
            waiting = Request.objects.open().exclude(due_on=None)
            overdue = waiting.filter(due_on__lt=day.date()).count()
            assert 0 < overdue < waiting.count() / 2, (overdue, waiting.count())
            assert not RequestEvent.objects.filter(at__gt=day).exists()
            assert Request.objects.order_by("created_at").first().created_at.year >= day.year - 2
            numbers = list(
                Request.objects.filter(entry_region_id="AFR")
                .order_by("created_at")
                .values_list("reference", flat=True)
            )
            assert numbers == sorted(numbers)  # numbered in the order they were opened
            results.append(_content())
            transaction.set_rollback(True)
    assert results[0] == results[1]


def test_home_page_counts_submitted_requests(make_request: Callable[..., Request]) -> None:
    make_request("draft")
    make_request("submitted")
    make_request("assigned")
    html = Client().get("/en/").content.decode()
    assert '<span class="stat">2</span> requests for support' in html
