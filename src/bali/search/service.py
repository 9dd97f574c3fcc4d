"""The search interface other apps call (exports, IATI export, reports).

CONTRACT (kept stable while the implementation changes): `activity_queryset(filters, user)`
returns a QuerySet of the activities the user may see that match every filter, text query
included, ordered by `filters.sort`. The search issue replaces the internals (full-text index,
ranking, facets); callers need not change.

This first version matches the text query with a case-insensitive substring test on titles
and identifiers, which is correct but slow at scale.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

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


def activity_queryset(filters: ActivityFilters, user: object = None) -> QuerySet[Activity]:
    queryset = apply_filters(Activity.objects.visible_to(user), filters)  # type: ignore[arg-type]
    if filters.q:
        queryset = queryset.filter(
            Q(title__icontains=filters.q) | Q(iati_identifier__icontains=filters.q)
        )
    return queryset.order_by(*ORDERINGS.get(filters.sort, ORDERINGS["relevance"]))
