"""The activities of one country or one organisation, as their pages and API twins show them.

A country's activities are a search (`country=KE`), so the page links straight into the faceted
search. An organisation's are those it reports or takes part in; organisations without an IATI
identifier cannot be named in a search URL, so their selection is made here from the tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from bali.activities.filters import ActivityFilters
from bali.activities.models import (
    Activity,
    ActivityChange,
    ParticipatingOrg,
    RecipientCountry,
    Visibility,
)
from bali.activities.snapshot import decimal_str
from bali.activities.stats import (
    Money,
    Profile,
    money_where,
    search_profile,
    sql_profile,
)
from bali.core.i18n import localized
from bali.organisations.models import Organisation, name_key
from bali.reference import lookups
from bali.search.service import search

LATEST = 10
# The cache key holds the data's generation (`_generation`), so a write is seen at once; the
# time limit only lets figures nobody asks for again leave memory.
GLANCE_CACHE_SECONDS = 3600


def find_organisation(key: str) -> Organisation | None:
    """An organisation by its IATI identifier, else by its number (for those without one)."""
    found = Organisation.objects.filter(ref=key).exclude(ref="").first()
    if found is None and key.isdigit() and len(key) < 19:
        found = Organisation.objects.filter(pk=int(key)).first()
    return found


def matching_organisations(queryset: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    """Organisations whose identifier or name contains the text, or whose acronym it is."""
    text = text.strip()[:200]
    if not text:
        return queryset
    return queryset.filter(
        Q(ref__icontains=text) | Q(name_key__contains=name_key(text)) | Q(acronym__iexact=text)
    )


def missing_country_message(code: str) -> str:
    return _("There is no country with the code %(code)s.") % {"code": code[:10]}


def missing_organisation_message() -> str:
    return _("There is no organisation with this identifier.")


def organisation_key(organisation: Organisation) -> str:
    """What names the organisation in URLs: its identifier, else its number."""
    return organisation.ref or str(organisation.pk)


def organisation_activities(organisation: Organisation, user: Any = None) -> QuerySet[Activity]:
    """Activities the organisation reports or takes part in, newest first."""
    taking_part = ParticipatingOrg.objects.filter(organisation=organisation).values("activity_id")
    return (
        Activity.objects.visible_to(user)
        .filter(Q(reporting_org=organisation) | Q(pk__in=taking_part))
        .order_by("-updated_at", "-id")
    )


def _visible_activity(user: Any) -> Q:
    """A condition on `activity__` for the activities the user may see: a join on visibility
    for the public (a list of the ids of every public activity costs a second at a million)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(activity__visibility=Visibility.PUBLIC)
    return Q(activity__in=Activity.objects.visible_to(user).values("pk"))


def organisation_roles(organisation: Organisation, user: Any = None) -> list[tuple[str, int]]:
    """How often the organisation takes part in each IATI role (funding, implementing, ...)."""
    rows = (
        ParticipatingOrg.objects.filter(organisation=organisation)
        .filter(_visible_activity(user))
        .exclude(role="")
        .values_list("role")
        .annotate(n=Count("activity_id", distinct=True))
        .order_by("role")
    )
    return list(rows)


def organisation_money(organisation: Organisation, user: Any = None) -> list[Money]:
    """The money of the activities an organisation reports or takes part in, per currency.

    The same activities as the search `org=<identifier>` (every participation that names an
    identifier links its organisation), found through the indexed links and joined once: for
    a publisher of 230,000 activities 1.5 s instead of 4.5 s through a list of their ids."""
    taking_part = ParticipatingOrg.objects.filter(organisation=organisation).values("activity_id")
    mine = Q(activity__reporting_org=organisation) | Q(activity_id__in=taking_part)
    return money_where(mine & _visible_activity(user))


@dataclass
class Glance:
    """What a country or organisation page shows: figures, the latest activities, and for an
    organisation the roles it takes part in."""

    profile: Profile
    latest: list[Activity]
    roles: list[tuple[str, int]] = field(default_factory=list)


def _generation() -> str:
    """Changes whenever an activity is written (every write path records a change), so cached
    figures never outlive the data they were counted from in this process."""
    # The newest change by id: one index probe (`MAX(id), MAX(at)` together scan the table).
    last = ActivityChange.objects.order_by("-id").values_list("id", "at").first()
    return f"{last[0]}-{last[1].timestamp()}" if last else "none"


