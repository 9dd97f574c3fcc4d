"""Sort orders, pages and keyset cursors; bad pages and cursors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from bali.activities.filters import ActivityFilters
from bali.activities.models import Activity
from bali.search import relevance
from bali.search.service import QueryError, activity_queryset, search

SORTS = ("relevance", "newest", "start", "-start", "budget", "-budget", "title")


def all_pages(filters: ActivityFilters, page_size: int) -> list[int]:
    """Every result, walking the cursors from the first page."""
    seen: list[int] = []
    page = search(filters, None, page_size=page_size)
    while True:
        seen.extend(activity.pk for activity in page.results)
        if page.next_cursor is None:
            return seen
        page = search(filters, None, page_size=page_size, cursor=page.next_cursor)


def expected_order(sort: str) -> list[int]:
    activities = list(Activity.objects.filter(visibility="public"))

    def last(value: Any) -> tuple[bool, Any]:
        return (value is None, value)

    if sort == "start":
        activities.sort(key=lambda a: (last(a.start_date), a.pk))
    elif sort == "-start":
        activities.sort(
            key=lambda a: (a.start_date is None, -(a.start_date or date.min).toordinal(), -a.pk)
        )
    elif sort == "budget":
        activities.sort(key=lambda a: (last(a.total_budget), a.pk))
    elif sort == "-budget":
        activities.sort(
            key=lambda a: (a.total_budget is None, -(a.total_budget or Decimal(0)), -a.pk)
        )
    else:  # newest, and relevance without a query
        activities.sort(key=lambda a: (a.updated_at, a.pk), reverse=True)
    return [a.pk for a in activities]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["newest", "start", "-start", "budget", "-budget", "relevance"])
def test_orders_pages_and_cursors_agree(corpus: dict[str, Any], sort: str) -> None:
    filters = ActivityFilters(sort=sort)
    expected = expected_order(sort)
    by_pages = []
    for number in range(1, 5):
        by_pages += [a.pk for a in search(filters, None, page=number, page_size=3).results]
    assert by_pages == expected
    assert all_pages(filters, 4) == expected
    assert list(activity_queryset(filters).values_list("pk", flat=True)) == expected


@pytest.mark.django_db
def test_title_order_follows_the_language(corpus: dict[str, Any]) -> None:
    def titles(lang: str) -> list[str]:
        with translation.override(lang):
            page = search(ActivityFilters(sort="title"), None, page_size=100)
            return [activity.display_title.casefold() for activity in page.results]

    english = titles("en")
    assert english[0].startswith("capacitación") and english == sorted(
        english, key=lambda t: t.replace("é", "e").replace("á", "a")
    )
    french = titles("fr")
    assert french.index("élaboration d'un cadre national de biosécurité") < french.index(
        "formation des agents des douanes aux substances qui appauvrissent l'ozone"
    )
    assert all_pages(ActivityFilters(sort="title"), 5) == [
        a.pk for a in search(ActivityFilters(sort="title"), None, page_size=100).results
    ]


@pytest.mark.django_db
def test_relevance_puts_title_matches_first(corpus: dict[str, Any]) -> None:
    page = search(ActivityFilters(q="ozone OR refrigerants", sort="relevance"), None)
    assert page.count == 2
    assert all_pages(ActivityFilters(q="ozone OR customs", sort="relevance"), 1) == [
        a.pk for a in search(ActivityFilters(q="ozone OR customs"), None).results
    ]


@pytest.mark.django_db
def test_a_page_past_the_end_is_empty_not_an_error(corpus: dict[str, Any]) -> None:
    page = search(ActivityFilters(), None, page=99, page_size=10)
    assert page.count == 11 and page.results == [] and page.next_cursor is None
    assert page.page_count == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor", ["x", "!!!", "eyJvIjoibmV3ZXN0In0", "e30", "W10", "eyJvIjoic3RhcnQiLCJrIjpbMSwyXX0"]
)
def test_a_damaged_cursor_is_a_query_error(corpus: dict[str, Any], cursor: str) -> None:
    with pytest.raises(QueryError, match="no longer valid"):
        search(ActivityFilters(), None, cursor=cursor)


@pytest.mark.django_db
def test_a_cursor_of_another_order_is_refused(corpus: dict[str, Any]) -> None:
    cursor = search(ActivityFilters(sort="start"), None, page_size=2).next_cursor
    assert cursor
    with pytest.raises(QueryError):
        search(ActivityFilters(sort="budget"), None, cursor=cursor)


@pytest.mark.django_db
def test_page_numbers_start_at_one(corpus: dict[str, Any]) -> None:
    with pytest.raises(QueryError):
        search(ActivityFilters(), None, page=0)


@pytest.mark.django_db
@pytest.mark.parametrize("window", [1, 3, 400])
def test_relevance_pages_agree_with_a_full_ranking(
    corpus: dict[str, Any], monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    """The engine ranks a window of the best matches and widens it as pages go deeper; the
    result must be the order of a full ranking (the SQL path ranks every match at once)."""
    monkeypatch.setattr(relevance, "WINDOW", window)
    filters = ActivityFilters(q="ozone OR climate OR clim* OR solar OR wind OR training")
    full = list(activity_queryset(filters).values_list("pk", flat=True))
    assert len(full) >= 6
    assert all_pages(filters, 2) == full
    by_number = []
    for number in range(1, 5):
        by_number += [a.pk for a in search(filters, None, page=number, page_size=2).results]
    assert by_number == full
    # with a filter that leaves out most of the best matches
    narrowed = ActivityFilters(q=filters.q, country=["FJ", "CN", "IN"])
    expected = list(activity_queryset(narrowed).values_list("pk", flat=True))
    assert all_pages(narrowed, 1) == expected and len(expected) == 3


@pytest.mark.django_db
def test_broad_queries_rank_by_field_presence(
    corpus: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond `BROAD` matches (here: any), SQLite ranks by which fields hold the terms; the
    pages and cursors must still walk one total order. (PostgreSQL keeps ts_rank: its matches
    per field are not cheap.)"""
    monkeypatch.setattr(relevance, "BROAD", 0)
    filters = ActivityFilters(q="ozone OR refrigerants OR customs")
    page = search(filters, None, page_size=10)
    names = [name for pk in page.results for name, a in corpus.items() if a.pk == pk.pk]
    assert names[:2] == ["ozone-ke", "ozone-eg"]  # ozone-ke: all three; ozone-eg: two
    assert all_pages(filters, 1) == [a.pk for a in page.results]
    by_number = [search(filters, None, page=n, page_size=1).results[0].pk for n in (1, 2)]
    assert by_number == [a.pk for a in page.results]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["newest", "start", "-start", "budget", "-budget", "title"])
