"""Reading values as publishers write them: repaired where the intent is clear, refused
otherwise, never an exception (property-based tests for the parsers)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bali.iati import values


@pytest.mark.parametrize(
    ("text", "expected", "repaired"),
    [
        ("2006-10-01", date(2006, 10, 1), False),
        ("2006-10-1", date(2006, 10, 1), True),
        ("2006-1-5", date(2006, 1, 5), True),
        ("2011-11-25T10:59:08+00:00", date(2011, 11, 25), False),
        ("2011/11/25", date(2011, 11, 25), True),
        ("25/11/2011", date(2011, 11, 25), True),
        ("25.11.2011", date(2011, 11, 25), True),
        ("20111125", date(2011, 11, 25), True),
        ("2011-11", date(2011, 11, 1), True),
        (" 2006-10-01 ", date(2006, 10, 1), False),
    ],
)
def test_dates_read_and_repaired(text: str, expected: date, repaired: bool) -> None:
    value, problem = values.read_date(text)
    assert value == expected
    assert (problem == values.REPAIRED_DATE) is repaired


@pytest.mark.parametrize("text", ["2010-02-30", "tomorrow", "75000", "2010-13-01", "1"])
def test_impossible_dates_are_refused(text: str) -> None:
    assert values.read_date(text) == (None, values.BAD_DATE)


def test_empty_date_is_no_date_and_no_problem() -> None:
    assert values.read_date("") == (None, None)
    assert values.read_date(None) == (None, None)


@pytest.mark.parametrize(
    ("text", "expected", "repaired"),
    [
        ("46678", Decimal("46678"), False),
        ("-3029.21", Decimal("-3029.21"), False),
        ("46678,00", Decimal("46678.00"), True),
        ("1,234,567.89", Decimal("1234567.89"), True),
        ("1.234.567,89", Decimal("1234567.89"), True),
        ("1 234 567", Decimal("1234567"), True),
        ("1,500", Decimal("1500"), True),
        ("USD 1000", Decimal("1000"), True),
        ("1.5E3", Decimal("1500"), True),
    ],
)
def test_numbers_read_and_repaired(text: str, expected: Decimal, repaired: bool) -> None:
    value, problem = values.read_decimal(text)
    assert value == expected
    assert (problem == values.REPAIRED_NUMBER) is repaired


@pytest.mark.parametrize("text", ["n/a", "12-34", "NaN", "Infinity", "--"])
def test_non_numbers_are_refused(text: str) -> None:
    assert values.read_decimal(text) == (None, values.BAD_NUMBER)


def test_money_is_rounded_to_two_places_and_huge_values_refused() -> None:
    assert values.fit_money(Decimal("10.005")) == Decimal("10.00")
    assert values.fit_money(Decimal("10.015")) == Decimal("10.02")
    assert values.fit_money(Decimal("1e19")) is None


def test_percentages() -> None:
    assert values.read_percentage("33.333") == (Decimal("33.33"), None)
    assert values.read_percentage("50%")[0] == Decimal("50.00")
    assert values.read_percentage("150") == (None, values.BAD_NUMBER)


def test_timestamps_are_utc() -> None:
    assert values.read_timestamp("2019-09-15T22:14:11.930000+00:00")[0] == datetime(
        2019, 9, 15, 22, 14, 11, 930000, tzinfo=UTC
    )
    assert values.read_timestamp("2015-02-24T09:41:10")[0] == datetime(
        2015, 2, 24, 9, 41, 10, tzinfo=UTC
    )
    assert values.read_timestamp("2015-02-24T11:41:10+02:00")[0] == datetime(
        2015, 2, 24, 9, 41, 10, tzinfo=UTC
    )
    assert values.read_timestamp("2015-02-24")[0] == datetime(2015, 2, 24, tzinfo=UTC)
    assert values.read_timestamp("yesterday") == (None, values.BAD_TIMESTAMP)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_any_iso_date_reads_back_unchanged(day: date) -> None:
    assert values.read_date(day.isoformat()) == (day, None)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_unpadded_dates_are_repaired_to_the_same_day(day: date) -> None:
    text = f"{day.year}-{day.month}-{day.day}"
    value, _problem = values.read_date(text)
    assert value == day


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, max_value=10**15, min_value=-(10**15)
    )
)
def test_plain_and_comma_decimals_read_the_same_number(number: Decimal) -> None:
    text = format(number, "f")
    assert values.read_decimal(text)[0] == number
    if "." in text and len(text.split(".")[1]) != 3:
        assert values.read_decimal(text.replace(".", ","))[0] == number


@given(st.text(max_size=40))
def test_readers_never_raise(text: str) -> None:
    for reader in (
        values.read_date,
        values.read_decimal,
        values.read_percentage,
        values.read_timestamp,
        values.read_boolean,
        values.read_int,
    ):
        value, problem = reader(text)
        assert problem is None or isinstance(problem, str)
        if value is None and text.strip():
            assert problem is not None


def test_seen_identifiers_remember_the_first_line_and_stay_small() -> None:
    from bali.iati.seen import SeenIdentifiers

    seen = SeenIdentifiers(capacity=8)
    for number in range(50_000):
        assert seen.add(f"XM-DAC-41116-{number}", number + 2) == (False, None)
    assert seen.add("XM-DAC-41116-7", 99_999) == (True, 9)
    assert seen.add("XM-DAC-41116-49999", 100_000) == (True, 50_001)
    assert seen.add("no line", None) == (False, None)
    assert seen.add("no line", 5) == (True, None)
    assert len(seen) == 50_001
    # Two flat arrays, at most two thirds full: 12 bytes a slot, ~25 bytes an identifier.
    assert seen.size * 12 <= 50_001 * 12 * 3
