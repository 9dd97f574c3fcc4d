"""Counts of the clearinghouse shown on the home page."""

from __future__ import annotations

from bali.activities.models import Activity, ParticipatingOrg, RecipientCountry


def public_activity_count() -> int:
    return Activity.objects.public().count()


def country_count() -> int:
    """Countries that receive at least one public activity."""
    return (
        RecipientCountry.objects.filter(activity__visibility="public")
        .values("country_id")
        .distinct()
        .count()
    )


def organisation_count() -> int:
    """Organisations that report or take part in at least one public activity."""
    reporting = set(
        Activity.objects.public()
        .exclude(reporting_org=None)
        .values_list("reporting_org_id", flat=True)
        .distinct()
    )
    participating = set(
        ParticipatingOrg.objects.filter(activity__visibility="public")
        .exclude(organisation=None)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    return len(reporting | participating)
