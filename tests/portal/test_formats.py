"""Numbers, money, percentages and dates in the reader's language (`bali.core.formats`), and
the pages that show them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from bali.core import formats

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "1,747,000"),
        ("fr", f"1{NNBSP}747{NNBSP}000"),
        ("es", "1.747.000"),
        ("ru", f"1{NBSP}747{NBSP}000"),
        ("zh-hans", "1,747,000"),
        ("ar", "1,747,000"),
    ],
)
def test_large_numbers_are_grouped_in_every_language(lang: str, expected: str) -> None:
    assert formats.number(1747000, lang) == expected
    assert formats.amount(Decimal("1747000.00"), lang) == expected


def test_arabic_uses_western_digits_as_un_documents_do() -> None:
    text = formats.amount(Decimal("2377000"), "ar") + formats.day(date(2024, 3, 5), "ar")
    assert not any("\u0660" <= char <= "\u0669" for char in text)
    assert "2,377,000" in text


def test_active_language_is_the_default() -> None:
    with translation.override("fr"):
        assert formats.number(12345) == f"12{NNBSP}345"
        assert formats.day(date(2011, 11, 12)) == "12 nov. 2011"
    with translation.override("en"):
        assert formats.day(date(2011, 11, 12)) == "12 Nov 2011"  # British order


def test_small_numbers_and_odd_values() -> None:
    assert formats.number(0, "en") == "0" and formats.number(999, "fr") == "999"
    assert formats.number(-1234, "en") == "-1,234"
    assert formats.number(None, "en") == "" and formats.number("n/a", "en") == "n/a"
    assert formats.amount(None, "en") == "" and formats.amount("", "en") == ""
    assert formats.amount(Decimal("NaN"), "en") == ""


def test_money_has_two_decimals_or_none() -> None:
    assert formats.amount(Decimal("50000.5"), "en") == "50,000.50"
    assert formats.amount(Decimal("50000.50"), "es") == "50.000,50"
    assert formats.amount(Decimal("659000.00"), "en") == "659,000"
    assert formats.amount(0, "en") == "0"


def test_percentages() -> None:
    assert formats.percent(Decimal("60.00"), "en") == "60%"
    assert formats.percent(Decimal("33.33"), "en") == "33.33%"
    assert formats.percent(Decimal("33.33"), "fr") == f"33,33{NBSP}%"
    assert formats.percent(None, "en") == ""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "1 Jan – 31 Dec 2024"), ("zh-hans", "2024年1月1日至12月31日")],
)
def test_periods(lang: str, expected: str) -> None:
    text = formats.period(date(2024, 1, 1), date(2024, 12, 31), lang)
    assert text.replace("\u2009", " ") == expected


def test_open_and_reversed_periods() -> None:
    assert formats.period(date(2024, 1, 1), None, "en") == "1 Jan 2024 – …"
    assert formats.period(None, date(2024, 1, 1), "en") == "… – 1 Jan 2024"
    assert formats.period(None, None, "en") == ""
    assert formats.period(date(2025, 1, 1), date(2024, 1, 1), "en") == "1 Jan 2025 – 1 Jan 2024"


def test_moments_are_in_utc() -> None:
    from zoneinfo import ZoneInfo

    nairobi = datetime(2024, 3, 5, 17, 5, tzinfo=ZoneInfo("Africa/Nairobi"))
    assert formats.moment(nairobi, "en") == "5 Mar 2024, 14:05"
    assert formats.moment(datetime(2024, 3, 5, 14, 5, tzinfo=UTC), "zh-hans") == (
        "2024年3月5日 14:05"
    )
    assert formats.moment(None, "en") == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "budget"),
    [("en", "2,377,000"), ("ar", "2,377,000"), ("fr", f"2{NNBSP}377{NNBSP}000")],
)
def test_pages_show_amounts_and_dates_in_the_language(
    client: Client, hq_user: object, lang: str, budget: str
) -> None:
    from bali.activities.actions import do_create_activity

    activity = do_create_activity(
        hq_user,
        {
            "iati_identifier": "XM-FORMAT-1",
            "title": {"en": "Mercury in gold mining"},
            "countries": ["LB"],
            "themes": ["TH07"],
            "default_currency": "USD",
            "planned_start": "2027-10-01",
            "planned_end": "2028-03-29",
            "budgets": [{"value": "2377000", "currency": "USD"}],
        },
    )
    search = client.get(f"/{lang}/activities/").content.decode()
    assert budget in search and "2377000" not in search
    record = client.get(f"/{lang}/activities/{activity.pk}/").content.decode()
    assert budget in record and "2027-10-01" not in record
    assert formats.period(date(2027, 10, 1), date(2028, 3, 29), lang) in record


def test_list_separators_and_language_names() -> None:
    with translation.override("ar"):
        assert formats.comma() == "، " and formats.semicolon() == "؛ "
        assert formats.language_name("en") == "الإنجليزية"
    with translation.override("zh-hans"):
        assert formats.comma() == "、"
    with translation.override("fr"):
        assert formats.comma() == ", " and formats.language_name("zh") == "chinois"
    assert formats.language_name("xx-nonsense", "en") == "xx-nonsense"
    assert formats.language_name("", "en") == ""


@pytest.mark.django_db
def test_arabic_activity_page_separates_lists_the_arabic_way(
    client: Client, hq_user: object
) -> None:
    from bali.activities.actions import do_create_activity

    activity = do_create_activity(
        hq_user,
        {
            "iati_identifier": "XM-FORMAT-2",
            "title": {"en": "Two countries", "fr": "Deux pays"},
            "default_lang": "en",
            "countries": ["KE", "UG"],
            "themes": ["TH02", "TH04"],
        },
    )
    html = client.get(f"/ar/activities/{activity.pk}/").content.decode()
    assert "</a>، <a" in html and "</a>؛ <a" in html
    assert "الإنجليزية" in html and "الفرنسية" in html  # default language, other title
