"""Related activities as the page shows them: each IATI reference, linked when the activity is
held here, and the activities here that name this one (parents naming children and back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bali.activities.models import Activity, RelatedActivity


@dataclass
class Related:
    ref: str
    type: str
    activity: Activity | None  # the activity here with that identifier, if the user may see it


def related_activities(activity: Activity, user: Any = None) -> list[Related]:
    """The activity's own related-activity references (use a prefetched activity)."""
    links = list(activity.related_activities.all())
    refs = [link.ref for link in links]
    held = {
        a.iati_identifier: a
        for a in Activity.objects.visible_to(user).filter(iati_identifier__in=refs)
    }
    return [Related(link.ref, link.type, held.get(link.ref)) for link in links]


def referring_activities(activity: Activity, user: Any = None, limit: int = 50) -> list[Related]:
    """Activities here that list this one among their related activities."""
    links = (
        RelatedActivity.objects.filter(ref=activity.iati_identifier)
        .exclude(activity_id=activity.pk)
        .filter(activity__in=Activity.objects.visible_to(user))
        .select_related("activity")
        .order_by("activity_id")[:limit]
    )
    return [Related(link.activity.iati_identifier, link.type, link.activity) for link in links]
