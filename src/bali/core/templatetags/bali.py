"""Template helpers of every page: multilingual JSON text, language links, and numbers, money
and dates written the way the active language writes them (`bali.core.formats`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.urls import translate_url

from bali.core import formats
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


@register.filter
def number(value: Any) -> str:
    """A count with its digits grouped the way the active language groups them."""
    return formats.number(value)


@register.filter
def amount(value: Decimal | int | None) -> str:
    """A sum of money in the active language's form (`1,747,000`, `1 747 000`, `50.000,50`)."""
    return formats.amount(value)


@register.filter
def percent(value: Decimal | None) -> str:
    """A share given in percent (`60` -> `60%`, `60 %` in French)."""
    return formats.percent(value)


@register.filter
def day(value: date | None) -> str:
    """A date in the active language (`12 Nov 2011`, `2011年11月12日`)."""
    return formats.day(value)


@register.filter
def period(start: date | None, end: date | None) -> str:
    """`{{ start|period:end }}`: a date range in the active language, `…` for an open end."""
    return formats.period(start, end)


@register.filter
def moment(value: datetime | None) -> str:
    """A timestamp in UTC in the active language (the template adds `UTC`)."""
    return formats.moment(value)


@register.filter
def language_name(code: str | None) -> str:
    """The name of a language code in the active language (`en` → `anglais`)."""
    return formats.language_name(code)


@register.simple_tag
def comma() -> str:
    """`{% comma %}` between the items of a list, as the active language writes it."""
    return formats.comma()


@register.simple_tag
def semicolon() -> str:
    """`{% semicolon %}` between items that may hold commas."""
    return formats.semicolon()
