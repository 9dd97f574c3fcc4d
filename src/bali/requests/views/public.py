"""What anyone may read: the list of submitted requests and each request's timeline."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bali.reference.models import Country, Region, Theme
from bali.requests.models import Request, Status
from bali.requests.views.common import visible_request
from bali.requests.views.detail import detail_context

PAGE_SIZE = 25
FILTERS = ("country", "region", "status", "theme", "year")


def request_list(request: HttpRequest) -> HttpResponse:
    """Submitted requests, filtered by country, region, status, theme and year."""
    filters = {name: request.GET.get(name, "").strip() for name in FILTERS}
    if not filters["year"].isdigit():
        filters["year"] = ""
    queryset = Request.objects.visible_to(request.user).filtered(
        **filters, overdue=request.GET.get("overdue") == "1"
    )
    page = Paginator(queryset.with_related(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "requests/list.html",
        {
            "page": page,
            "filters": filters,
            "countries": Country.objects.filter(support_requests__submitted_at__isnull=False)
            .distinct()
            .order_by("code"),
            "regions": Region.objects.all(),
            "statuses": Status.choices,
            "themes": Theme.objects.all(),
            "years": sorted(
                {d.year for d in Request.objects.public().dates("created_at", "year")},
                reverse=True,
            ),
        },
    )


def request_detail(request: HttpRequest, ref: str) -> HttpResponse:
    """The public timeline; insiders also see contacts, documents, internal notes and forms."""
    found = visible_request(request, ref)
    return render(request, "requests/detail.html", detail_context(request, found))
