"""The activity filters shared by the search page, the API, CSV/JSON exports and IATI export.

One parser for the query parameters (`q`, `country`, `region`, `theme`, `sector`, `org`,
`status`, `type`, `year`, `gender`, `mea`, `source`, `sort`) so that every entry point accepts the
same URL and rejects the same bad values with the same message. Values within one parameter are
ORed (repeat the parameter or separate with commas); parameters are ANDed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bali.activities.models import Activity, ActivityType
from bali.core.params import year_number
from bali.reference import lookups

MAX_QUERY_LENGTH = 500
SORTS = ("relevance", "newest", "start", "-start", "budget", "-budget", "title")
LIST_FILTERS = (
    "country",
    "region",
    "theme",
    "sector",
    "org",
    "status",
    "type",
    "year",
    "gender",
    "mea",
    "source",
)


@dataclass
class ActivityFilters:
    q: str = ""
    country: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    theme: list[str] = field(default_factory=list)
    sector: list[str] = field(default_factory=list)
    org: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)
    gender: list[str] = field(default_factory=list)
    mea: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    sort: str = "relevance"

    @property
    def is_empty(self) -> bool:
        return not self.q and not any(getattr(self, name) for name in LIST_FILTERS)

    def as_params(self) -> dict[str, Any]:
        """The filters as query parameters (for links and exports)."""
        params: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value and not (item.name == "sort" and value == "relevance"):
                params[item.name] = value
        return params


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        raw = params.get(name) or []
        raw = [raw] if isinstance(raw, str) else list(raw)
    values: list[str] = []
    for item in raw:
        for part in str(item).split(","):
            part = part.strip()
            if part and part not in values:
                values.append(part)
    return values


def _check(
    name: str, values: list[str], valid: frozenset[str] | set[str], errors: dict[str, list[str]]
) -> None:
    unknown = [value for value in values if value not in valid]
    if unknown:
        errors.setdefault(name, []).append(
            _("Unknown value for %(name)s: %(values)s.")
            % {"name": name, "values": ", ".join(unknown)}
        )


def _known_organisations(refs: list[str]) -> set[str]:
    """The IATI identifiers among `refs` that name an organisation here (one indexed query;
    every participating organisation with an identifier is linked to one, see
    `bali.activities.writes.resolve_organisation`)."""
    from bali.organisations.models import Organisation

    if not refs:
        return set()
    # Without ordering and with the unique index's own condition: a search of that index
    # (the default order by name would scan the table on SQLite).
    found = Organisation.objects.filter(ref__in=refs).exclude(ref="").order_by()
    return set(found.values_list("ref", flat=True))


def _check_sources(sources: list[str], errors: dict[str, list[str]]) -> None:
    """`local`, `imported`, or `imported:<publisher>` of a publisher whose activities were
    imported (an index probe each)."""
    unknown = []
    for source in sources:
        kind, colon, publisher = source.partition(":")
        if not colon and kind in ("local", "imported"):
            continue
        if kind != "imported" or not publisher:
            errors.setdefault("source", []).append(
                _("A source is local, imported or imported:<publisher identifier>.")
            )
            return
        if not Activity.objects.filter(source="imported", source_publisher=publisher).exists():
            unknown.append(source)
    _check("source", unknown, set(), errors)


def _validate(filters: ActivityFilters, errors: dict[str, list[str]]) -> None:
    _check("country", filters.country, lookups.reference_codes("Country"), errors)
    _check("region", filters.region, lookups.reference_codes("Region"), errors)
    _check("theme", filters.theme, lookups.reference_codes("Theme"), errors)
    _check("mea", filters.mea, lookups.reference_codes("MEA"), errors)
    _check("status", filters.status, lookups.codelist_codes("ActivityStatus"), errors)
    _check("type", filters.type, set(ActivityType.values), errors)
    _check("gender", filters.gender, {"0", "1", "2"}, errors)
    _check("org", filters.org, _known_organisations(filters.org), errors)
    _check_sources(filters.source, errors)
    if any(year_number(value) is None for value in filters.year):
        errors.setdefault("year", []).append(_("A year is four digits, such as 2024."))
    for sector in filters.sector:
        if not sector.isdigit() or len(sector) not in (3, 5):
            errors.setdefault("sector", []).append(
                _("A sector is a DAC code of 5 digits (purpose) or 3 digits (category).")
            )
    if filters.sort not in SORTS:
        errors.setdefault("sort", []).append(
            _("Sort by one of: %(choices)s.") % {"choices": ", ".join(SORTS)}
        )
    if len(filters.q) > MAX_QUERY_LENGTH:
        errors.setdefault("q", []).append(
            _("The search text is too long (at most %(max)d characters).")
            % {"max": MAX_QUERY_LENGTH}
        )


def parse_filters(params: Mapping[str, Any]) -> ActivityFilters:
    """Filters from query parameters; raises ValidationError {parameter: [messages]}."""
    filters = ActivityFilters(
        q=str(params.get("q") or "").strip(),
        sort=str(params.get("sort") or "relevance").strip(),
        **{name: _values(params, name) for name in LIST_FILTERS},
    )
    filters.country = [code.upper() for code in filters.country]
    filters.region = [code.upper() for code in filters.region]
    filters.theme = [code.upper() for code in filters.theme]
    filters.mea = [code.upper() for code in filters.mea]
    errors: dict[str, list[str]] = {}
    _validate(filters, errors)
    if errors:
        raise ValidationError(errors)
    return filters


def _source_condition(sources: list[str]) -> Q:
    """`local`, `imported` (any publisher) or `imported:<publisher ref>` (`_check_sources`)."""
    condition = Q(pk__in=[])
    for source in sources:
        if source in ("local", "imported"):
            condition |= Q(source=source)
        else:
            condition |= Q(source="imported", source_publisher=source.partition(":")[2])
    return condition


def apply_filters(queryset: QuerySet[Activity], filters: ActivityFilters) -> QuerySet[Activity]:
    """Apply every filter except the text query `q` with the ORM (subqueries, no duplicates)."""
    from bali.activities.models import (
        ActivitySector,
        ActivityTheme,
        ParticipatingOrg,
        RecipientCountry,
    )

    if filters.country:
        queryset = queryset.filter(
            pk__in=RecipientCountry.objects.filter(country_id__in=filters.country).values(
                "activity_id"
            )
        )
    if filters.region:
        queryset = queryset.filter(
            pk__in=RecipientCountry.objects.filter(
                country__unep_region_id__in=filters.region
            ).values("activity_id")
        )
    if filters.theme:
        queryset = queryset.filter(
            pk__in=ActivityTheme.objects.filter(theme_id__in=filters.theme).values("activity_id")
        )
    if filters.sector:
        condition = Q(pk__in=[])
        five = [s for s in filters.sector if len(s) == 5]
        three = [s for s in filters.sector if len(s) == 3]
        if five:
            condition |= Q(vocabulary="1", code__in=five)
        for prefix in three:
            condition |= Q(vocabulary="1", code__startswith=prefix) | Q(vocabulary="2", code=prefix)
        queryset = queryset.filter(
            pk__in=ActivitySector.objects.filter(condition).values("activity_id")
        )
    if filters.org:
        queryset = queryset.filter(
            Q(reporting_org__ref__in=filters.org)
            | Q(pk__in=ParticipatingOrg.objects.filter(ref__in=filters.org).values("activity_id"))
        )
    if filters.status:
        queryset = queryset.filter(status__in=filters.status)
    if filters.type:
        queryset = queryset.filter(activity_type__in=filters.type)
    if filters.gender:
        queryset = queryset.filter(gender_marker__in=[int(g) for g in filters.gender])
    if filters.mea:
        # A subquery like the other facets: a join would need DISTINCT, and with DISTINCT
        # Django adds the ORDER BY expressions to the SELECT, which the exports' readers
        # (`values_list` of fixed columns) cannot unpack.
        tagged = Activity.meas.through.objects.filter(mea_id__in=filters.mea)
        queryset = queryset.filter(pk__in=tagged.values("activity_id"))
    if filters.source:
        queryset = queryset.filter(_source_condition(filters.source))
    if filters.year:
        condition = Q(pk__in=[])
        for year in filters.year:
            condition |= Q(start_date__year__lte=int(year)) & (
                Q(end_date__year__gte=int(year)) | Q(end_date__isnull=True)
            )
        queryset = queryset.filter(condition & Q(start_date__isnull=False))
    return queryset
