"""Working-day deadlines, the overdue list, and reference numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.requests.conftest import People, request_data

from bali.requests.actions import do_create_request
from bali.requests.deadlines import add_working_days, due_date, parse_holidays
from bali.requests.models import Request, RequestCounter
from bali.requests.numbering import format_reference
from bali.requests.workflow import TransitionInput, do_transition_request


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 2), 0, date(2026, 3, 2)),  # Monday, nothing to add
        (date(2026, 3, 2), 1, date(2026, 3, 3)),
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday + 1 → Monday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday + 1 → Monday
        (date(2026, 3, 2), 10, date(2026, 3, 16)),  # two working weeks
        (date(2026, 3, 2), 30, date(2026, 4, 13)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(1, 400))
def test_working_days_land_on_weekdays_and_count_exactly(start: date, days: int) -> None:
    end = add_working_days(start, days)
    assert end.weekday() < 5
    between = [start + timedelta(days=n) for n in range(1, (end - start).days + 1)]
    assert sum(day.weekday() < 5 for day in between) == days


def test_deadlines_come_from_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.BALI_REQUEST_DEADLINES = {**settings.BALI_REQUEST_DEADLINES, "acknowledge": 2}
    assert due_date("acknowledge", date(2026, 3, 5)) == date(2026, 3, 9)
    with pytest.raises(KeyError):
        due_date("celebrate", date(2026, 3, 5))


def test_public_holidays_are_not_working_days(settings) -> None:  # type: ignore[no-untyped-def]
    holidays = parse_holidays(["2026-12-28", "12-25", "01-01", " "])
    # Thursday 24 December + 3 working days: not the 25th (yearly), the 28th (that year) nor
    # 1 January (yearly) → 29th, 30th, 31st.
    assert add_working_days(date(2026, 12, 24), 3, holidays) == date(2026, 12, 31)
    assert add_working_days(date(2026, 12, 24), 4, holidays) == date(2027, 1, 4)
    assert add_working_days(date(2026, 12, 24), 4) == date(2026, 12, 30)  # no holidays
    settings.BALI_REQUEST_HOLIDAYS = ["12-25", "2026-12-28"]
    settings.BALI_REQUEST_DEADLINES = {**settings.BALI_REQUEST_DEADLINES, "acknowledge": 2}
    assert due_date("acknowledge", date(2026, 12, 24)) == date(2026, 12, 30)


@pytest.mark.parametrize("value", ["2026-02-30", "13-01", "tomorrow", "2026/12/25"])
def test_unreadable_holidays_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match=value):
        parse_holidays([value])


def test_system_checks_report_bad_request_settings(settings) -> None:  # type: ignore[no-untyped-def]
    from bali.requests.checks import check_request_settings

    assert check_request_settings() == []
    settings.BALI_REQUEST_HOLIDAYS = ["12-32"]
    settings.BALI_REQUEST_DEADLINES = {"acknowledge": "ten", "decide": 30, "assign": -1}
    ids = sorted(message.id for message in check_request_settings())
    assert ids == ["requests.E001", "requests.E001", "requests.E001", "requests.E002"]


@pytest.mark.django_db
def test_overdue_list(people: People, make_request: Callable[..., Request]) -> None:
    long_ago = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    late = do_create_request(people.focal_ke, request_data(), submit=True, now=long_ago)
    fresh = make_request("submitted")
    closed = do_create_request(people.focal_ke, request_data(), submit=True, now=long_ago)
    do_transition_request(people.focal_ke, closed, "withdraw", now=long_ago)
    assert late.is_overdue and not fresh.is_overdue and not closed.is_overdue
    assert list(Request.objects.open().overdue()) == [late]
    order = list(Request.objects.public().queue_order().values_list("reference", flat=True))
    assert order[0] == late.reference


@pytest.mark.django_db
def test_references_count_per_year_and_region_and_are_never_reused(people: People) -> None:
    def create(user, when: datetime) -> Request:  # type: ignore[no-untyped-def]
        return do_create_request(user, request_data(), now=when)

    jan = datetime(2025, 1, 10, tzinfo=UTC)
    first = create(people.focal_ke, jan)
    second = create(people.focal_sn, jan)
    peru = create(people.focal_pe, jan)
    next_year = create(people.focal_ke, datetime(2026, 2, 1, tzinfo=UTC))
    assert [first.reference, second.reference, peru.reference, next_year.reference] == [
        "REQ-2025-AFR-0001",
        "REQ-2025-AFR-0002",
        "REQ-2025-LAC-0001",
        "REQ-2026-AFR-0001",
    ]
    do_transition_request(people.focal_sn, second, "withdraw", TransitionInput())
    assert create(people.focal_ke, jan).reference == "REQ-2025-AFR-0003"
    assert RequestCounter.objects.get(year=2025, region="AFR").last == 3
    assert format_reference(2025, "WAS", 12345) == "REQ-2025-WAS-12345"


@pytest.mark.django_db
def test_countries_outside_the_plan_cannot_request(make_user) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    focal_fr = make_user("national_focal_point", country="FR")
    with pytest.raises(ValidationError) as info:
        do_create_request(focal_fr, request_data())
    assert "country" in info.value.message_dict
