"""The search interface every other app calls (pages, API, exports, IATI export, reports).

CONTRACT (kept stable while the implementation changes):

- `activity_queryset(filters, user)` returns a QuerySet of the activities the user may see
  that match every filter, text query included, ordered by `filters.sort`. Exports stream it.
- `search(filters, user, page=, page_size=, cursor=, with_facets=)` returns a `SearchPage`: the
  total count, one page of activities (with `reporting_org` selected), and facet counts
  {facet name: [FacetValue]} for the facets in `FACETS`.
- A malformed text query raises `QueryError` (a ValueError whose message is translated and fit
  to show the user); pages and the API answer it with 400.

This first version matches the text query with a case-insensitive substring test on titles and
identifiers and counts facets with the ORM: correct, slow at scale. The search engine (FTS5 /
PostgreSQL full text, in-memory facet index) replaces the internals without changing callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from bali.activities.filters import ActivityFilters, apply_filters
from bali.activities.models import Activity

ORDERINGS = {
    "relevance": ("-updated_at", "-id"),
    "newest": ("-updated_at", "-id"),
    "start": ("start_date", "id"),
    "-start": ("-start_date", "-id"),
    "budget": ("total_budget", "id"),
    "-budget": ("-total_budget", "-id"),
    "title": ("iati_identifier",),
}

# Facet names are the filter parameter names (`?country=KE` selects a value of facet `country`).
FACETS = (
    "country",
    "region",
    "theme",
    "sector",
    "org",
    "status",
    "type",
    "year",
    "gender",
    "mea",
    "source",
)
MAX_PAGE_SIZE = 100


class QueryError(ValueError):
    """The text query cannot be understood (the message says why, in the user's language)."""


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

    @property
    def page_count(self) -> int:
        return max(1, -(-self.count // self.page_size))


def activity_queryset(filters: ActivityFilters, user: Any = None) -> QuerySet[Activity]:
    queryset = apply_filters(Activity.objects.visible_to(user), filters)
    if filters.q:
        queryset = queryset.filter(
            Q(title__icontains=filters.q) | Q(iati_identifier__icontains=filters.q)
        )
    return queryset.order_by(*ORDERINGS.get(filters.sort, ORDERINGS["relevance"]))


def _naive_facets(
    queryset: QuerySet[Activity], filters: ActivityFilters
) -> dict[str, list[FacetValue]]:
    from bali.reference import lookups

    def values(name: str, path: str, label: Any) -> list[FacetValue]:
        rows = (
            queryset.exclude(**{f"{path}__isnull": True})
            .values(path)
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n")
        )
        selected = set(getattr(filters, name))
        return [
            FacetValue(str(row[path]), label(str(row[path])), row["n"], str(row[path]) in selected)
            for row in rows
        ]

    return {
        "country": values("country", "countries__country_id", lookups.country_name),
        "region": values("region", "countries__country__unep_region_id", lookups.region_name),
        "theme": values("theme", "themes__theme_id", lookups.theme_name),
        "status": values(
            "status", "status", lambda code: lookups.code_name("ActivityStatus", code)
        ),
        "mea": values("mea", "meas__code", lookups.mea_name),
    }


def search(
    filters: ActivityFilters,
    user: Any = None,
    *,
    page: int = 1,
    page_size: int = 20,
    cursor: str | None = None,
    with_facets: bool = True,
) -> SearchPage:
    if page < 1:
        raise QueryError(_("The page number starts at 1."))
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    queryset = activity_queryset(filters, user)
    count = queryset.count()
    start = (page - 1) * page_size
    results = list(queryset.select_related("reporting_org")[start : start + page_size])
    facets = _naive_facets(queryset, filters) if with_facets else {}
    return SearchPage(count, results, facets, page, page_size)
