"""Similar activities: the same recipient country or UNEP region, a BSP theme in common, and
dates that overlap. Shown on every activity page so that duplicated work is visible (§19, §27).

The candidates come from the search service (its in-memory index filters a million activities
in milliseconds, where the same query in SQL scans a date index row by row): first activities in
one of the same countries, then — only when those are too few — others in the same regions,
each time with a BSP theme in common and running in the same years; the dates are then checked
to the day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bali.activities.filters import ActivityFilters
from bali.activities.models import Activity, ActivityTheme, RecipientCountry
from bali.reference import lookups
from bali.search.service import QueryError, search

DEFAULT_LIMIT = 8
CANDIDATES = 30  # read per search, to keep `limit` after the exact date check


@dataclass
class Similar:
    """A similar activity and why it counts as one."""

    activity: Activity
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)


def _overlap(activity: Activity, other: Activity) -> bool:
    """Whether the two date ranges overlap; an open end runs on, unknown dates never exclude."""
    if activity.end_date and other.start_date and other.start_date > activity.end_date:
        return False
    return not (activity.start_date and other.end_date and other.end_date < activity.start_date)


def _years(activity: Activity) -> list[str]:
    """The years the activity runs in (the search's `year` filter), none when undated."""
    if activity.start_date is None:
        return []
    last = (activity.end_date or activity.start_date).year
    return [
        str(year)
        for year in range(activity.start_date.year, max(last, activity.start_date.year) + 1)
    ]


def _found(
    activity: Activity, user: Any, filters: ActivityFilters, skip: set[int]
) -> list[Activity]:
    """Activities of the search service for the place and themes, in years the activity runs,
    then checked to the day (the `year` filter is by whole years)."""
    filters.year, filters.sort = _years(activity), "-start"
    try:
        page = search(filters, user, page=1, page_size=CANDIDATES, with_facets=False)
    except QueryError:
        return []
    return [a for a in page.results if a.pk not in skip and _overlap(activity, a)]


def similar_activities(
    activity: Activity, user: Any = None, limit: int = DEFAULT_LIMIT
) -> list[Similar]:
    """Up to `limit` similar activities, same-country ones first."""
    countries = list(activity.countries.values_list("country_id", flat=True))
    themes = list(activity.themes.values_list("theme_id", flat=True))
    regions = sorted({r for c in countries if (r := lookups.country_regions().get(c))})
    if not themes or not countries:
        return []
    same_country = ActivityFilters(country=countries, theme=themes)
    found = _found(activity, user, same_country, {activity.pk})[:limit]
    if len(found) < limit and regions:
        skip = {activity.pk, *(a.pk for a in found)}
        same_region = ActivityFilters(region=regions, theme=themes)
        found += _found(activity, user, same_region, skip)[: limit - len(found)]
    return _explain(found, set(countries), set(regions), set(themes))


def _explain(
    found: list[Activity], countries: set[str], regions: set[str], themes: set[str]
) -> list[Similar]:
    """What each similar activity shares with the first: countries, regions, themes."""
    ids = [a.pk for a in found]
    their_countries: dict[int, list[str]] = {pk: [] for pk in ids}
    for pk, code in RecipientCountry.objects.filter(activity_id__in=ids).values_list(
        "activity_id", "country_id"
    ):
        their_countries[pk].append(code)
    their_themes: dict[int, list[str]] = {pk: [] for pk in ids}
    for pk, code in ActivityTheme.objects.filter(
        activity_id__in=ids, theme_id__in=themes
    ).values_list("activity_id", "theme_id"):
        their_themes[pk].append(code)
    region_of = lookups.country_regions()
    result = []
    for activity in found:
        shared = [c for c in their_countries[activity.pk] if c in countries]
        shared_regions = sorted(
            {region_of.get(c, "") for c in their_countries[activity.pk]} & regions
        )
        themes_shared = sorted(their_themes[activity.pk])
        result.append(Similar(activity, shared, [] if shared else shared_regions, themes_shared))
    return result
