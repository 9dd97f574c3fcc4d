"""The search page `/<lang>/activities/`: text query, facets with counts, sorting, pages.

The URL holds the whole state, so every link and the form work without JavaScript. With htmx,
facet links, the form and the pager swap only the search area (`HX-Target: search-area`); the
view then renders just that part, and the language menu out of band so it keeps the query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode

from bali.activities.filters import SORTS, ActivityFilters
from bali.activities.paging import MAX_PAGE_SIZE, Paging, PastTheEnd, find_page
from bali.portal.facets import MORE_LIMIT, SORT_LABELS, facet_panel, query_string
from bali.portal.views.common import BadQuery, bad_request, not_found, read_search, viewer
from bali.search.service import QueryError, SearchPage

PAGER_WINDOW = 2


def _partial(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Target") == "search-area"
        and not request.headers.get("HX-History-Restore-Request")
    )


def _pager(filters: ActivityFilters, paging: Paging, result: SearchPage) -> list[dict[str, Any]]:
    """Page links: first, a window around the current page, last (None marks a gap)."""
    last = result.page_count
    numbers = {1, last, *range(paging.page - PAGER_WINDOW, paging.page + PAGER_WINDOW + 1)}
    params = filters.as_params()
    if paging.page_size != 20:
        params["page_size"] = paging.page_size
    links: list[dict[str, Any]] = []
    previous = 0
    for number in sorted(n for n in numbers if 1 <= n <= last):
        if number - previous > 1:
            links.append({"gap": True})
        page_params = {**params, "page": number} if number > 1 else params
        links.append(
            {"number": number, "url": query_string(page_params), "current": number == paging.page}
        )
        previous = number
    return links


def _exports(filters: ActivityFilters) -> dict[str, str]:
    params = filters.as_params()
    csv_url = reverse("activities:export_csv")
    json_url = reverse("activities:export_json")
    return {
        "csv": csv_url + query_string(params),
        "csv_country": csv_url + query_string({**params, "rows": "country"}),
        "csv_sector": csv_url + query_string({**params, "rows": "sector"}),
        "csv_facets": csv_url + query_string({**params, "rows": "facets"}),
        "json": json_url + query_string(params),
        "api": "/api/v1/activities" + ("?" + urlencode(params, doseq=True) if params else ""),
        "print": query_string({**params, "page_size": MAX_PAGE_SIZE}),
    }


def search_page(request: HttpRequest) -> HttpResponse:
    try:
        filters, paging = read_search(request)
        result = find_page(filters, paging, viewer(request), MORE_LIMIT)
    except BadQuery as exc:
        return bad_request(request, exc.errors)
    except QueryError as exc:
        return bad_request(request, {"q": [str(exc)]})
    except PastTheEnd as exc:
        return not_found(request, str(exc), back_url=query_string(filters.as_params()))
    prefetch_related_objects(result.results, "countries", "themes")
    context = {
        "filters": filters,
        "result": result,
        "paging": paging,
        "panel": facet_panel(
            filters, result.facets, request.GET.get("more", ""), result.facet_more
        ),
        "pager": _pager(filters, paging, result),
        "sorts": [(code, SORT_LABELS[code]) for code in SORTS],
        "hidden": [
            (name, value)
            for name, values in filters.as_params().items()
            if name not in ("q", "sort")
            for value in values
        ]
        + ([("page_size", str(paging.page_size))] if paging.page_size != 20 else []),
        "exports": _exports(filters),
        "first_number": (paging.page - 1) * paging.page_size + 1,
    }
    template = "portal/search/partial.html" if _partial(request) else "portal/search/page.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
