"""Template helpers for multilingual JSON text and language links."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import translate_url

from bali.core.i18n import localized, localized_language

register = template.Library()


@register.filter
def tr(texts: Any) -> str:
    """Show a {lang: text} dict in the active language (falling back to English, then any)."""
    return localized(texts) if isinstance(texts, dict) else (texts or "")


@register.filter
def trlang(texts: Any) -> str:
    """The language of the text `tr` shows, for a `lang` attribute."""
    return localized_language(texts) if isinstance(texts, dict) else ""


@register.simple_tag(takes_context=True)
def url_in_language(context: template.Context, lang_code: str) -> str:
    """This page's URL in another interface language (keeps the query string)."""
    request = context.get("request")
    if request is None:
        return f"/{lang_code}/"
    url = translate_url(request.get_full_path(), lang_code)
    return url


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    request = context["request"]
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
