"""Values every template needs: language direction and the language menu."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from bali.core.nav import nav_for


def site(request: HttpRequest) -> dict[str, Any]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "LANGUAGE_BIDI": translation.get_language_bidi(),
        "CURRENT_LANGUAGE": language,
        "NAV_ITEMS": nav_for(getattr(request, "user", None)),
        "UI_LANGUAGES": [
            (code, translation.get_language_info(code)["name_local"])
            for code, _name in settings.LANGUAGES
        ],
    }
