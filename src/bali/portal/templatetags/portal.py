"""Template filters of the public pages: names beside codes; numbers, money and dates in the
active language (`bali.portal.formats`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template

from bali.core.i18n import localized
from bali.exports.shapes import sector_name
from bali.portal import formats
from bali.reference import lookups

register = template.Library()


@register.filter
def codename(code: Any, codelist: str) -> str:
    """The name of an IATI code: `{{ activity.status|codename:"ActivityStatus" }}`."""
    return lookups.code_name(codelist, "" if code is None else str(code))


@register.filter
def country_name(code: str) -> str:
    return lookups.country_name(code) if code else ""


@register.filter
def region_name(code: str) -> str:
    return lookups.region_name(code) if code else ""


@register.filter
def theme_name(code: str) -> str:
    return lookups.theme_name(code) if code else ""


@register.filter
def mea_name(code: str) -> str:
    return lookups.mea_name(code) if code else ""


@register.filter
def division_name(code: str) -> str:
    return lookups.division_name(code) if code else ""


@register.filter
def country_region(code: str) -> str:
    """The UNEP region code of a country."""
    return lookups.country_regions().get(code, "")


@register.filter
def dac_sector_name(sector: Any) -> str:
    """Name of an ActivitySector row: the DAC name, else the name the publisher gave."""
    return sector_name(sector.vocabulary, sector.code) or localized(sector.names)


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
