"""Refuse addresses that carry a NUL character (`%00`) with a 400, before any view runs.

No identifier, code or search text holds one, and PostgreSQL cannot compare or store text that
does (the database would raise an error, a 500). Checking once here covers every page and API
endpoint, including the parameters views pass straight to the database (`org=`, `source=`,
organisation keys, IATI identifiers in paths).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"


def _with_nul(request: HttpRequest) -> list[str] | None:
    """The query parameters that carry a NUL (`[]` when it is in the path), None if none."""
    names = [
        name
        for name, values in request.GET.lists()
        if NUL in name or any(NUL in value for value in values)
    ]
    if names:
        return [name.replace(NUL, "") or "__all__" for name in names]
    return [] if NUL in request.path else None


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        names = _with_nul(request)
        if names is None:
            return self.get_response(request)
        message = _("The address contains a NUL character, which cannot be used.")
        if request.path.startswith("/api/"):
            body: dict[str, Any] = {"detail": message}
            if names:
                body["errors"] = {name: [message] for name in names}
            return JsonResponse(body, status=400)
        return render(request, "portal/bad_request.html", {"problems": [message]}, status=400)
