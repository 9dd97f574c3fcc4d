"""The shapes an activity takes outside: the JSON summary, the CSV columns, names of codes.

The JSON summary is a promise (documented in `docs/api.md`, pinned by tests): the items of
`GET /api/v1/activities` and the records of the JSON export are both `summary(row)`. Codes always
travel with their names in the active language, so a reader needs no codelist.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from bali.activities.models import ActivityType, GenderMarker, Source
from bali.activities.snapshot import decimal_str, plain
from bali.core.i18n import active_iso_language
from bali.exports.rows import ActivityRow
from bali.reference import lookups

SECTOR_CODELISTS = {"1": "Sector", "2": "SectorCategory"}


def number(text: str | None) -> str | None:
    """Decimal text from the database in the canonical form (`"60.00"` → `"60"`)."""
    return decimal_str(Decimal(text)) if text not in (None, "") else None


def choice_name(choices: Any, value: Any) -> str:
    """The label of a Django choice in the active language ("" for an empty value)."""
    if value in (None, ""):
        return ""
    return str(dict(choices.choices).get(value, value))


def sector_name(vocabulary: str, code: str) -> str:
    codelist = SECTOR_CODELISTS.get(vocabulary)
    return lookups.code_name(codelist, code) if codelist else ""


class Namer:
    """Names of codes in the active language, memoised for one list or one export.

    An export names the same few hundred codes millions of times; a dict lookup per cell keeps
    it fast. Also holds the detail-page URL pattern (reversing per row is slow).
    """

    def __init__(self) -> None:
        self.lang = active_iso_language()
        marker = 987654321
        self._detail = reverse("activities:detail", args=[marker]).replace(str(marker), "{}")
        self._status: dict[str, str] = {}
        self._country: dict[str, str] = {}
        self._region: dict[str, str] = {}
        self._theme: dict[str, str] = {}
        self._mea: dict[str, str] = {}
        self._sector: dict[tuple[str, str], str] = {}
        self._choice: dict[tuple[str, Any], str] = {}

    # One dict per kind and no closure per call: these run for every cell of an export.
    def status(self, code: str) -> str:
        found = self._status.get(code)
        if found is None:
            found = self._status[code] = lookups.code_name("ActivityStatus", code)
        return found

    def country(self, code: str) -> str:
        found = self._country.get(code)
        if found is None:
            found = self._country[code] = lookups.country_name(code)
        return found

    def region(self, code: str) -> str:
        found = self._region.get(code)
        if found is None:
            found = self._region[code] = lookups.region_name(code)
        return found

    def theme(self, code: str) -> str:
        found = self._theme.get(code)
        if found is None:
            found = self._theme[code] = lookups.theme_name(code)
        return found

    def mea(self, code: str) -> str:
        found = self._mea.get(code)
        if found is None:
            found = self._mea[code] = lookups.mea_name(code)
        return found

    def sector(self, vocabulary: str, code: str) -> str:
        found = self._sector.get((vocabulary, code))
        if found is None:
            found = self._sector[(vocabulary, code)] = sector_name(vocabulary, code)
        return found

    def _choice_name(self, kind: str, choices: Any, code: Any) -> str:
        found = self._choice.get((kind, code))
        if found is None:
            found = self._choice[(kind, code)] = choice_name(choices, code)
        return found

    def activity_type(self, code: str) -> str:
        return self._choice_name("type", ActivityType, code)

    def gender(self, code: int | None) -> str:
        return self._choice_name("gender", GenderMarker, code)

    def source(self, code: str) -> str:
        return self._choice_name("source", Source, code)

    def text(self, texts: dict[str, str] | None) -> str:
        """`bali.core.i18n.localized` in the language of this list: the language, else English,
        else any (inlined: it runs for every title of an export)."""
        if not texts:
            return ""
        return texts.get(self.lang) or texts.get("en") or next((t for t in texts.values() if t), "")

    def detail_path(self, activity_id: int) -> str:
        return self._detail.format(activity_id)


def _named(code: str, name: str) -> dict[str, str] | None:
    return {"code": code, "name": name} if code else None


def region_codes(country_codes: list[str]) -> list[str]:
    """The UNEP regions of some countries, each once, in the order first met."""
    regions = lookups.country_regions()
    seen: list[str] = []
    for code in country_codes:
        region = regions.get(code)
        if region and region not in seen:
            seen.append(region)
    return seen


def summary(row: ActivityRow, names: Namer | None = None) -> dict[str, Any]:
    """The JSON summary of one activity (names in the active language)."""
    names = names or Namer()
    countries = [code for code, _pct in row.countries]
    org = None
    if row.reporting_org_id is not None:
        org = {
            "ref": row.reporting_org_ref,
            "name": names.text(row.reporting_org_names) or row.reporting_org_ref,
        }
    gender = row.gender_marker
    return {
        "id": row.id,
        "iati_identifier": row.iati_identifier,
        "title": row.title,
        "display_title": names.text(row.title) or row.iati_identifier,
        "reporting_org": org,
        "status": _named(row.status, names.status(row.status)),
        "activity_type": _named(row.activity_type, names.activity_type(row.activity_type)),
        "countries": [
            {"code": code, "name": names.country(code), "percentage": number(pct)}
            for code, pct in row.countries
        ],
        "regions": [{"code": code, "name": names.region(code)} for code in region_codes(countries)],
        "sectors": [
            {
                "vocabulary": vocabulary,
                "code": code,
                "name": names.sector(vocabulary, code),
                "percentage": number(pct),
            }
            for vocabulary, code, pct in row.sectors
        ],
        "themes": [{"code": code, "name": names.theme(code)} for code in row.themes],
        "meas": [{"code": code, "name": names.mea(code)} for code in row.meas],
        "gender_marker": None if gender is None else {"code": gender, "name": names.gender(gender)},
        "start_date": plain(row.start_date),
        "end_date": plain(row.end_date),
        "total_budget": number(row.total_budget),
        "default_currency": row.default_currency,
        "budget_by_currency": {
            currency: number(total) for currency, total in row.budget_by_currency.items()
        },
        "source": row.source,
        "source_publisher": row.source_publisher,
        "updated_at": row.updated_at,
        "url": f"/api/v1/activities/{row.id}",
        "html_url": names.detail_path(row.id),
    }


# --- CSV ---------------------------------------------------------------------------------------

ACTIVITY_COLUMNS = (
    "id",
    "iati_identifier",
    "title",
    "reporting_org_ref",
    "reporting_org_name",
    "status_code",
    "status_name",
    "activity_type_code",
    "activity_type_name",
    "start_date",
    "end_date",
    "country_codes",
    "country_names",
    "region_codes",
    "region_names",
    "sector_codes",
    "sector_names",
    "theme_codes",
    "theme_names",
    "mea_codes",
    "mea_names",
    "gender_marker_code",
    "gender_marker_name",
    "total_budget",
    "default_currency",
    "budget_by_currency",
    "source",
    "source_name",
    "source_publisher",
    "updated_at",
    "url",
)
COUNTRY_COLUMNS = (
    "country_code",
    "country_name",
    "country_percentage",
    "country_region_code",
    "country_region_name",
)
SECTOR_COLUMNS = ("sector_vocabulary", "sector_code", "sector_name", "sector_percentage")
FACET_COLUMNS = ("facet", "code", "name", "count", "selected")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def safe_text(text: str) -> str:
    """Text a spreadsheet will not run as a formula (a leading `'` before = + - @)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def facets_json(facets: dict[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    """Facet counts as the API and the JSON export give them."""
    return {
        name: [
            {
                "code": value.code,
                "name": value.label,
                "count": value.count,
                "selected": value.selected,
            }
            for value in values
        ]
        for name, values in facets.items()
    }
