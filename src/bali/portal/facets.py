"""How the search page presents facets: headings, links that add or remove one value (the URL
holds the whole state, so every link works without JavaScript), the top values of long facets
with a link to see them all, and the chips of the active filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bali.activities.filters import LIST_FILTERS, ActivityFilters
from bali.activities.models import ActivityType, GenderMarker, Source
from bali.exports.shapes import choice_name, sector_name
from bali.organisations.models import Organisation
from bali.reference import lookups
from bali.search.service import FacetValue

FACET_LABELS = {
    "country": _("Country"),
    "region": pgettext_lazy("label", "UNEP region"),
    "theme": pgettext_lazy("label", "BSP theme"),
    "sector": _("DAC sector"),
    "org": _("Organisation"),
    "status": _("Activity status"),
    "type": _("Type of support"),
    "year": _("Year"),
    "gender": _("Gender marker"),
    "mea": _("Environmental agreement"),
    "source": _("Data source"),
}
THEME_GROUPS = (("CC", _("Cross-cutting issues")), ("TH", _("Thematic areas")))
LONG_FACETS = frozenset({"country", "sector", "org", "year", "source", "mea"})
TOP = 8
MORE_LIMIT = 300  # values shown when a long facet is opened; beyond that, refine the search
SORT_LABELS = {
    "relevance": _("Relevance"),
    "newest": _("Recently updated"),
    "-start": _("Start date, latest first"),
    "start": _("Start date, earliest first"),
    "-budget": _("Budget, largest first"),
    "budget": _("Budget, smallest first"),
    "title": _("Title"),
}


@dataclass
class FacetLink:
    code: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class FacetGroup:
    name: str
    label: Any
    values: list[FacetLink]
    total: int
    more_url: str = ""
    less_url: str = ""
    open: bool = False
    hidden: int = 0  # values not listed even when opened (left out by the search service)


@dataclass
class Chip:
    name: str
    label: Any
    value: str
    remove_url: str


@dataclass
class FacetPanel:
    groups: list[FacetGroup] = field(default_factory=list)
    chips: list[Chip] = field(default_factory=list)


def query_string(params: dict[str, Any]) -> str:
    return "?" + urlencode(params, doseq=True) if params else "?"


def with_value(filters: ActivityFilters, name: str, code: str, add: bool) -> str:
    """The search URL with one facet value added or removed (back to the first page)."""
    params = filters.as_params()
    values = [v for v in params.get(name, []) if v != code]
    if add:
        values.append(code)
    if values:
        params[name] = values
    else:
        params.pop(name, None)
    return query_string(params)


def value_label(name: str, code: str) -> str:
    """The name of a selected value, for chips (the facet may not list it)."""
    names = {
        "country": lookups.country_name,
        "region": lookups.region_name,
        "theme": lookups.theme_name,
        "mea": lookups.mea_name,
        "status": lambda c: lookups.code_name("ActivityStatus", c),
        "type": lambda c: choice_name(ActivityType, c),
        "gender": lambda c: choice_name(GenderMarker, int(c)) if c.isdigit() else c,
        "sector": lambda c: sector_name("1" if len(c) == 5 else "2", c),
        "source": lambda c: choice_name(Source, c) if c in Source.values else c,
    }
    if name == "org":
        org = Organisation.objects.filter(ref=code).exclude(ref="").first()
        return org.name if org else code
    function = names.get(name)
    return (function(code) if function else code) or code


def _ordered(name: str, values: Sequence[FacetValue]) -> list[FacetValue]:
    if name == "year":
        return sorted(values, key=lambda v: v.code, reverse=True)
    if name in ("status", "gender"):
        return sorted(values, key=lambda v: v.code)
    return list(values)


def _link(filters: ActivityFilters, name: str, value: FacetValue, selected: bool) -> FacetLink:
    url = with_value(filters, name, value.code, not selected)
    return FacetLink(value.code, value.label, value.count, selected, url)


def _group(
    filters: ActivityFilters,
    name: str,
    values: Sequence[FacetValue],
    selected: set[str],
    key: str,
    more: str,
    left_out: int = 0,
) -> FacetGroup:
    """One facet box: selected values first kept in place, then the top values by count."""
    listed = {value.code for value in values}
    missing = [FacetValue(code, value_label(name, code), 0, True) for code in selected - listed]
    ordered = _ordered(name, [*values, *missing])
    shown = [v for v in ordered if v.code in selected or v.count > 0]
    opened = more == key
    limit = len(shown)
    if name in LONG_FACETS or name == "theme":
        limit = MORE_LIMIT if opened else TOP
    chosen = [v for v in shown if v.code in selected]
    rest = [v for v in shown if v.code not in selected][: max(0, limit - len(chosen))]
    keep = {v.code for v in chosen + rest}
    links = [_link(filters, name, v, v.code in selected) for v in shown if v.code in keep]
    group = FacetGroup(key, "", links, len(shown) + left_out, open=opened or bool(chosen))
    base = filters.as_params()
    if len(shown) > len(links) or (left_out and not opened):
        group.more_url = query_string({**base, "more": key}) + f"#facet-{key}"
    if opened:
        group.hidden = left_out
    if opened and len(shown) > TOP:
        group.less_url = query_string(base) + f"#facet-{key}"
    return group


def facet_panel(
    filters: ActivityFilters,
    facets: dict[str, list[FacetValue]],
    more: str = "",
    left_out: dict[str, int] | None = None,
) -> FacetPanel:
    """The facet groups in `LIST_FILTERS` order and the chips of the active filters.

    `left_out` counts the values the search service left out of each facet (its
    `facet_limit`), so "show all" tells the true number."""
    left_out = left_out or {}
    panel = FacetPanel()
    for name in LIST_FILTERS:
        if name not in facets and not getattr(filters, name):
            continue
        values = facets.get(name, [])
        selected = set(getattr(filters, name))
        parts = [(name, FACET_LABELS[name], values, selected)]
        if name == "theme":
            parts = [
                (
                    f"theme-{prefix}",
                    label,
                    [v for v in values if v.code.startswith(prefix)],
                    {code for code in selected if code.startswith(prefix)},
                )
                for prefix, label in THEME_GROUPS
            ]
        for key, label, part, chosen in parts:
            group = _group(filters, name, part, chosen, key, more, left_out.get(name, 0))
            group.label = label
            panel.groups.append(group)
    labels = {(name, v.code): v.label for name in facets for v in facets[name]}
    for name in LIST_FILTERS:
        for code in getattr(filters, name):
            value = labels.get((name, code)) or value_label(name, code)
            panel.chips.append(
                Chip(name, FACET_LABELS[name], value, with_value(filters, name, code, False))
            )
    return panel
