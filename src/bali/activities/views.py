"""The change history page of an activity. The other activity pages (search, record, exports)
are portal views, routed from `activities/urls.py`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bali.activities.models import Activity
from bali.activities.viewers import viewer


def activity_history(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.visible_to(viewer(request)), pk=activity_id)
    changes = activity.changes.select_related("actor").order_by("-at", "-id")[:500]
    return render(request, "activities/history.html", {"activity": activity, "changes": changes})
