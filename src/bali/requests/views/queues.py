"""Work queues: a regional office's requests, a division's or partner's assigned requests,
and HQ's overview with counts by region and status. Overdue requests come first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bali.accounts.roles import Role
from bali.core.permissions import PermissionDenied
from bali.reference.models import Region, Theme
from bali.requests.assignees import assignee_keys_of, assignee_label
from bali.requests.filters import RequestFilters, read_filters
from bali.requests.models import ASSIGNEE_HOLDS, OFFICE_HOLDS, Request, Status
from bali.requests.querysets import RequestQuerySet
from bali.requests.views.common import signed_in
from bali.requests.views.detail import assignee_choices

PAGE_SIZE = 50


ALL = "all"


def _queue(request: HttpRequest, queryset: RequestQuerySet, waiting: Iterable[str]) -> QueueView:
    """The queue's rows after the filters in the address: a status, `all`, or (by default) the
    statuses `waiting` for the person; a theme; overdue only. Bad values are named, not used."""
    choice = request.GET.get("status", "")
    params = request.GET.copy()
    if choice == ALL:
        params.pop("status")
    filters, problems = read_filters(params)
    if choice != ALL and not filters.status:
        queryset = queryset.filter(status__in=list(waiting))
    rows = queryset.filtered(filters).with_related().queue_order()
    return QueueView(
        page=Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        filters=filters,
        status=choice if choice == ALL else filters.status,
        problems=[message for messages in problems.values() for message in messages],
    )


@dataclass
class QueueView:
    page: Page
    filters: RequestFilters
    status: str
    problems: list[str]

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "page": self.page,
            "filters": self.filters,
            "status": self.status,
            "statuses": Status.choices,
            "problems": self.problems,
            **extra,
        }

    @property
    def http_status(self) -> int:
        return 400 if self.problems else 200


@login_required
def office_queue(request: HttpRequest) -> HttpResponse:
    """A regional officer's region (HQ chooses a region, or sees all), overdue first."""
    user = signed_in(request)
    if user.role == Role.REGIONAL_OFFICER and user.region_id:
        queryset = Request.objects.of_office(user.region_id)
        region = user.region
    elif user.is_global:
        queryset, region = Request.objects.public(), None
    else:
        raise PermissionDenied(_("This page is for regional offices and HQ."))
    view = _queue(request, queryset, OFFICE_HOLDS)
    if region is None and view.filters.region:
        region = Region.objects.get(code=view.filters.region)
    context = view.context(
        region=region,
        regions=Region.objects.all() if user.is_global else [],
        themes=Theme.objects.all(),
        assignee_choices=assignee_choices(),
    )
    return render(request, "requests/office.html", context, status=view.http_status)


@login_required
def assigned_queue(request: HttpRequest) -> HttpResponse:
    keys = assignee_keys_of(request.user)
    if not keys:
        raise PermissionDenied(_("This page is for divisions, offices and partners."))
    view = _queue(request, Request.objects.assigned_to(keys), ASSIGNEE_HOLDS)
    context = view.context(keys=[assignee_label(key) for key in keys])
    return render(request, "requests/assigned.html", context, status=view.http_status)


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
            "cells": [(value, counts.get((region.code, value), 0)) for value, _label in statuses],
            "total": sum(n for (code, _s), n in counts.items() if code == region.code),
        }
        for region in regions
    ]
    totals = [
        (value, sum(n for (_c, s), n in counts.items() if s == value)) for value, _l in statuses
    ]
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
