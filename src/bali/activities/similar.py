"""Similar activities: the same recipient country or UNEP region, a BSP theme in common, and
dates that overlap. Shown on every activity page so that duplicated work is visible (§19, §27).

Two bounded queries rather than one scored query over all candidates: first activities in one of
the same countries, then — only when those are too few — others in the same regions. Each query
lets the database stop after `limit` rows, which keeps the activity page fast at scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from bali.activities.models import Activity, ActivityTheme, RecipientCountry
from bali.reference import lookups

DEFAULT_LIMIT = 8


@dataclass
class Similar:
    """A similar activity and why it counts as one."""

    activity: Activity
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)


def _overlapping(start: date | None, end: date | None) -> Q:
    """Dates that overlap [start, end]; an open end runs on, unknown dates never exclude."""
    condition = Q()
    if end is not None:
        condition &= Q(start_date__lte=end) | Q(start_date__isnull=True)
    if start is not None:
        condition &= Q(end_date__gte=start) | Q(end_date__isnull=True)
    return condition


def _candidates(
    activity: Activity, user: Any, themes: list[str], place: Q, exclude: list[int]
) -> QuerySet[Activity]:
    return (
        Activity.objects.visible_to(user)
        .exclude(pk__in=[activity.pk, *exclude])
        .filter(pk__in=ActivityTheme.objects.filter(theme_id__in=themes).values("activity_id"))
        .filter(pk__in=RecipientCountry.objects.filter(place).values("activity_id"))
        .filter(_overlapping(activity.start_date, activity.end_date))
        .select_related("reporting_org")
        .order_by("-start_date", "-id")
    )


def similar_activities(
    activity: Activity, user: Any = None, limit: int = DEFAULT_LIMIT
) -> list[Similar]:
    """Up to `limit` similar activities, same-country ones first."""
    countries = list(activity.countries.values_list("country_id", flat=True))
    themes = list(activity.themes.values_list("theme_id", flat=True))
    regions = sorted({r for c in countries if (r := lookups.country_regions().get(c))})
    if not themes or not countries:
        return []
    found = list(_candidates(activity, user, themes, Q(country_id__in=countries), [])[:limit])
    if len(found) < limit and regions:
        place = Q(country__unep_region_id__in=regions)
        found += list(
            _candidates(activity, user, themes, place, [a.pk for a in found])[: limit - len(found)]
        )
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
