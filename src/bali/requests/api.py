"""Request endpoints under /api/v1/requests: the same services as the pages.

Reading is open (public fields of submitted requests; the whole file for insiders with a
token); writing needs `Authorization: Bearer <token>`. A draft someone may not see answers 404,
exactly like a reference that does not exist, so refusals never tell whether it exists.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from bali.api.auth import token_auth
from bali.api.errors import activate_language
from bali.requests import serializers
from bali.requests.actions import do_create_request, do_update_request
from bali.requests.api_input import (
    list_query,
    pop_flag,
    pop_version,
    read_object,
    read_upload,
    transition_input,
)
from bali.requests.attachments import attachment_response, do_add_attachment
from bali.requests.models import Request
from bali.requests.models import Status as RequestStatus
from bali.requests.numbering import REFERENCE_PATTERN
from bali.requests.permissions import check_attach, is_insider
from bali.requests.transitions import ACTIONS
from bali.requests.validation import shown
from bali.requests.workflow import do_transition_request

router = Router(tags=["requests"])
REFERENCE = re.compile(REFERENCE_PATTERN)

Texts = str | dict[str, str] | None


class ListParams(Schema):
    """Documents the query parameters; `api_input.list_query` reads them (400 when bad)."""

    country: str = Field("", description="ISO 3166 alpha-2 code, e.g. KE")
    region: str = Field("", description="UNEP region of the entry point: AFR ASP EUR LAC NAM WAS")
    status: str = Field("", description=" | ".join(RequestStatus.values))
    theme: str = Field("", description="BSP theme code, e.g. TH02")
    year: str = Field("", description="year the request was opened, e.g. 2026")
    assignee: str = Field("", description="division:<code>, office:<region> or org:<id>")
    overdue: str = Field("", description="true: only requests whose next step is overdue")
    limit: str = Field("", description="1 to 200 (default 50)")
    offset: str = Field("", description="0 or more (default 0)")


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

    action: str = Field(description=" | ".join(ACTIONS))
    note: str = ""
    public: bool = True
    assignee: str = Field("", description="division:<code>, office:<region> or org:<id>")
    partner: str = Field("", description="the outside partner, for refer")
    summary: str = Field("", description="summary of results, for complete")
    activities: list[str] = Field(
        default_factory=list, description="answering activities (ids or IATI identifiers)"
    )
    version: int | None = Field(None, description="the version you read; 409 when stale")


def _body_doc(schema: type[Schema]) -> dict[str, Any]:
    """Document a JSON body in the OpenAPI document; the handler reads it (`api_input`)."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


def _visible(request: HttpRequest, ref: str) -> Request:
    """The request, if the caller may see it; else the same 404 as for a reference that does
    not exist, so a refusal never tells whether a hidden draft exists."""
    reference = ref.strip().upper()
    found = None
    if REFERENCE.fullmatch(reference):
        found = (
            Request.objects.visible_to(request.user)
            .with_related()
            .filter(reference=reference)
            .first()
        )
    if found is None:
        raise Http404(_("There is no request %(reference)s.") % {"reference": shown([ref])})
    return found


def _full_or_public(request: HttpRequest, found: Request) -> dict[str, Any]:
    if is_insider(request.user, found):
        return serializers.request_full(found, request.user)
    return serializers.request_public(found)


@router.post(
    "",
    auth=token_auth,
    response={201: dict},
    openapi_extra=_body_doc(RequestCreate),
    summary="Open a request (a draft, or submitted with `submit: true`)",
)
def create_request(request: HttpRequest) -> Status[dict[str, Any]]:
    activate_language(request)
    data = read_object(request)
    submit = pop_flag(data, "submit")
    created = do_create_request(request.user, data, submit=submit)
    return Status(201, serializers.request_full(_visible(request, created.reference), request.user))


@router.get("", summary="Requests the caller may see, filtered")
def list_requests(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    activate_language(request)
    filters, limit, offset = list_query(request.GET)
    queryset = Request.objects.visible_to(request.user).filtered(filters)
    page = queryset.with_related()[offset : offset + limit]
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": [serializers.request_summary(item) for item in page],
    }


@router.get("/{ref}", summary="One request: everything for insiders, public fields for others")
def get_request(request: HttpRequest, ref: str) -> dict[str, Any]:
    activate_language(request)
    return _full_or_public(request, _visible(request, ref))


@router.patch(
    "/{ref}",
    auth=token_auth,
    openapi_extra=_body_doc(RequestPatch),
    summary="Change a draft, or a request sent back for information (the requesting country)",
)
def patch_request(request: HttpRequest, ref: str) -> dict[str, Any]:
    activate_language(request)
    found = _visible(request, ref)
    data = read_object(request)
    version = pop_version(data)
    do_update_request(request.user, found, data, version=version)
    return _full_or_public(request, _visible(request, ref))


@router.post(
    "/{ref}/transitions",
    auth=token_auth,
    openapi_extra=_body_doc(TransitionIn),
    summary="Take a step of the workflow",
)
def transition(request: HttpRequest, ref: str) -> dict[str, Any]:
    activate_language(request)
    found = _visible(request, ref)
    action, payload = transition_input(read_object(request))
    do_transition_request(request.user, found, action, payload)
    return _full_or_public(request, _visible(request, ref))


@router.get("/{ref}/events", summary="The timeline the caller may see")
def events(request: HttpRequest, ref: str) -> list[dict[str, Any]]:
    activate_language(request)
    found = _visible(request, ref)
    insider = is_insider(request.user, found)
    return [
        serializers.event_dict(event, insider)
        for event in found.events.timeline(insider).order_by("at", "id")
    ]


UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        },
    }
}


@router.post(
    "/{ref}/attachments",
    auth=token_auth,
    response={201: dict},
    openapi_extra=UPLOAD_DOC,
    summary="Add a document (PDF, Office file, image) to an open request (people inside it)",
)
def add_attachment(request: HttpRequest, ref: str) -> Status[dict[str, Any]]:
    activate_language(request)
    found = _visible(request, ref)
    check_attach(request.user, found)  # before the upload is read
    added = do_add_attachment(request.user, found, read_upload(request))
    return Status(201, serializers.attachment_dict(added))


@router.get(
    "/{ref}/attachments/{int:attachment_id}",
    url_name="request_attachment",
    summary="Download a document (people inside the request; 404 for anyone else)",
)
def download_attachment(request: HttpRequest, ref: str, attachment_id: int) -> FileResponse:
    activate_language(request)
    return attachment_response(request.user, _visible(request, ref), attachment_id)
