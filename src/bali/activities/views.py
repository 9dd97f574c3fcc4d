"""Activity pages: the record and its change history (extended by the clearinghouse issue)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from bali.activities import snapshot
from bali.activities.models import Activity
from bali.activities.permissions import can_edit_activity


def _visible(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Activity.objects.visible_to(request.user)


def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_object_or_404(snapshot.with_prefetch(_visible(request)), pk=activity_id)
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "can_edit": can_edit_activity(request.user, activity),  # type: ignore[arg-type]
        },
    )


def activity_by_iati_id(request: HttpRequest, iati_identifier: str) -> HttpResponse:
    activity = get_object_or_404(_visible(request), iati_identifier=iati_identifier)
    return redirect("activities:detail", activity_id=activity.pk)


def activity_history(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_object_or_404(_visible(request), pk=activity_id)
    changes = activity.changes.select_related("actor").order_by("-at", "-id")[:500]
    return render(request, "activities/history.html", {"activity": activity, "changes": changes})
