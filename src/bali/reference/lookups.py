"""Cached, read-only views of reference data for hot paths (imports, search, rendering).

Reference data changes only through `load_reference` or the admin, so per-process caches are
safe; `clear_caches()` is called after loading and from the admin's save hooks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from bali.core.i18n import localized


@cache
def sector_theme_map() -> dict[str, frozenset[str]]:
    from bali.reference.models import SectorTheme

    mapping: dict[str, set[str]] = defaultdict(set)
    for sector_code, theme in SectorTheme.objects.values_list("sector_code", "theme_id"):
        mapping[sector_code].add(theme)
    return {code: frozenset(themes) for code, themes in mapping.items()}


@cache
def marker_theme_map() -> dict[str, frozenset[str]]:
    from bali.reference.models import PolicyMarkerTheme

    mapping: dict[str, set[str]] = defaultdict(set)
    for marker, theme in PolicyMarkerTheme.objects.values_list("policy_marker", "theme_id"):
        mapping[marker].add(theme)
    return {code: frozenset(themes) for code, themes in mapping.items()}


def themes_for_sectors(codes: Iterable[str]) -> set[str]:
    """BSP themes implied by DAC 5-digit purpose codes (unknown codes imply nothing)."""
    mapping = sector_theme_map()
    themes: set[str] = set()
    for code in codes:
        themes |= mapping.get(code, frozenset())
    return themes


def themes_for_markers(markers: Iterable[tuple[str, str]]) -> set[str]:
    """BSP themes implied by OECD policy markers with significance 1 (significant) or more."""
    mapping = marker_theme_map()
    themes: set[str] = set()
    for code, significance in markers:
        if significance in ("1", "2", "3", "4"):
            themes |= mapping.get(code, frozenset())
    return themes


@cache
def country_regions() -> dict[str, str]:
    """ISO alpha-2 code → UNEP region code."""
    from bali.reference.models import Country

    return {
        code: region
        for code, region in Country.objects.values_list("code", "unep_region_id")
        if region
    }


@cache
def _codelist_names(codelist: str) -> dict[str, dict[str, str]]:
    from bali.reference.models import CodelistItem

    return dict(CodelistItem.objects.filter(codelist=codelist).values_list("code", "names"))


def codelist_codes(codelist: str) -> frozenset[str]:
    return frozenset(_codelist_names(codelist))


def code_name(codelist: str, code: str | None, lang: str | None = None) -> str:
    """The name of an IATI code in the active language (English where not translated)."""
    if code is None or code == "":
        return ""
    return localized(_codelist_names(codelist).get(str(code)), lang)


@cache
def _named(model_label: str) -> dict[str, dict[str, str]]:
    from django.apps import apps

    model = apps.get_model("reference", model_label)
    return dict(model.objects.values_list("pk", "names"))


def country_name(code: str, lang: str | None = None) -> str:
    return localized(_named("Country").get(code), lang) or code


def region_name(code: str, lang: str | None = None) -> str:
    return localized(_named("Region").get(code), lang) or code


def theme_name(code: str, lang: str | None = None) -> str:
    return localized(_named("Theme").get(code), lang) or code


def mea_name(code: str, lang: str | None = None) -> str:
    return localized(_named("MEA").get(code), lang) or code


def division_name(code: str, lang: str | None = None) -> str:
    return localized(_named("Division").get(code), lang) or code


def clear_caches() -> None:
    for function in (sector_theme_map, marker_theme_map, country_regions, _codelist_names, _named):
        function.cache_clear()


def reference_codes(model_label: str) -> frozenset[str]:
    """The codes of a reference table ("Country", "Region", "Theme", "MEA", "Division")."""
    return frozenset(_named(model_label))
