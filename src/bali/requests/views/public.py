"""What anyone may read: the list of submitted requests and each request's timeline."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bali.reference.models import Country, Region, Theme
from bali.requests.filters import read_filters
from bali.requests.models import Request, Status
from bali.requests.views.common import visible_request
from bali.requests.views.detail import detail_context

PAGE_SIZE = 25


def request_list(request: HttpRequest) -> HttpResponse:
    """Submitted requests, filtered by country, region, status, theme and year; a bad filter
    is named at the top of the page (400) and left out."""
    filters, problems = read_filters(request.GET)
    queryset = Request.objects.visible_to(request.user).filtered(filters)
    page = Paginator(queryset.with_related(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "problems": [message for messages in problems.values() for message in messages],
        "countries": Country.objects.filter(support_requests__submitted_at__isnull=False)
        .distinct()
        .order_by("code"),
        "regions": Region.objects.all(),
        "statuses": Status.choices,
        "themes": Theme.objects.all(),
        "years": sorted(
            {d.year for d in Request.objects.public().dates("created_at", "year")}, reverse=True
        ),
    }
    return render(request, "requests/list.html", context, status=400 if problems else 200)


def request_detail(request: HttpRequest, ref: str) -> HttpResponse:
    """The public timeline; insiders also see contacts, documents, internal notes and forms."""
    found = visible_request(request, ref)
    return render(request, "requests/detail.html", detail_context(request, found))
