"""The home page: what the clearinghouse is, live counts, a search box, and the ways in by UNEP
region and by BSP theme (links into the search with that facet chosen)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from bali.activities.stats import entry_counts
from bali.core.stats import home_counts
from bali.portal.views.common import viewer
from bali.reference.models import Region, Theme

# Where each registered home count leads, when the page exists.
COUNT_LINKS = {
    "activities": "activities:search",
    "countries": "portal:countries",
    "organisations": "portal:organisations",
    "requests": "requests:list",
}


def _count_link(key: str) -> str:
    try:
        return reverse(COUNT_LINKS[key]) if key in COUNT_LINKS else ""
    except NoReverseMatch:
        return ""


def home(request: HttpRequest) -> HttpResponse:
    entries = entry_counts(viewer(request))
    search = reverse("activities:search")

    def themed(kind: str) -> list[dict[str, Any]]:
        return [
            {"theme": theme, "count": entries["theme"].get(theme.code, 0)}
            for theme in Theme.objects.filter(kind=kind)
        ]

    return render(
        request,
        "portal/home.html",
        {
            "counts": [
                {"key": key, "label": label, "count": count, "url": _count_link(key)}
                for key, label, count in home_counts()
            ],
            "regions": [
                {"region": region, "count": entries["region"].get(region.code, 0)}
                for region in Region.objects.all()
            ],
            "cross_cutting": themed("cross_cutting"),
            "thematic": themed("thematic"),
            "search_url": search,
        },
    )
