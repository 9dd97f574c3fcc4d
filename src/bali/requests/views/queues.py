"""Work queues: a regional office's requests, a division's or partner's assigned requests,
and HQ's overview with counts by region and status. Overdue requests come first."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bali.accounts.roles import Role
from bali.core.permissions import PermissionDenied
from bali.reference.models import Region, Theme
from bali.requests.assignees import assignee_keys_of
from bali.requests.models import OFFICE_HOLDS, Request, Status
from bali.requests.views.common import signed_in
from bali.requests.views.detail import assignee_choices

PAGE_SIZE = 50


def _office_region(request: HttpRequest) -> str:
    """A regional officer sees their region; HQ chooses one (or all)."""
    user = signed_in(request)
    if user.role == Role.REGIONAL_OFFICER and user.region_id:
        return user.region_id
    if user.is_global:
        return request.GET.get("region", "").upper()
    raise PermissionDenied(_("This page is for regional offices and HQ."))


@login_required
def office_queue(request: HttpRequest) -> HttpResponse:
    region = _office_region(request)
    status = request.GET.get("status", "")
    queryset = Request.objects.public()
    if region:
        queryset = queryset.of_office(region)
    if status in Status.values:
        queryset = queryset.filter(status=status)
    elif status != "all":
        queryset = queryset.filter(status__in=OFFICE_HOLDS)
    queryset = queryset.filtered(
        theme=request.GET.get("theme", "").upper(), overdue=request.GET.get("overdue") == "1"
    )
    page = Paginator(queryset.with_related().queue_order(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "requests/office.html",
        {
            "page": page,
            "region": Region.objects.filter(code=region).first(),
            "regions": Region.objects.all() if signed_in(request).is_global else [],
            "status": status,
            "statuses": Status.choices,
            "themes": Theme.objects.all(),
            "theme": request.GET.get("theme", ""),
            "assignee_choices": assignee_choices(),
        },
    )


@login_required
def assigned_queue(request: HttpRequest) -> HttpResponse:
    keys = assignee_keys_of(request.user)
    if not keys:
        raise PermissionDenied(_("This page is for divisions, offices and partners."))
    status = request.GET.get("status", "")
    queryset = Request.objects.assigned_to(keys)
    if status in Status.values:
        queryset = queryset.filter(status=status)
    elif status != "all":
        queryset = queryset.filter(status__in=(Status.ASSIGNED, Status.IN_PROGRESS))
    page = Paginator(queryset.with_related().queue_order(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "requests/assigned.html",
        {"page": page, "status": status, "statuses": Status.choices, "keys": keys},
    )


@login_required
def hq_overview(request: HttpRequest) -> HttpResponse:
    if not signed_in(request).is_global:
        raise PermissionDenied(_("This page is for HQ coordinators."))
    public = Request.objects.public()
    counts = Counter(
        {
            (row["entry_region_id"], row["status"]): row["n"]
            for row in public.order_by().values("entry_region_id", "status").annotate(n=Count("id"))
        }
    )
    regions = list(Region.objects.all())
    statuses = [(value, label) for value, label in Status.choices if value != Status.DRAFT]
    table = [
        {
            "region": region,
            "cells": [counts.get((region.code, value), 0) for value, _label in statuses],
            "total": sum(n for (code, _s), n in counts.items() if code == region.code),
        }
        for region in regions
    ]
    totals = [sum(n for (_c, s), n in counts.items() if s == value) for value, _l in statuses]
    overdue = public.open().overdue().with_related().queue_order()[:100]
    return render(
        request,
        "requests/overview.html",
        {
            "statuses": statuses,
            "table": table,
            "totals": totals,
            "grand_total": sum(counts.values()),
            "overdue": overdue,
            "overdue_count": public.open().overdue().count(),
        },
    )
