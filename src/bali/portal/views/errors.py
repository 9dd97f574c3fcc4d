"""Error pages (wired as handler404/403/500 in the URL map) and the health check.

Under `/api/` the answers are JSON `{"detail": ...}` like the API's own errors, so a client
that mistypes an endpoint gets a message it can read instead of an HTML page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        message = _("There is no API endpoint at this address: see /api/v1/docs.")
        return JsonResponse({"detail": message}, status=404)
    return render(request, "404.html", {"path": request.path}, status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": str(exception or "") or _("Not allowed")}, status=403)
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        message = _("The error has been recorded. Please try again later.")
        return JsonResponse({"detail": message}, status=500)
    return render(request, "500.html", status=500)
