"""The query language on a small multilingual corpus.

The expected sets are written here, and the suite runs once on SQLite and once on PostgreSQL,
so both backends must give exactly these answers; each query is also checked against the SQL
path (`activity_queryset`) on the same database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bali.accounts.models import User
from bali.activities.filters import ActivityFilters
from bali.search.service import QueryError, activity_queryset, search

ALL_PUBLIC = {
    "ozone-ke",
    "climate-tz",
    "ozone-eg",
    "solar-in",
    "wind-cn",
    "biosafety-sn",
    "land-kz",
    "gef-partner",
    "climatic-data",
    "ident",
    "ozono-es",
}

CORPUS_QUERIES: list[tuple[str, set[str]]] = [
    # words, case, AND
    ("ozone", {"ozone-ke", "ozone-eg"}),
    ("OZONE", {"ozone-ke", "ozone-eg"}),
    ("ozone customs", {"ozone-ke", "ozone-eg"}),
    ("ozone egypt", {"ozone-eg"}),
    # phrases
    ('"customs officers"', {"ozone-ke"}),
    ('"officers customs"', set()),
    ('"ozone training"', {"ozone-eg"}),
    # OR and exclusion
    ("solar OR wind", {"solar-in", "wind-cn"}),
    ("wind OR mercury solar", {"wind-cn"}),
    ("ozone -egypt", {"ozone-ke"}),
    ('ozone -"customs in egypt"', {"ozone-ke"}),
    ("-ozone", ALL_PUBLIC - {"ozone-ke", "ozone-eg"}),
    # prefixes
    ("clim*", {"climate-tz", "climatic-data"}),
    ("climat*", {"climate-tz", "climatic-data"}),
    ("climate*", {"climate-tz"}),
    ('"climate chan"*', {"climate-tz"}),
    # accents and other scripts
    ("biosecurite", {"biosafety-sn"}),
    ("BIOSÉCURITÉ", {"biosafety-sn"}),
    ("elaboration", {"biosafety-sn"}),
    ("capacitacion", {"ozono-es"}),
    ("деградации", {"land-kz"}),
    ("ДЕГРАДАЦИИ земель", {"land-kz"}),
    ("الأوزون", {"ozone-eg"}),
    ("الاوزون", {"ozone-eg"}),
    ("لطبقة", {"ozone-eg"}),
    ("مدرسة", {"ozone-eg"}),
    ("气候", {"climate-tz"}),
    ("气候变化", {"climate-tz"}),
    ("变化适应", {"climate-tz"}),
    ("风", {"wind-cn"}),
    ("评", {"wind-cn"}),
    ("估", {"wind-cn"}),
    ("太阳能", {"wind-cn"}),
    ("气候 太阳能", set()),
    ("化适", {"climate-tz"}),
    ("适化", set()),
    # identifiers and organisations
    ("XM-DAC-41116-SEARCH-IDENT", {"ident"}),
    ("search-ident", {"ident"}),
    ("XM-BALI-DEMO-GEF", {"gef-partner"}),
    ('"global environment facility"', {"gef-partner"}),
    ("facility", {"gef-partner"}),
    ("XM-DAC-41114", {"biosafety-sn", "climatic-data", "ozono-es"}),
    ("development programme", {"biosafety-sn", "climatic-data", "ozono-es"}),
    # descriptions
    ("refrigerants", {"ozone-ke"}),
    ("batteries", {"solar-in"}),
    # nothing searchable, or repaired input
    ('"unclosed phrase', set()),
    ('"customs officers', {"ozone-ke"}),
    ("OR OR ozone OR", {"ozone-ke", "ozone-eg"}),
    ("ozone - -", {"ozone-ke", "ozone-eg"}),
    ("!!!", ALL_PUBLIC),
    ("", ALL_PUBLIC),
    ("zzzzunknown", set()),
]


@pytest.mark.django_db
def test_corpus_queries(found: Callable[..., set[str]]) -> None:
    failures = {}
    for query, expected in CORPUS_QUERIES:
        result = found(query)
        if result != expected:
            failures[query] = (sorted(result), sorted(expected))
    assert not failures, failures


@pytest.mark.django_db
def test_private_activities_only_for_those_who_may_see_them(
    found: Callable[..., set[str]], hq_user: User, make_user: Callable[..., User]
) -> None:
    assert found("climate finance") == set()
    assert found("climate finance", hq_user) == {"private-climate"}
    focal = make_user("national_focal_point", country="KE")
    assert found("climate finance", focal) == set()


@pytest.mark.django_db
def test_a_user_moved_to_another_organisation_sees_its_private_activities_at_once(
    found: Callable[..., set[str]], make_user: Callable[..., User]
) -> None:
    """The engine keeps a visibility mask per user; moving the user (no activity written, so
    the index's version is the same) must not answer from the old organisation's mask."""
    from bali.organisations.models import Organisation

    editor = make_user("partner_editor", org="XM-BALI-DEMO-GEF")
    assert found("climate finance", editor) == set()
    editor.organisation = Organisation.objects.get(ref="XM-DAC-41116")
    editor.save()
    assert found("climate finance", editor) == {"private-climate"}


@pytest.mark.django_db
def test_filters_combine_with_the_text(found: Callable[..., set[str]]) -> None:
    assert found("ozone", country=["KE"]) == {"ozone-ke"}
    assert found("ozone", country=["KE", "EG"]) == {"ozone-ke", "ozone-eg"}
    assert found("", theme=["TH12"], country=["CN"]) == {"wind-cn"}
    assert found("solar OR wind", region=["ASP"]) == {"solar-in", "wind-cn"}
    assert found("", sector=["230"]) == {"wind-cn"}
    assert found("", sector=["232", "230"]) == {"solar-in", "wind-cn"}
    assert found("", sector=["23230"]) == {"solar-in"}
    assert found("", mea=["CBD"]) == {"biosafety-sn"}
    assert found("", org=["XM-BALI-DEMO-GEF"]) == {"gef-partner"}
    assert found("-ozono", org=["XM-DAC-41114"]) == {"biosafety-sn", "climatic-data"}
    assert found("", year=["2010"]) == {"land-kz"}
    assert found("", year=["2030"]) == {"solar-in"}
    assert found("", gender=["2"]) == {"climate-tz"}
    assert found("", source=["imported"]) == set()
    assert found("", source=["local"]) == ALL_PUBLIC


BROAD_ALPHABET = st.sampled_from(
    [*"abcozne019 \"-*OR()^:+\\'NEAR{}[]", "气", "候", "é", "أ", "\x00", "\u200f", "\ue000"]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.text(BROAD_ALPHABET, max_size=80))
@pytest.mark.django_db
def test_any_query_runs_on_the_database_or_is_refused(corpus: dict[str, Any], raw: str) -> None:
    filters = ActivityFilters(q=raw)
    try:
        page = search(filters, None, page_size=100)
    except QueryError as error:
        assert str(error)
        return
    assert page.count == activity_queryset(filters, None).count()