def _cached(key: str, user: Any, compute: Callable[[], Any]) -> Any:
    """Figures for the public are cached until an activity changes (money sums over the
    activities of a large organisation take seconds at a million activities); signed-in
    people, who may see private activities, always get them counted afresh.

    What is cached must not depend on the language: it is shared by readers of all six
    (`_cached_profile` keeps codes only and names the organisations per reader)."""
    if user is not None and getattr(user, "is_authenticated", False):
        return compute()
    return cache.get_or_set(f"bali:glance:{key}:{_generation()}", compute, GLANCE_CACHE_SECONDS)


def _cached_profile(key: str, user: Any, compute: Callable[[], Profile]) -> Profile:
    """`_cached` for a profile: its organisations are cached as keys and named in the active
    language when read (one query for at most `top` organisations)."""
    if user is not None and getattr(user, "is_authenticated", False):
        return compute()
    stored: Profile = _cached(key, user, lambda: _without_names(compute()))
    return replace(stored, by_org=named_organisations(stored.by_org))


def _without_names(profile: Profile) -> Profile:
    return replace(profile, by_org=[(key, "", n) for key, _name, n in profile.by_org])


def named_organisations(rows: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """(key, name in the active language, count): a key is an IATI identifier, or the number
    of an organisation without one (`organisation_key`); the key itself when it has no name."""
    keys = [key for key, _name, _n in rows]
    if not keys:
        return []
    numbers = [int(key) for key in keys if key.isdigit() and len(key) < 19]
    by_ref = Q(ref__in=keys) & ~Q(ref="")  # the unique index's condition: an index search
    found = Organisation.objects.filter(by_ref | Q(ref="", pk__in=numbers)).order_by()
    rows_found = found.values_list("pk", "ref", "names")
    names = {ref or str(pk): localized(texts) for pk, ref, texts in rows_found}
    return [(key, names.get(key) or key, n) for key, _name, n in rows]


def _latest(filters: ActivityFilters, user: Any) -> list[Activity]:
    return search(filters, user, page=1, page_size=LATEST, with_facets=False).results


def country_money(code: str, user: Any = None) -> list[Money]:
    """The money of the activities a country receives, per currency (see
    `organisation_money`)."""
    receiving = RecipientCountry.objects.filter(country_id=code).values("activity_id")
    return money_where(Q(activity_id__in=receiving) & _visible_activity(user))


def country_glance(code: str, user: Any = None) -> Glance:
    filters = ActivityFilters(country=[code])
    summary = _cached_profile(
        f"country:{code}",
        user,
        lambda: search_profile(filters, user, money=country_money(code, user)),
    )
    return Glance(summary, _latest(ActivityFilters(country=[code], sort="newest"), user))


def organisation_glance(organisation: Organisation, user: Any = None) -> Glance:
    """Through the search (`org=<ref>`: reports or takes part) when the organisation has an
    IATI identifier; counted in SQL for the few that have none."""
    key = f"org:{organisation.pk}"
    roles = _cached(f"{key}:roles", user, lambda: organisation_roles(organisation, user))
    if organisation.ref:
        filters = ActivityFilters(org=[organisation.ref])
        summary = _cached_profile(
            key,
            user,
            lambda: search_profile(filters, user, money=organisation_money(organisation, user)),
        )
        latest = _latest(ActivityFilters(org=[organisation.ref], sort="newest"), user)
        return Glance(summary, latest, roles)
    activities = organisation_activities(organisation, user)
    summary = _cached_profile(key, user, lambda: sql_profile(activities))
    return Glance(summary, list(activities.select_related("reporting_org")[:LATEST]), roles)


def _money(line: Money) -> dict[str, Any]:
    return {
        "currency": line.currency,
        "budget": decimal_str(line.budget),
        "committed": decimal_str(line.committed),
        "disbursed": decimal_str(line.disbursed),
        "spent": decimal_str(line.spent),
    }


def profile_json(profile: Profile) -> dict[str, Any]:
    """A profile as the API gives it: codes with names in the active language."""
    return {
        "count": profile.count,
        "first_year": profile.first_year,
        "last_year": profile.last_year,
        "by_status": [
            {"code": code, "name": lookups.code_name("ActivityStatus", code), "count": n}
            for code, n in profile.by_status
        ],
        "by_theme": [
            {"code": code, "name": lookups.theme_name(code), "count": n}
            for code, n in profile.by_theme
        ],
        "by_country": [
            {"code": code, "name": lookups.country_name(code), "count": n}
            for code, n in profile.by_country
        ],
        "by_organisation": [
            {"key": key, "name": name, "count": n} for key, name, n in profile.by_org
        ],
        "money": [_money(line) for line in profile.money],
    }
