"""Yes/no flags, whole numbers and years are read by one set of functions (`bali.core.params`):
the activity search, the request lists and the reference endpoints accept and refuse the same
values."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from bali.activities.filters import parse_filters
from bali.activities.paging import parse_paging
from bali.core.params import whole_number, year_number, yes_no
from bali.requests.filters import read_filters

pytestmark = pytest.mark.django_db
WORDS = ["1", "true", "YES", " on ", "", "0", "false", "No", "off", "maybe", "2", "٣", "truee"]
NUMBERS = ["1", "20", " 7 ", "0", "-1", "+3", "1e3", "٣", "３", "1 0", "x", "9" * 12]
YEARS = ["2024", "1900", "2100", "1899", "2101", "02024", "٢٠٢٤", "20x4", " 2030 ", "-2024"]


def _activity_year_ok(value: str) -> bool:
    try:
        parse_filters({"year": value})
    except Exception:
        return False
    return True


@pytest.mark.parametrize("value", YEARS)
def test_activity_and_request_filters_read_years_alike(value: str) -> None:
    _filters, errors = read_filters({"year": value})
    assert _activity_year_ok(value) is ("year" not in errors) is (year_number(value) is not None)


@pytest.mark.parametrize("value", WORDS)
def test_flags_read_alike_in_the_api_and_the_request_lists(client: Client, value: str) -> None:
    organisations = client.get("/api/v1/reference/organisations", {"active": value})
    requests = client.get("/api/v1/requests", {"overdue": value})
    assert organisations.status_code == requests.status_code
    assert (organisations.status_code == 200) is (yes_no(value) is not None)


@pytest.mark.parametrize("value", NUMBERS)
def test_whole_numbers_read_alike_for_pages_and_limits(client: Client, value: str) -> None:
    try:
        parse_paging({"page_size": value})
        paging_ok = True
    except Exception:
        paging_ok = False
    limit = client.get("/api/v1/requests", {"limit": value}).status_code == 200
    number = whole_number(value)
    assert paging_ok is limit is (number is not None and 1 <= number <= 100)


@given(st.text(max_size=12))
def test_whole_number_is_ascii_digits_only(text: str) -> None:
    found = whole_number(text)
    if found is not None:
        assert str(found) == text.strip().lstrip("0") or found == 0
        assert text.strip().isascii()
