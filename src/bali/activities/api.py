"""Activity endpoints of the API (extended by the clearinghouse issue: search, create, edit)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from bali.activities import snapshot
from bali.activities.models import Activity

router = Router(tags=["activities"])


@router.get("/{int:activity_id}", summary="One activity, everything the record holds")
def get_activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    queryset = snapshot.with_prefetch(Activity.objects.visible_to(request.user))
    activity = get_object_or_404(queryset, pk=activity_id)
    return {"id": activity.pk, "version": activity.version, **snapshot.snapshot(activity)}
