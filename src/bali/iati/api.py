"""IATI exchange in the API: activity and organisation files, and import runs.

- `GET /api/v1/iati/activities.xml?FILTERS[&include_imported=1]`: IATI 2.03 XML of the public
  activities matching the search filters (the same parameters as `GET /api/v1/activities`),
  streamed; only activities entered here unless `include_imported` is set.
- `GET /api/v1/iati/organisations.xml`: the organisation file of the organisations that publish
  here.
- `POST /api/v1/iati/imports` (multipart `file`, optional `publisher`), `GET /api/v1/iati/imports`
  and `GET /api/v1/iati/imports/{id}`: start an import and follow it, for HQ coordinators and
  administrators (the JSON twin of the import page).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Status
from ninja.files import UploadedFile

from bali.activities.api import FilterParams
from bali.activities.filters import parse_filters
from bali.api.auth import token_auth
from bali.api.errors import ApiError, activate_language, bad_request
from bali.iati import actions
from bali.iati.export_org import write_organisations
from bali.iati.exporter import publishable, stream_activities
from bali.iati.models import ImportRun, RunOrigin
from bali.search.service import QueryError, activity_queryset

router = Router(tags=["iati"])
MESSAGES_SHOWN = 500
XML = "application/xml; charset=utf-8"


class ExportParams(FilterParams):
    """Documents the query parameters; parsing is `bali.activities.filters.parse_filters`."""

    include_imported: bool = Field(
        False, description="also re-publish activities imported from other publishers"
    )


class _Chunks:
    """A file-like sink for lxml's incremental writer; the response drains it."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(bytes(data))

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts = []
        return data


def _stream(queryset: Any) -> Iterator[bytes]:
    sink = _Chunks()
    for _written in stream_activities(queryset, sink):  # type: ignore[arg-type]
        data = sink.drain()
        if data:
            yield data
    yield sink.drain()


@router.get(
    "/activities.xml",
    summary="Activities as IATI 2.03 XML, chosen with the search filters",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {"application/xml": {}}}}},
)
def export_activities(request: HttpRequest, params: Query[ExportParams]) -> StreamingHttpResponse:
    activate_language(request)
    try:
        filters = parse_filters(request.GET)
        queryset = activity_queryset(filters, request.user)
    except ValidationError as exc:
        raise bad_request(exc) from exc
    except QueryError as exc:
        raise ApiError(400, str(exc), {"q": [str(exc)]}) from exc
    queryset = publishable(queryset, params.include_imported)
    response = StreamingHttpResponse(_stream(queryset), content_type=XML)
    response["Content-Disposition"] = 'inline; filename="activities.xml"'
    return response


@router.get(
    "/organisations.xml",
    summary="IATI organisation file of the organisations that publish here",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {"application/xml": {}}}}},
)
def export_organisations(request: HttpRequest) -> StreamingHttpResponse:
    sink = _Chunks()
    write_organisations(sink)  # type: ignore[arg-type]
    response = StreamingHttpResponse(iter([sink.drain()]), content_type=XML)
    response["Content-Disposition"] = 'inline; filename="organisations.xml"'
    return response


def run_data(run: ImportRun, *, messages: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": run.pk,
        "status": run.status,
        "origin": run.origin,
        "label": run.label,
        "publisher": run.publisher,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "percent": run.percent,
        "files": {"total": run.files_total, "done": run.files_done, "failed": run.files_failed},
        "activities": run.activities,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "skipped": run.skipped,
        "warnings": run.warnings,
        "errors": run.errors,
    }
    if messages:
        data["messages"] = [
            message.as_issue().as_dict() for message in run.messages.all()[:MESSAGES_SHOWN]
        ]
        data["messages_shown"] = len(data["messages"])
    return data


def _runs(request: HttpRequest) -> Any:
    actions.check_import(request.user)
    return ImportRun.objects.visible_to(request.user)


@router.get("/imports", auth=token_auth, summary="Import runs, newest first (HQ and admins)")
def list_imports(request: HttpRequest) -> dict[str, Any]:
    activate_language(request)
    runs = _runs(request)[:100]
    return {"results": [run_data(run) for run in runs]}


@router.get("/imports/{run_id}", auth=token_auth, summary="One import run with its messages")
def get_import(request: HttpRequest, run_id: int) -> dict[str, Any]:
    activate_language(request)
    run = get_object_or_404(_runs(request), pk=run_id)
    return run_data(run, messages=True)


@router.post(
    "/imports",
    auth=token_auth,
    response={202: dict},
    summary="Upload an IATI activity file; it is imported outside the request",
)
def start_import(
    request: HttpRequest, file: File[UploadedFile], publisher: Form[str] = ""
) -> Status:
    activate_language(request)
    run = actions.do_start_import(request.user, file, publisher=publisher, origin=RunOrigin.API)
    return Status(202, run_data(run))
