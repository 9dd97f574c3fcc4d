"""Facet counts against direct counts in the database.

The rule: a facet's counts apply every filter except that facet's own, so each count must
equal the number of activities `activity_queryset` finds with that one value chosen for the
facet instead. Checked for every value shown, under several combinations of query and filters,
on whichever database the suite runs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from django.utils import translation

from bali.accounts.models import User
from bali.activities.filters import ActivityFilters
from bali.search import facet_index
from bali.search.service import FACETS, activity_queryset, search

COMBINATIONS = [
    {},
    {"q": "ozone"},
    {"q": "-ozone"},
    {"q": "clim* OR solar"},
    {"country": ["KE", "EG"]},
    {"region": ["AFR"], "theme": ["TH07"]},
    {"q": "training", "status": ["2"], "year": ["2024"]},
    {"sector": ["410"], "mea": ["MONTREAL", "UNFCCC"]},
    {"org": ["XM-DAC-41114"], "type": ["training"], "gender": ["0", "2"]},
    {"source": ["local"], "year": ["2030", "2010"]},
]


def check_counts(filters: ActivityFilters, user: Any = None) -> None:
    page = search(filters, user, page_size=5)
    assert page.count == activity_queryset(filters, user).count()
    assert set(page.facets) == set(FACETS)
    for name in FACETS:
        shown = {value.code: value for value in page.facets[name]}
        for code, value in shown.items():
            expected = activity_queryset(replace(filters, **{name: [code]}), user).count()
            assert value.count == expected, (name, code, filters)
            assert value.selected == (code in getattr(filters, name))
        assert all(value.count > 0 or value.selected for value in shown.values())


@pytest.mark.django_db
@pytest.mark.parametrize("combination", COMBINATIONS)
def test_counts_match_the_database(corpus: dict[str, Any], combination: dict[str, Any]) -> None:
    check_counts(ActivityFilters(**combination))


@pytest.mark.django_db
def test_counts_for_someone_who_sees_private_activities(
    corpus: dict[str, Any], hq_user: User
) -> None:
    check_counts(ActivityFilters(q="climate OR ozone"), hq_user)


@pytest.mark.django_db
def test_values_with_nothing_are_left_out_unless_chosen(corpus: dict[str, Any]) -> None:
    page = search(ActivityFilters(country=["FR"]), None)
    assert page.count == 0
    assert [(v.code, v.count, v.selected) for v in page.facets["country"]][-1] == ("FR", 0, True)
    countries = {value.code for value in search(ActivityFilters(), None).facets["country"]}
    assert "FR" not in countries and {"KE", "CN", "IN", "NP"} <= countries


@pytest.mark.django_db
def test_multi_select_keeps_the_other_values_of_a_facet(corpus: dict[str, Any]) -> None:
    page = search(ActivityFilters(country=["KE"]), None)
    counts = {value.code: value.count for value in page.facets["country"]}
    assert counts["KE"] == 1 and counts["EG"] == 1  # EG is still offered, with its own count
    region = {value.code: value.count for value in page.facets["region"]}
    assert region == {"AFR": 1}  # other facets follow the chosen country


@pytest.mark.django_db
def test_facet_limit_keeps_the_top_values_and_the_chosen_ones(corpus: dict[str, Any]) -> None:
    page = search(ActivityFilters(country=["TZ"]), None, facet_limit=2)
    codes = [value.code for value in page.facets["country"]]
    assert codes == ["BO", "BW", "TZ"]  # equal counts: by code
    assert page.facet_more["country"] == len(search(ActivityFilters(), None).facets["country"]) - 3


@pytest.mark.django_db
def test_labels_are_in_the_active_language(corpus: dict[str, Any]) -> None:
    with translation.override("fr"):
        page = search(ActivityFilters(), None)
    labels = {value.code: value.label for value in page.facets["country"]}
    assert labels["EG"] == "Égypte"
    orgs = {value.code: value.label for value in page.facets["org"]}
    assert orgs["XM-DAC-41114"] == "Programme des Nations Unies"
    sources = {value.code: value.label for value in page.facets["source"]}
    assert sources["local"]


@pytest.mark.django_db
def test_year_facet_counts_running_activities(corpus: dict[str, Any]) -> None:
    years = {value.code: value.count for value in search(ActivityFilters(), None).facets["year"]}
    assert years["2010"] == 1 and years["2011"] == 1 and "2009" not in years
    # the open-ended one (from 2026) runs up to the last year listed
    assert years[max(years)] >= 1 and int(max(years)) >= 2026
    chosen = search(ActivityFilters(year=["2090"]), None).facets["year"]
    assert [(v.code, v.count, v.selected) for v in chosen if v.code == "2090"] == [
        ("2090", 1, True)
    ]


@pytest.mark.django_db
def test_every_way_of_counting_agrees(
    corpus: dict[str, Any],
    hq_user: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Counting through the selected rows' own values, their row records, the rows left out
    (from the totals of every live row), or by scanning every pair gives the same counts,
    and filters through the postings select the same rows as a scan of the pairs; also after
    a change (the old row dead, the new one appended) and after compaction."""
    from bali.activities.actions import do_update_activity
    from bali.search import engine, tallies

    def check() -> None:
        index, _ = engine.current_index()
        names = [*facet_index.PAIR_FACETS, *facet_index.CODE_FACETS, "gender", "year"]
        rng = np.random.default_rng(5)
        for _ in range(12):
            mask = index.alive & (rng.random(index.n) < rng.random())
            rows, rest = np.flatnonzero(mask), np.flatnonzero(index.alive & ~mask)
            for name in names:
                by_rows = tallies.tally(index, name, rows)
                by_rest = tallies.totals(index)[name] - tallies.tally(index, name, rest)
                by_scan = tallies._scan(index, name, mask)
                assert index.records is not None
                by_records = tallies.from_block(index, name, index.records.records[rows], rows)
                assert (by_rows == by_rest).all() and (by_rows == by_scan).all(), name
                assert (by_rows == by_records).all(), name
        for name in facet_index.PAIR_FACETS:
            column = index.pairs[name]
            for value in range(len(index.vocab[name])):
                expected = np.zeros(index.n, bool)
                expected[column.rows[column.values == value]] = True
                found = index.rows_with(name, np.array([value], np.int32))
                assert (found == expected).all(), (name, value)

    search(ActivityFilters(), None)
    check()
    with django_capture_on_commit_callbacks(execute=True):
        do_update_activity(hq_user, corpus["wind-cn"], {"countries": [{"code": "MN"}]})
    search(ActivityFilters(q="wind"), None)  # the change is applied; the totals follow it
    index, _ = engine.current_index()
    assert index.totals is not None and index.totals[0] == index.version
    for name, followed in index.totals[1].items():
        assert (followed == tallies._scan(index, name, index.alive)).all(), name
    check()  # the old row is dead, the new one appended with its pairs
    index, _ = engine.current_index()
    index.compact()
    check()
    assert search(ActivityFilters(country=["MN"]), None).count == 1
