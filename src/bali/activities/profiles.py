"""The activities of one country or one organisation, as their pages and API twins show them.

A country's activities are a search (`country=KE`), so the page links straight into the faceted
search. An organisation's are those it reports or takes part in; organisations without an IATI
identifier cannot be named in a search URL, so their selection is made here from the tables.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from bali.activities.filters import ActivityFilters
from bali.activities.models import Activity, ParticipatingOrg
from bali.activities.snapshot import decimal_str
from bali.activities.stats import Money, Profile
from bali.core.i18n import localized
from bali.organisations.models import Organisation
from bali.reference import lookups
from bali.search.service import activity_queryset


def find_organisation(key: str) -> Organisation | None:
    """An organisation by its IATI identifier, else by its number (for those without one)."""
    found = Organisation.objects.filter(ref=key).exclude(ref="").first()
    if found is None and key.isdigit() and len(key) < 19:
        found = Organisation.objects.filter(pk=int(key)).first()
    return found


def missing_country_message(code: str) -> str:
    return _("There is no country with the code %(code)s.") % {"code": code[:10]}


def missing_organisation_message() -> str:
    return _("There is no organisation with this identifier.")


def organisation_key(organisation: Organisation) -> str:
    """What names the organisation in URLs: its identifier, else its number."""
    return organisation.ref or str(organisation.pk)


def country_activities(code: str, user: Any = None) -> QuerySet[Activity]:
    return activity_queryset(ActivityFilters(country=[code], sort="newest"), user)


def organisation_activities(organisation: Organisation, user: Any = None) -> QuerySet[Activity]:
    """Activities the organisation reports or takes part in, newest first."""
    taking_part = ParticipatingOrg.objects.filter(organisation=organisation).values("activity_id")
    return (
        Activity.objects.visible_to(user)
        .filter(Q(reporting_org=organisation) | Q(pk__in=taking_part))
        .order_by("-updated_at", "-id")
    )


def organisation_roles(organisation: Organisation, user: Any = None) -> list[tuple[str, int]]:
    """How often the organisation takes part in each IATI role (funding, implementing, ...)."""
    visible = Activity.objects.visible_to(user).values("pk")
    rows = (
        ParticipatingOrg.objects.filter(organisation=organisation, activity__in=visible)
        .exclude(role="")
        .values_list("role")
        .annotate(n=Count("activity_id", distinct=True))
        .order_by("role")
    )
    return list(rows)


def top_organisations(profile: Profile) -> list[tuple[Organisation, int]]:
    """The reporting organisations of a profile, as objects, with their counts."""
    found = Organisation.objects.in_bulk([pk for pk, _n in profile.by_org])
    return [(found[pk], n) for pk, n in profile.by_org if pk in found]


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
    orgs = {
        pk: (ref, names)
        for pk, ref, names in Organisation.objects.filter(
            pk__in=[pk for pk, _n in profile.by_org]
        ).values_list("pk", "ref", "names")
    }
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
        "by_reporting_org": [
            {"ref": orgs[pk][0], "name": localized(orgs[pk][1]) or orgs[pk][0], "count": n}
            for pk, n in profile.by_org
            if pk in orgs
        ],
        "money": [_money(line) for line in profile.money],
    }
