"""Activity endpoints of the API: search with facets, one activity (by id or IATI identifier),
its history, create and change (token, through the activity services), and the overview that
twins the home page.

Handlers parse, call one service and shape the answer; rules live in `actions.py`,
`permissions.py` and the search service. Query parameters are parsed by the same functions as
the search page (`filters.parse_filters`, `paging.parse_paging`), so a URL means the same on
both, and bad values give the same translated messages (400).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from bali.activities import snapshot
from bali.activities.actions import do_create_activity, do_update_activity
from bali.activities.models import Activity
from bali.activities.paging import Paging, PastTheEnd, find_page, parse_search
from bali.activities.similar import similar_activities
from bali.activities.stats import entry_counts
from bali.activities.viewers import viewer
from bali.api.auth import token_auth
from bali.api.errors import ApiError, activate_language, bad_request, refuse_nul
from bali.core.stats import home_counts
from bali.exports import shapes
from bali.exports.rows import rows_for
from bali.reference.lookups import region_name, theme_name
from bali.reference.models import Region, Theme
from bali.search.service import QueryError, SearchPage

router = Router(tags=["activities"])
# The most values one facet lists (every country and year fits; organisations, which run to
# thousands on a large clearinghouse, are cut): `facets_more` says how many were left out.
FACET_LIMIT = 300

ACTIVITY_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "Activity data as documented in docs/data-model.md "
                    "(the shape GET /api/v1/activities/{id} returns). PATCH takes only the "
                    "keys to change, plus `version` (the version read) to detect conflicts.",
                    "additionalProperties": True,
                }
            }
        },
    }
}
WRITABLE_KEYS = frozenset(
    (*snapshot.SCALAR_FIELDS, "reporting_org", "division", *snapshot.CHILD_KEYS)
)
# Keys of the full record that a client may send back unchanged; they are not written.
READ_ONLY_KEYS = frozenset(("id", "version", "updated_at", *snapshot.PROVENANCE_FIELDS))


class FilterParams(Schema):
    """Documents the filters every search-shaped endpoint takes (the search, the exports);
    parsing is `parse_filters`."""

    q: str | None = Field(None, description='words, "phrases", OR, -word, prefix*')
    country: list[str] = Field([], description="ISO 3166 alpha-2 code(s), e.g. KE")
    region: list[str] = Field([], description="UNEP region code(s): AFR ASP EUR LAC NAM WAS")
    theme: list[str] = Field([], description="BSP theme code(s): CC01–CC13, TH01–TH19")
    sector: list[str] = Field([], description="DAC code(s): 5 digits, or a 3-digit category")
    org: list[str] = Field([], description="IATI organisation identifier(s)")
    status: list[str] = Field([], description="IATI ActivityStatus code(s)")
    type: list[str] = Field([], description="type of support, e.g. training")
    year: list[str] = Field([], description="year(s) the activity runs in, e.g. 2024")
    gender: list[str] = Field([], description="gender marker 0, 1 or 2")
    mea: list[str] = Field([], description="MEA code(s), e.g. MONTREAL")
    source: list[str] = Field([], description="local, imported, or imported:<publisher ref>")


class SearchParams(FilterParams):
    """Documents the query parameters; parsing is `parse_filters` / `parse_paging`."""

    sort: str | None = Field(None, description="relevance newest start -start budget -budget title")
    page: str | None = Field(None, description="page number from 1 (default 1)")
    cursor: str | None = Field(None, description="`next_cursor` of the previous page")
    page_size: str | None = Field(None, description="results per page, 1 to 100 (default 20)")


def run_search(request: HttpRequest) -> tuple[SearchPage, Paging]:
    """The search of the query string, or ApiError: 400 bad parameters, 404 past the end."""
    try:
        filters, paging = parse_search(request.GET)
        return find_page(filters, paging, viewer(request), FACET_LIMIT), paging
    except ValidationError as exc:
        raise bad_request(exc) from exc
    except QueryError as exc:
        raise ApiError(400, str(exc), {"q": [str(exc)]}) from exc
    except PastTheEnd as exc:
        raise ApiError(404, str(exc)) from exc


def _page_link(request: HttpRequest, **changes: Any) -> str:
    query = request.GET.copy()
    for key in ("page", "cursor"):
        query.pop(key, None)
    for key, value in changes.items():
        query[key] = str(value)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@router.get("", summary="Search activities: results, count and facet counts")
def search_activities(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    activate_language(request)
    result, paging = run_search(request)
    names = shapes.Namer()
    # Page mode links pages by number; cursor mode (a `cursor` was sent) follows `next_cursor`.
    if paging.cursor is None:
        more = paging.page < result.page_count
        next_link = _page_link(request, page=paging.page + 1) if more else None
        previous = _page_link(request, page=paging.page - 1) if paging.page > 1 else None
    else:
        next_link = _page_link(request, cursor=result.next_cursor) if result.next_cursor else None
        previous = None
    return {
        "count": result.count,
        "page": result.page if paging.cursor is None else None,
        "page_size": result.page_size,
        "page_count": result.page_count,
        "next": next_link,
        "previous": previous,
        "next_cursor": result.next_cursor,
        "results": [shapes.summary(row, names) for row in rows_for(result.results)],
        "facets": shapes.facets_json(result.facets),
        "facets_more": {name: n for name, n in result.facet_more.items() if n},
    }


def _full(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "version": activity.version,
        "updated_at": snapshot.plain(activity.updated_at),
        **snapshot.snapshot(activity),
    }


def _visible(request: HttpRequest) -> Any:
    return snapshot.with_prefetch(Activity.objects.visible_to(viewer(request)))


@router.get("/{int:activity_id}", summary="One activity, everything the record holds")
def get_activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activate_language(request)
    return _full(_get_or_404(_visible(request), pk=activity_id))


@router.get(
    "/by-iati-id/{path:iati_identifier}",
    summary="One activity by its IATI identifier (which may contain / and :)",
)
def get_activity_by_iati_id(request: HttpRequest, iati_identifier: str) -> dict[str, Any]:
    activate_language(request)
    return _full(_get_or_404(_visible(request), iati_identifier=iati_identifier))


@router.get(
    "/{int:activity_id}/similar",
    summary="Similar activities: same country or region, a BSP theme in common, overlapping dates",
)
def get_similar(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activate_language(request)
    activity = _get_or_404(Activity.objects.visible_to(viewer(request)), pk=activity_id)
    found = similar_activities(activity, viewer(request))
    names = shapes.Namer()
    rows = {row.id: row for row in rows_for([item.activity for item in found])}
    return {
        "id": activity.pk,
        "results": [
            {
                **shapes.summary(rows[item.activity.pk], names),
                "shared": {
                    "countries": item.countries,
                    "regions": item.regions,
                    "themes": item.themes,
                },
            }
            for item in found
            if item.activity.pk in rows
        ],
    }


@router.get("/{int:activity_id}/history", summary="The recorded changes of one activity")
def get_history(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activate_language(request)
    activity = _get_or_404(Activity.objects.visible_to(viewer(request)), pk=activity_id)
    changes = activity.changes.select_related("actor").order_by("-at", "-id")[:500]
    return {
        "id": activity.pk,
        "iati_identifier": activity.iati_identifier,
        "changes": [
            {
                "at": snapshot.plain(change.at),
                "action": change.action,
                "action_name": change.get_action_display(),
                "by": change.actor.display_name if change.actor else change.actor_label,
                "changes": change.changes,
            }
            for change in changes
        ],
    }


def _body(request: HttpRequest) -> dict[str, Any]:
    """The JSON object sent, or 400/422 with a clear message."""
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, _("The request body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("Give the activity as a JSON object."))
    refuse_nul(data)
    unknown = sorted(set(data) - WRITABLE_KEYS - READ_ONLY_KEYS)
    if unknown:
        raise ValidationError({key: [_("This field is not known.")] for key in unknown})
    return data


def _writable(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key in WRITABLE_KEYS}


def _get_or_404(queryset: Any, **lookup: Any) -> Activity:
    activity = queryset.filter(**lookup).first()
    if activity is None:
        raise ApiError(404, _("There is no activity with this identifier."))
    return activity


@router.post(
    "",
    auth=token_auth,
    response={201: dict},
    openapi_extra=ACTIVITY_BODY,
    summary="Create an activity (editors of its organisation or division, HQ, admins)",
)
def create_activity(request: HttpRequest) -> Status:
    activate_language(request)
    data = _writable(_body(request))
    activity = do_create_activity(viewer(request), data)
    return Status(201, _full(_visible(request).get(pk=activity.pk)))


@router.patch(
    "/{int:activity_id}",
    auth=token_auth,
    openapi_extra=ACTIVITY_BODY,
    summary="Change some fields of an activity; send `version` to detect concurrent edits",
)
def update_activity(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activate_language(request)
    activity = _get_or_404(Activity.objects.visible_to(viewer(request)), pk=activity_id)
    data = _body(request)
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise ValidationError({"version": [_("The version is a whole number.")]})
    do_update_activity(viewer(request), activity, _writable(data), expected_version=version)
    return _full(_visible(request).get(pk=activity.pk))


@router.get("/overview", summary="The home page in figures: counts, regions and themes")
def overview(request: HttpRequest) -> dict[str, Any]:
    activate_language(request)
    entries = entry_counts(viewer(request))
    return {
        "counts": {key: count for key, _label, count in home_counts()},
        "regions": [
            {"code": code, "name": region_name(code), "count": entries["region"].get(code, 0)}
            for code in Region.objects.values_list("code", flat=True)
        ],
        "themes": [
            {
                "code": code,
                "kind": kind,
                "name": theme_name(code),
                "count": entries["theme"].get(code, 0),
            }
            for code, kind in Theme.objects.values_list("code", "kind")
        ],
    }
