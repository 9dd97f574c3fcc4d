"""Reading what clients send to the request endpoints, with the project's own checks.

The endpoints read their JSON bodies and query strings themselves (as the activity endpoints
do) instead of letting pydantic refuse them, so that every refusal is a message in the caller's
language naming the field: malformed JSON is a 400, a body larger than Django accepts a 413, a
value of the wrong type a 422, a bad list filter a 400. The schemas in `api.py` only document
the bodies in the OpenAPI document. Text holding a NUL character is refused (422), as
everywhere in the API.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFilesSent, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from bali.api.errors import ApiError, bad_request, refuse_nul
from bali.core.params import whole_number
from bali.requests.filters import RequestFilters, parse_filters
from bali.requests.step_inputs import TransitionInput

TEXT_KEYS = ("note", "assignee", "partner", "summary")
TRANSITION_KEYS = ("action", "public", "activities", "version", *TEXT_KEYS)
MAX_LIMIT = 200


def read_object(request: HttpRequest) -> dict[str, Any]:
    """The JSON object in the body, or a clear 400, 413 or 422."""
    try:
        raw = request.body
    except RequestDataTooBig as exc:
        raise ApiError(413, _("The request body is too large.")) from exc
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, _("The request body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("Send a JSON object."))
    refuse_nul(data)  # as every endpoint of the API; the services drop other control characters
    return data


def read_upload(request: HttpRequest) -> UploadedFile:
    """The `file` part of a multipart/form-data body, or a clear 400 or 422."""
    try:
        upload = request.FILES.get("file")
    except (MultiPartParserError, TooManyFilesSent, RequestDataTooBig) as exc:
        raise ApiError(400, _("Send the document as multipart/form-data.")) from exc
    if upload is None:
        raise ValidationError({"file": [_("Choose a file to attach.")]})
    return upload


def pop_flag(data: dict[str, Any], key: str) -> bool:
    """`submit`: true or false (absent is false)."""
    value = data.pop(key, False)
    if not isinstance(value, bool):
        raise ValidationError({key: [_("Write true or false.")]})
    return value


def pop_version(data: dict[str, Any]) -> int | None:
    """`version`: the whole number the client read, or absent."""
    value = data.pop("version", None)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError({"version": [_("The version is a whole number.")]})
    return value


def transition_input(data: dict[str, Any]) -> tuple[str, TransitionInput]:
    """The action and its inputs; every wrong key or type is named in one 422."""
    errors = _transition_errors(data)
    if errors:
        raise ValidationError(errors)
    payload = TransitionInput(
        **{key: data.get(key) or "" for key in TEXT_KEYS},
        public=data.get("public", True),
        activities=[str(item) for item in data.get("activities") or []],
        version=data.get("version"),
    )
    return str(data["action"]), payload


def _transition_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {
        key: [_("This field cannot be set here.")] for key in data if key not in TRANSITION_KEYS
    }
    action = data.get("action")
    if not isinstance(action, str) or not action.strip():
        errors["action"] = [_("Name the action, e.g. acknowledge.")]
    for key in TEXT_KEYS:
        if not isinstance(data.get(key) or "", str):
            errors[key] = [_("Give a text.")]
    if not isinstance(data.get("public", True), bool):
        errors["public"] = [_("Write true or false.")]
    activities = data.get("activities") or []
    if not isinstance(activities, list) or not all(
        isinstance(item, str | int) and not isinstance(item, bool) for item in activities
    ):
        errors["activities"] = [_("Give a list of activity ids or IATI identifiers.")]
    try:
        pop_version(dict(data))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    return errors


def list_query(params: Mapping[str, Any]) -> tuple[RequestFilters, int, int]:
    """Filters, limit and offset of `GET /requests`, or a 400 naming every bad parameter."""
    errors: dict[str, list[str]] = {}
    filters = RequestFilters()
    try:
        filters = parse_filters(params)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    limit = _whole(params, "limit", 50, 1, MAX_LIMIT, errors)
    offset = _whole(params, "offset", 0, 0, 10**9, errors)
    if errors:
        raise bad_request(ValidationError(errors))
    return filters, limit, offset


def _whole(
    params: Mapping[str, Any],
    name: str,
    default: int,
    lowest: int,
    highest: int,
    errors: dict[str, list[str]],
) -> int:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return default
    found = whole_number(raw, len(str(highest)))
    if found is None or not lowest <= found <= highest:
        errors[name] = [
            _("%(name)s is a whole number from %(lowest)d to %(highest)d.")
            % {"name": name, "lowest": lowest, "highest": highest}
        ]
        return default
    return found
