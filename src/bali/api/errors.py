"""How service-layer exceptions become API responses; shared by every router.

PermissionDenied → 403, ValidationError → 422 with {field: [messages]}, ConflictError → 409,
not found → 404, `ApiError` → its own status (400 for bad query parameters: `bad_request`).
Messages are in the caller's language (Accept-Language or ?lang=, checked by
`activate_language`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from bali.activities.actions import ConflictError
from bali.core.i18n import UN_LANGUAGES, django_language, iso_language
from bali.core.params import yes_no
from bali.core.permissions import PermissionDenied


class ApiError(Exception):
    """An error a handler raises with a status and message of its choosing (e.g. 400)."""

    def __init__(self, status: int, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or {}


def bad_request(exc: ValidationError) -> ApiError:
    """400 for bad query parameters: the first message as `detail`, every message in `errors`."""
    errors = _field_errors(exc)
    first = next((messages[0] for messages in errors.values() if messages), "")
    return ApiError(400, first or _("The data is not valid."), errors)


def activate_language(request: HttpRequest) -> str:
    """The caller's language, active for the rest of the request: `?lang=` when given, else
    Accept-Language. A `lang` that is not one of the six UN languages is a 400 (activating it
    would put it into every link the answer holds, and some values break URL reversing)."""
    from bali.api.api import activate_request_language  # api.py imports this module

    lang = request.GET.get("lang")
    if lang and iso_language(lang) not in UN_LANGUAGES:
        choices = ", ".join(django_language(code) for code in UN_LANGUAGES)
        message = _("Choose lang= among: %(choices)s.") % {"choices": choices}
        raise ApiError(400, message, {"lang": [message]})
    return activate_request_language(request)


def flag(request: HttpRequest, name: str) -> bool:
    """A yes/no query parameter (`?active=true`); 400 for a value that is neither."""
    value = yes_no(request.GET.get(name))
    if value is not None:
        return value
    message = _("%(name)s is true or false.") % {"name": name}
    raise ApiError(400, message, {name: [message]})


def _nul_paths(value: Any, path: str = "") -> list[str]:
    """Paths (`title.en`, `budgets.0.currency`) of the strings that hold a NUL character."""
    if isinstance(value, str):
        return [path or "__all__"] if "\x00" in value else []
    if isinstance(value, dict):
        items = [(str(key), item) for key, item in value.items()]
        keys = [path or "__all__" for key, _item in items if "\x00" in key]
    elif isinstance(value, list):
        items, keys = [(str(index), item) for index, item in enumerate(value)], []
    else:
        return []
    found = keys + [p for key, item in items for p in _nul_paths(item, f"{path}.{key}".lstrip("."))]
    return list(dict.fromkeys(found))


def refuse_nul(data: Any) -> None:
    """422 for JSON text holding NUL characters: no field may hold one, and PostgreSQL could
    not store it (forms refuse them already; IATI XML cannot carry them)."""
    paths = _nul_paths(data)
    if paths:
        message = _("Text may not contain the NUL character.")
        raise ValidationError({path: [message] for path in paths})


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _ninja_errors(exc: NinjaValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path", "payload")
        ]
        errors.setdefault(".".join(location) or "__all__", []).append(str(error.get("msg", "")))
    return errors


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or _("You may not do this."))

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, 422, _("The data is not valid."), errors=_field_errors(exc))

    @api.exception_handler(NinjaValidationError)
    def invalid_shape(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, 422, _("The data is not valid."), errors=_ninja_errors(exc))

    @api.exception_handler(ConflictError)
    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return respond(request, 409, str(exc))

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return respond(request, 404, _("Not found."))

    @api.exception_handler(Http404)
    def missing_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Django's own "No X matches the given query." is for developers, and in English.
        message = str(exc)
        if not message or message.endswith("matches the given query."):
            message = _("Not found.")
        return respond(request, 404, message)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(
            request, 401, _("A valid API token is required (Authorization: Bearer ...).")
        )

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        extra = {"errors": exc.errors} if exc.errors else {}
        return respond(request, exc.status, exc.message, **extra)
