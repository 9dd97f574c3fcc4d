"""Exports of any search, streamed: `export.csv?rows=activity|country|sector|facets` and
`export.json`, with the same query parameters as the search page (the page links to them)."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bali.exports import shapes, streams
from bali.portal.views.common import BadQuery, bad_request, read_search, viewer
from bali.search.service import QueryError, activity_queryset, search

ROW_CHOICES = (*streams.ROW_KINDS, "facets")
CSV_TYPE = "text/csv; charset=utf-8"


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def export_csv(request: HttpRequest) -> HttpResponseBase:
    rows = request.GET.get("rows") or "activity"
    try:
        filters, _paging = read_search(request)
        if rows not in ROW_CHOICES:
            raise BadQuery(
                {"rows": [_("Choose rows=%(choices)s.") % {"choices": "|".join(ROW_CHOICES)}]}
            )
        if rows == "facets":
            facets = search(filters, viewer(request), page=1, page_size=1).facets
            stream = streams.facet_rows(facets, get_language())
            return streams.download(stream, CSV_TYPE, streams.filename("facets", "csv"))
        queryset = activity_queryset(filters, viewer(request))
    except BadQuery as exc:
        return bad_request(request, exc.errors)
    except QueryError as exc:
        return bad_request(request, {"q": [str(exc)]})
    stream = streams.csv_rows(queryset, rows, _base_url(request), get_language())
    name = "activities" if rows == "activity" else f"activities-by-{rows}"
    return streams.download(stream, CSV_TYPE, streams.filename(name, "csv"))


def export_json(request: HttpRequest) -> HttpResponseBase:
    try:
        filters, _paging = read_search(request)
        page = search(filters, viewer(request), page=1, page_size=1)
    except BadQuery as exc:
        return bad_request(request, exc.errors)
    except QueryError as exc:
        return bad_request(request, {"q": [str(exc)]})
    head = {
        "count": page.count,
        "generated_at": timezone.now().isoformat(),
        "filters": filters.as_params(),
        "facets": shapes.facets_json(page.facets),
    }
    queryset = activity_queryset(filters, viewer(request))
    stream = streams.json_document(queryset, head, get_language())
    return streams.download(
        stream, "application/json; charset=utf-8", streams.filename("activities", "json")
    )