def test_pages_from_the_kept_order_agree_after_changes(
    corpus: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    hq_user: Any,
    django_capture_on_commit_callbacks: Any,
    sort: str,
) -> None:
    """Large results are paged from an order of every row kept per process, merged with the
    rows of changed activities and computed again after compaction: pages, cursors and the
    SQL path still agree."""
    from bali.activities.actions import do_update_activity
    from bali.search import engine, presorted

    monkeypatch.setattr(presorted, "MIN_CANDIDATES", 0)
    filters = ActivityFilters(sort=sort)

    def check() -> None:
        expected = list(activity_queryset(filters).values_list("pk", flat=True))
        if sort == "title":  # the SQL path orders raw titles; the engine folds them
            expected = [a.pk for a in search(filters, None, page_size=100).results]
        assert all_pages(filters, 2) == expected
        by_number = []
        for number in range(1, 5):
            by_number += [a.pk for a in search(filters, None, page=number, page_size=3).results]
        assert by_number == expected

    check()
    index, _ = engine.current_index()
    assert index.presorted  # the order was kept
    changes = [
        ("wind-cn", {"planned_start": "2001-05-01", "budgets": []}),
        ("solar-in", {"title": {"en": "Aardvark solar clinics"}}),
        (
            "ozone-ke",
            {"budgets": [{"value": "5", "currency": "USD", "period_start": "2020-01-01"}]},
        ),
    ]
    for name, change in changes:
        with django_capture_on_commit_callbacks(execute=True):
            do_update_activity(hq_user, corpus[name], change)
        check()  # merged: the changed activity's new row in its place
    index, _ = engine.current_index()
    index.compact()
    check()
