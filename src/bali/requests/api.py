"""Request endpoints under /api/v1/requests: the same services as the pages.

Reading is open (public fields of submitted requests; the whole file for insiders with a
token); writing needs `Authorization: Bearer <token>`. A draft someone may not see answers 404,
exactly like a reference that does not exist, so refusals never tell whether it exists.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from bali.api.api import activate_request_language
from bali.api.auth import token_auth
from bali.requests import serializers
from bali.requests.actions import do_create_request, do_update_request
from bali.requests.models import Request
from bali.requests.permissions import is_insider
from bali.requests.workflow import TransitionInput, do_transition_request

router = Router(tags=["requests"])
MAX_LIMIT = 200

Texts = str | dict[str, str] | None


class RequestFields(Schema):
    """The fields a national focal point writes; all optional for drafts."""

    model_config = ConfigDict(extra="forbid")

    title: Texts = Field(None, description="text in `language`, or {language: text}")
    description: Texts = None
    language: str | None = Field(None, description="ar, zh, en, fr, ru or es")
    support_type: str | None = None
    themes: list[str] | None = Field(None, description="BSP codes, e.g. ['TH02', 'CC04']")
    priority: str | None = None
    meas: list[str] | None = Field(None, description="MEA codes, e.g. ['UNFCCC']")
    expected_results: str | None = None
    desired_start: str | None = Field(None, description="YYYY-MM-DD")
    duration_months: int | None = None
    estimated_cost: str | float | None = None
    co_financing: str | float | None = None
    currency: str | None = Field(None, description="ISO 4217, e.g. USD")
    contacts: list[dict[str, Any]] | None = Field(None, description="[{name, role, email, phone}]")
    entry_point: str | None = Field(None, description="region code; default the country's")


class RequestCreate(RequestFields):
    submit: bool = Field(False, description="submit at once instead of keeping a draft")


class RequestPatch(RequestFields):
    version: int | None = Field(None, description="the version you read; 409 when stale")


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: str
    note: str = ""
    public: bool = True
    assignee: str = Field("", description="division:<code>, office:<region> or org:<id>")
    partner: str = Field("", description="the outside partner, for refer")
    summary: str = Field("", description="summary of results, for complete")
    activities: list[str] = Field(
        default_factory=list, description="answering activities (ids or IATI identifiers)"
    )
    version: int | None = Field(None, description="the version you read; 409 when stale")


def _fields(payload: Schema, *drop: str) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    for key in drop:
        data.pop(key, None)
    return data


def _visible(request: HttpRequest, ref: str) -> Request:
    found = (
        Request.objects.visible_to(request.user)
        .with_related()
        .filter(reference=ref.strip().upper())
        .first()
    )
    if found is None:
        raise Http404(_("There is no request %(reference)s.") % {"reference": ref})
    return found


def _full_or_public(request: HttpRequest, found: Request) -> dict[str, Any]:
    if is_insider(request.user, found):
        return serializers.request_full(found, request.user)
    return serializers.request_public(found)


@router.post("", auth=token_auth, response={201: dict}, summary="Open a request (a draft)")
def create_request(request: HttpRequest, payload: RequestCreate) -> Status[dict[str, Any]]:
    activate_request_language(request)
    created = do_create_request(request.user, _fields(payload, "submit"), submit=payload.submit)
    return Status(201, serializers.request_full(_visible(request, created.reference), request.user))


@router.get("", summary="Requests the caller may see, filtered")
def list_requests(
    request: HttpRequest,
    country: str = "",
    region: str = "",
    status: str = "",
    theme: str = "",
    year: int | None = None,
    assignee: str = "",
    overdue: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    activate_request_language(request)
    queryset = Request.objects.visible_to(request.user).filtered(
        country=country.upper(),
        region=region.upper(),
        status=status,
        theme=theme.upper(),
        year=year,
        assignee=assignee,
        overdue=overdue,
    )
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    page = queryset.with_related()[offset : offset + limit]
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": [serializers.request_summary(item) for item in page],
    }


@router.get("/{ref}", summary="One request: everything for insiders, public fields for others")
def get_request(request: HttpRequest, ref: str) -> dict[str, Any]:
    activate_request_language(request)
    return _full_or_public(request, _visible(request, ref))


@router.patch("/{ref}", auth=token_auth, summary="Change a draft (the requesting country)")
def patch_request(request: HttpRequest, ref: str, payload: RequestPatch) -> dict[str, Any]:
    activate_request_language(request)
    found = _visible(request, ref)
    do_update_request(request.user, found, _fields(payload, "version"), version=payload.version)
    return _full_or_public(request, _visible(request, ref))


@router.post("/{ref}/transitions", auth=token_auth, summary="Take a step of the workflow")
def transition(request: HttpRequest, ref: str, payload: TransitionIn) -> dict[str, Any]:
    activate_request_language(request)
    found = _visible(request, ref)
    data = TransitionInput(
        note=payload.note,
        public=payload.public,
        assignee=payload.assignee,
        partner=payload.partner,
        summary=payload.summary,
        activities=payload.activities,
        version=payload.version,
    )
    do_transition_request(request.user, found, payload.action, data)
    return _full_or_public(request, _visible(request, ref))


@router.get("/{ref}/events", summary="The timeline the caller may see")
def events(request: HttpRequest, ref: str) -> list[dict[str, Any]]:
    activate_request_language(request)
    found = _visible(request, ref)
    insider = is_insider(request.user, found)
    return [
        serializers.event_dict(event, insider)
        for event in found.events.timeline(insider).order_by("at", "id")
    ]
