"""The search interface every other app calls (pages, API, exports, IATI export, reports).

CONTRACT (kept stable while the implementation changes):

- `activity_queryset(filters, user)` returns a QuerySet of the activities the user may see
  that match every filter, text query included, ordered by `filters.sort`. Exports stream it.
- `search(filters, user, page=, page_size=, cursor=, with_facets=, facet_limit=)` returns a
  `SearchPage`: the total count, one page of activities (with `reporting_org` selected), facet
  counts {facet name: [FacetValue]} for the facets in `FACETS`, and `next_cursor` (an opaque
  keyset cursor for the page after this one; None on the last page).
- A malformed text query or cursor raises `QueryError` (a ValueError whose message is
  translated and fit to show the user); pages and the API answer it with 400. A page past the
  end is not an error here: the count, and no results.

The engine behind it: the text query is parsed once (`bali.search.query`) and matched by the
database's full-text index (SQLite FTS5 or PostgreSQL tsvector, `bali.search.backends`); facet
counts, filters and sorting run on an in-memory numpy index (`bali.search.facet_index`) kept in
step through a change log. See docs/search.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from bali.activities.filters import ActivityFilters, apply_filters
from bali.activities.models import Activity
from bali.core.i18n import active_iso_language
from bali.search import engine, matching, ordering, presorted, relevance
from bali.search.backends import get_backend
from bali.search.counting import FACETS, combine, facet_counts, filter_masks
from bali.search.facet_index import FacetIndex
from bali.search.labels import facet_label
from bali.search.query import Query, QueryError, parse_query

__all__ = [
    "FACETS",
    "MAX_PAGE_SIZE",
    "FacetValue",
    "QueryError",
    "SearchPage",
    "activity_queryset",
    "search",
]

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchPage:
    count: int
    results: list[Activity]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    page: int = 1
    page_size: int = 20
    next_cursor: str | None = None
    # Additions: values left out of each facet by `facet_limit`, and the normalised words and
    # phrases searched for (to highlight them).
    facet_more: dict[str, int] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.count // self.page_size))


def activity_queryset(filters: ActivityFilters, user: Any = None) -> QuerySet[Activity]:
    """Every matching activity the user may see, in the order of `filters.sort` (SQL only:
    exports stream it; the text condition is a subquery on the full-text index)."""
    query = parse_query(filters.q)
    queryset = apply_filters(Activity.objects.visible_to(user), filters)
    if query.is_empty:
        return queryset.order_by(*ordering.sql_ordering(filters.sort, active_iso_language()))
    engine.ensure_text_index()
    backend = get_backend()
    if query.groups and filters.sort == "relevance":
        return backend.order_by_relevance(queryset, query)
    condition = RawSQL(*backend.id_subquery(query))
    if query.is_negative_only:
        queryset = queryset.exclude(pk__in=condition)
    else:
        queryset = queryset.filter(pk__in=condition)
    sort = ordering.effective_sort(filters.sort, False)
    return queryset.order_by(*ordering.sql_ordering(sort, active_iso_language()))


def _user_key(user: Any) -> tuple[Any, ...]:
    if user is None or not getattr(user, "is_authenticated", False):
        return ("anonymous",)
    # Everything `ActivityQuerySet.editable_by` reads: a user moved to another organisation or
    # division sees that one's private activities at once, not after the next write.
    return (
        user.pk,
        user.is_global,
        user.is_active,
        user.role,
        getattr(user, "organisation_id", None),
        getattr(user, "division_id", None),
    )


def _facet_values(
    counts: dict[str, dict[str, int]],
    filters: ActivityFilters,
    index: FacetIndex,
    limit: int | None,
    lang: str,
    labels: dict[tuple[str, str], str],
) -> tuple[dict[str, list[FacetValue]], dict[str, int]]:
    """FacetValues with labels in `lang` (`labels`: those already known, by facet and code;
    completed here): the most frequent first (years: the latest first); chosen values always
    included. Cached with the counts: callers must not change them."""

    def label(name: str, code: str) -> str:
        found = labels.get((name, code))
        if found is None:
            found = labels[name, code] = facet_label(name, code, index.org_names, lang)
        return found

    facets: dict[str, list[FacetValue]] = {}
    more: dict[str, int] = {}
    for name in FACETS:
        selected = set(getattr(filters, name))
        found = dict(counts.get(name, {}))
        for code in selected:
            found.setdefault(code, 0)  # a chosen value stays visible (to unselect it)
        if name == "year":
            ranked = sorted(found.items(), key=lambda item: item[0], reverse=True)
        else:
            ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        if limit is not None and len(ranked) > limit:
            kept = ranked[:limit] + [item for item in ranked[limit:] if item[0] in selected]
            more[name] = len(ranked) - len(kept)
            ranked = kept
        facets[name] = [
            FacetValue(code, label(name, code), n, code in selected) for code, n in ranked
        ]
    return facets, more


def _load_results(ids: list[int], user: Any) -> list[Activity]:
    """The page's activities in the engine's order (through the permission filter again)."""
    found = Activity.objects.visible_to(user).select_related("reporting_org").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def search(
    filters: ActivityFilters,
    user: Any = None,
    *,
    page: int = 1,
    page_size: int = 20,
    cursor: str | None = None,
    with_facets: bool = True,
    facet_limit: int | None = None,
) -> SearchPage:
    """One page of matching activities, the total count and the facet counts."""
    if page < 1:
        raise QueryError(_("The page number starts at 1."))
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    query = parse_query(filters.q)
    index, current = engine.current_index()
    with current.lock:
        visible = current.masks.get_or(
            (current.build, index.version, _user_key(user)), lambda: index.visible(user)
        )
        ranking = ordering.effective_sort(filters.sort, bool(query.groups)) == "relevance"
        base, matched = _text_filtered(current, index, query, visible, ranking)
        masks = filter_masks(index, filters)
        chosen = combine(base, list(masks.values()))
        count = int(np.count_nonzero(chosen))
        page_range = ((page - 1) * page_size, page_size)
        if ranking:
            ids, next_cursor = relevance.page(
                current, index, query, chosen, matched, page_range, cursor
            )
        else:
            ids, next_cursor = _sorted_page(index, chosen, filters.sort, page_range, cursor)
        facets: dict[str, list[FacetValue]] = {}
        facet_more: dict[str, int] = {}
        if with_facets:
            key = (current.build, index.version, _user_key(user), query.canonical(), _key(filters))
            lang = active_iso_language()
            counts = current.counts.get_or(
                key, lambda: facet_counts(index, base, masks, filters.year)
            )
            labels = current.labels.get_or((current.build, index.version, lang), dict)
            cached, facet_more = current.facets.get_or(
                (*key, lang, facet_limit),
                lambda: _facet_values(counts, filters, index, facet_limit, lang, labels),
            )
            facets = {name: list(values) for name, values in cached.items()}
    return SearchPage(
        count=count,
        results=_load_results(ids, user),
        facets=facets,
        page=page,
        page_size=page_size,
        next_cursor=next_cursor,
        facet_more=facet_more,
        terms=query.words(),
    )


def _key(filters: ActivityFilters) -> tuple[Any, ...]:
    return tuple(tuple(sorted(getattr(filters, name))) for name in FACETS)


def _text_filtered(
    current: engine.EngineState,
    index: FacetIndex,
    query: Query,
    visible: np.ndarray,
    ranking: bool,
) -> tuple[np.ndarray, int]:
    """(visible rows matching the text query, number of matches in the text index)."""
    if query.is_empty:
        return visible, 0
    mask, matched = matching.text_rows(current, index, query, ranking)
    return visible & mask, matched


def _sorted_page(
    index: FacetIndex, chosen: np.ndarray, sort: str, page_range: tuple[int, int], cursor: Any
) -> tuple[list[int], str | None]:
    """(ids of one page, next cursor) in an order of the facet index's own columns."""
    sort = ordering.effective_sort(sort, False)
    lang = active_iso_language()
    after = ordering.read_cursor(cursor, sort, ordering.key_count(sort)) if cursor else None
    if index.live_count() >= presorted.MIN_CANDIDATES and (
        np.count_nonzero(chosen) >= presorted.MIN_CANDIDATES
    ):
        rows, more = presorted.page(index, chosen, sort, lang, page_range, after)
    else:
        candidates = np.flatnonzero(chosen)
        keys = ordering.sort_keys(index, candidates, sort, lang)
        positions, more = ordering.select_page(keys, *page_range, after)
        rows = candidates[positions]
    ids = [int(pk) for pk in index.ids[rows]]
    if not more or not len(rows):
        return ids, None
    keys = ordering.sort_keys(index, rows[-1:], sort, lang)
    return ids, ordering.cursor_after(sort, keys, 0)
