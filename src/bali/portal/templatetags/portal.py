"""Template filters of the public pages: names beside codes (numbers, money and dates in the
active language are the core `bali` library's: `bali.core.formats`)."""

from __future__ import annotations

from typing import Any

from django import template

from bali.core.i18n import localized
from bali.exports.shapes import sector_name
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
