"""Reference data endpoints: names in the language asked for (?lang= or Accept-Language)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from bali.api.api import activate_request_language
from bali.core.i18n import localized
from bali.reference.models import Region, Theme

router = Router(tags=["reference"])


@router.get("/regions", summary="UNEP regions and their regional offices")
def regions(request: HttpRequest) -> list[dict[str, Any]]:
    lang = activate_request_language(request)
    return [
        {
            "code": region.code,
            "name": localized(region.names, lang),
            "office": localized(region.office_names, lang),
            "office_city": region.office_city,
        }
        for region in Region.objects.all()
    ]


@router.get("/themes", summary="The BSP taxonomy: 13 cross-cutting issues, 19 thematic areas")
def themes(request: HttpRequest) -> list[dict[str, Any]]:
    lang = activate_request_language(request)
    return [
        {"code": theme.code, "kind": theme.kind, "name": localized(theme.names, lang)}
        for theme in Theme.objects.all()
    ]
