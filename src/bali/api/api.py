"""The JSON API at /api/v1/: one NinjaAPI, one router per domain app.

OpenAPI document at /api/v1/openapi.json, browsable docs at /api/v1/docs.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from ninja import NinjaAPI

from bali.api import errors
from bali.api.auth import optional_auth
from bali.core.i18n import django_language, iso_language

api = NinjaAPI(
    title="Bali Clearinghouse API",
    version="1",
    description=(
        "Activities, requests for support, reference data and IATI exchange of the Bali "
        "Strategic Plan clearinghouse. Reading is public; writing needs "
        "`Authorization: Bearer <token>` (see `bali create-user --token`)."
    ),
    urls_namespace="api",
    auth=optional_auth,
)
errors.install(api)


def activate_request_language(request: HttpRequest) -> str:
    """Use ?lang= when given, else Accept-Language (set by LocaleMiddleware); returns ISO code."""
    lang = request.GET.get("lang")
    if lang:
        code = django_language(iso_language(lang))
        translation.activate(code)
        request.LANGUAGE_CODE = code
    return iso_language(translation.get_language())


def _mount() -> None:
    from bali.accounts.api import router as accounts_router
    from bali.activities.api import router as activities_router
    from bali.iati.api import router as iati_router
    from bali.reference.api import router as reference_router
    from bali.requests.api import router as requests_router

    api.add_router("/activities", activities_router)
    api.add_router("/reference", reference_router)
    api.add_router("/requests", requests_router)
    api.add_router("/iati", iati_router)
    api.add_router("/accounts", accounts_router)


_mount()
