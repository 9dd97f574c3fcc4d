"""The CSV export's reading path: one SQL row per activity, its child values joined in SQL.

`rows.py` completes activities batch by batch (a query per kind of child row, grouped in
Python): right for a page of the API, too slow for a CSV of a million activities (about 60 µs
of Python per activity). Here the database joins each activity's countries, sectors, themes,
agreements and budget sums into one text column each (a correlated subquery per kind:
`group_concat` on SQLite, `string_agg` on PostgreSQL), so a single streaming query yields every
activity complete. Python then only looks the codes up: the cells of each distinct combination
(countries `KE + TZ`, themes `TH02 + CC11`) are built once and reused, the names in the active
language included (percentages are read only for the rows per country or sector).

Items inside a joined column are separated by U+001F and their fields by U+001E: characters
XML 1.0 cannot carry, so no IATI code contains them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import InvalidOperation
from typing import Any

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

from bali.activities.models import Activity
from bali.core.i18n import UN_LANGUAGES
from bali.exports.rows import as_text, iso_moment, stream
from bali.exports.shapes import LIST_SEPARATOR, Namer, number, safe_text
from bali.organisations.models import Organisation
from bali.reference import lookups

ITEM, FIELD = "\x1f", "\x1e"
CHUNK = 5000
MEMO_LIMIT = 20_000  # distinct combinations kept per kind; then start again (flat memory)
OUTER = '"activities_activity"'
COLUMNS = (
    "pk", "iati_identifier", "title_lang", "title_en", "title_any", "status", "activity_type",
    "gender_marker", "start_text", "end_text", "budget_text", "default_currency", "source",
    "source_publisher", "updated_text", "reporting_org_id", "joined_countries", "joined_sectors",
    "joined_themes", "joined_meas", "joined_money",
)  # fmt: skip
PERCENTAGE = "COALESCE(CAST(percentage AS TEXT), '')"
JOINS = {
    # kind: (FROM and WHERE of the child rows, the item's fields as SQL text, order)
    "countries": (
        "activities_recipientcountry WHERE activity_id = {outer}.id",
        ["country_id"],
        "id",
    ),
    "sectors": (
        "activities_activitysector WHERE activity_id = {outer}.id",
        ["vocabulary", "code"],
        "id",
    ),
    "themes": ("activities_activitytheme WHERE activity_id = {outer}.id", ["theme_id"], "theme_id"),
    "meas": ("activities_activity_meas WHERE activity_id = {outer}.id", ["mea_id"], "mea_id"),
    # Budget sums per currency (a budget without currency is in the activity's default one).
    "money": (
        "(SELECT COALESCE(NULLIF(b.currency, ''), {outer}.default_currency) AS money, "
        "CAST(ROUND(SUM(b.value), 2) AS TEXT) AS total FROM activities_budget b "
        "WHERE b.activity_id = {outer}.id GROUP BY 1) AS sums",
        ["money", "total"],
        "money",
    ),
}
# The percentages are read only for the rows they are shown in (`rows=country` or `sector`):
# without them, far fewer combinations of codes occur, and each is named once.
WITH_PERCENTAGES = {"country": "countries", "sector": "sectors"}


def _joined(vendor: str, rows: str, fields: list[str], order: str) -> str:
    """SQL text of one column joining the items of some child rows, in `order`."""
    if vendor == "postgresql":
        item = " || E'\\x1e' || ".join(fields)
        return (
            f"(SELECT STRING_AGG(j.item, E'\\x1f' ORDER BY j.key) "
            f"FROM (SELECT {item} AS item, {order} AS key FROM {rows}) AS j)"
        )
    # SQLite (3.40 here) has no ORDER BY inside aggregates; it joins in the subquery's order.
    item = " || char(30) || ".join(fields)
    return (
        f"(SELECT GROUP_CONCAT(j.item, char(31)) "
        f"FROM (SELECT {item} AS item FROM {rows} ORDER BY {order}) AS j)"
    )


def _expressions(vendor: str, lang: str, rows: str) -> dict[str, RawSQL]:
    """The joined columns, and the title in `lang`, in English, or whole when in neither."""
    columns = {}
    for kind, (source, fields, order) in JOINS.items():
        if WITH_PERCENTAGES.get(rows) == kind:
            fields = [*fields, PERCENTAGE]
        sql = _joined(vendor, source.format(outer=OUTER), fields, order)
        columns[f"joined_{kind}"] = RawSQL(sql, [])
    if vendor == "postgresql":
        title = [f"{OUTER}.title ->> '{lang}'", f"{OUTER}.title ->> 'en'"]
    else:
        title = [f"json_extract({OUTER}.title, '$.{lang}')", f"json_extract({OUTER}.title, '$.en')"]
    whole = f"CASE WHEN {title[0]} IS NULL AND {title[1]} IS NULL THEN {OUTER}.title END"
    columns["title_lang"] = RawSQL(title[0], [])
    columns["title_en"] = RawSQL(title[1], [])
    columns["title_any"] = RawSQL(f"CAST({whole} AS TEXT)", [])
    return columns


def flat_values(queryset: QuerySet[Activity], lang: str, rows: str = "activity") -> QuerySet[Any]:
    """The queryset's activities, in its order, as `COLUMNS` tuples (percentages of countries
    or sectors included for `rows="country"` or `"sector"`)."""
    if lang not in UN_LANGUAGES:  # written into the SQL: never free text
        lang = "en"
    # Timestamps as text on SQLite: its driver would parse each into a datetime otherwise.
    updated = as_text("updated_at") if connection.vendor == "sqlite" else F("updated_at")
    return queryset.annotate(
        start_text=as_text("start_date"),
        end_text=as_text("end_date"),
        budget_text=as_text("total_budget"),
        updated_text=updated,
        **_expressions(connection.vendor, lang, rows),
    ).values_list(*COLUMNS)


def _split(text: str | None) -> list[list[str]]:
    return [item.split(FIELD) for item in text.split(ITEM)] if text else []


class Cells:
    """Builds the CSV cells of flat rows, memoising the cells of each combination of codes."""

    def __init__(self, names: Namer, base_url: str) -> None:
        self.names = names
        self.url = base_url + names.detail_path(987654321).replace("987654321", "{}")
        self.regions = lookups.country_regions()
        self.memo: dict[str, dict[Any, Any]] = {
            kind: {} for kind in ("countries", "sectors", "themes", "meas", "money", "orgs")
        }

    def _remember(self, kind: str, key: Any, value: Any) -> Any:
        memo = self.memo[kind]
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        memo[key] = value
        return value

    def countries(self, joined: str | None) -> tuple[str, str, str, str, list[list[str]]]:
        """(codes, names, region codes, region names, one cell list per country)."""
        found = self.memo["countries"].get(joined)
        if found is not None:
            return found  # type: ignore[no-any-return]
        names, regions = self.names, self.regions
        items = _split(joined)
        codes = [item[0] for item in items]
        seen: list[str] = []
        for code in codes:
            region = regions.get(code, "")
            if region and region not in seen:
                seen.append(region)
        per_country = [
            [code, names.country(code), _number(item[1] if len(item) > 1 else ""), region,
             names.region(region) if region else ""]
            for code, item in zip(codes, items, strict=True)
            for region in [regions.get(code, "")]
        ]  # fmt: skip
        value = (
            LIST_SEPARATOR.join(codes),
            LIST_SEPARATOR.join(names.country(code) for code in codes),
            LIST_SEPARATOR.join(seen),
            LIST_SEPARATOR.join(names.region(region) for region in seen),
            per_country,
        )
        return self._remember("countries", joined, value)  # type: ignore[no-any-return]

    def sectors(self, joined: str | None) -> tuple[str, str, list[list[str]]]:
        """(codes, names, one cell list per sector)."""
        found = self.memo["sectors"].get(joined)
        if found is not None:
            return found  # type: ignore[no-any-return]
        items = [(item[0], item[1], item[2] if len(item) > 2 else "") for item in _split(joined)]
        named = [self.names.sector(vocabulary, code) for vocabulary, code, _pct in items]
        # Codes of other vocabularies than DAC's are the publisher's own text.
        value = (
            safe_text(LIST_SEPARATOR.join(code for _vocabulary, code, _pct in items)),
            LIST_SEPARATOR.join(named),
            [
                [safe_text(v), safe_text(c), name, _number(p)]
                for (v, c, p), name in zip(items, named, strict=True)
            ],
        )
        return self._remember("sectors", joined, value)  # type: ignore[no-any-return]

    def listed(self, kind: str, joined: str | None, name: Callable[[str], str]) -> tuple[str, str]:
        """(codes, names) of themes or agreements."""
        found = self.memo[kind].get(joined)
        if found is not None:
            return found  # type: ignore[no-any-return]
        codes = joined.split(ITEM) if joined else []
        value = (LIST_SEPARATOR.join(codes), LIST_SEPARATOR.join(name(code) for code in codes))
        return self._remember(kind, joined, value)  # type: ignore[no-any-return]

    def money(self, joined: str | None) -> str:
        found = self.memo["money"].get(joined)
        if found is not None:
            return found  # type: ignore[no-any-return]
        parts = sorted(_split(joined))
        value = safe_text(
            LIST_SEPARATOR.join(f"{currency} {_number(total)}" for currency, total in parts)
        )
        return self._remember("money", joined, value)  # type: ignore[no-any-return]

    def organisation(self, pk: int | None) -> tuple[str, str]:
        """(identifier, name in the active language) of a reporting organisation."""
        if pk is None:
            return ("", "")
        found = self.memo["orgs"].get(pk)
        if found is None:
            row = Organisation.objects.filter(pk=pk).values_list("ref", "names").first()
            ref, names = row if row else ("", {})
            name = self.names.text(names or {})
            found = self._remember("orgs", pk, (safe_text(ref or ""), safe_text(name)))
        return found  # type: ignore[no-any-return]

    def activity(self, values: tuple[Any, ...]) -> tuple[list[Any], Any, Any]:
        """The `ACTIVITY_COLUMNS` cells, and the per-country and per-sector cells."""
        (pk, identifier, title_lang, title_en, title_any, status, kind, gender, start, end,
         budget, currency, source, publisher, updated, org_id, countries, sectors, themes, meas,
         money) = values  # fmt: skip
        names = self.names
        title = title_lang or title_en or (names.text(_json(title_any)) if title_any else "")
        country = self.countries(countries)
        sector = self.sectors(sectors)
        theme = self.listed("themes", themes, names.theme)
        mea = self.listed("meas", meas, names.mea)
        org_ref, org_name = self.organisation(org_id)
        gender_code = "" if gender is None else str(gender)
        # Every cell holding text a publisher wrote goes through `safe_text` (identifiers,
        # titles, organisation identifiers and names, codes kept as published); codes from
        # the reference tables, numbers, dates and names from codelists cannot start a formula.
        cells = [
            pk, safe_text(identifier), safe_text(title), org_ref, org_name,
            safe_text(status or ""), names.status(status or ""),
            kind or "", names.activity_type(kind or ""),
            start or "", end or "",
            country[0], country[1], country[2], country[3],
            sector[0], sector[1], theme[0], theme[1], mea[0], mea[1],
            gender_code, names.gender(gender) if gender_code else "",
            _number(budget), safe_text(currency or ""), self.money(money),
            source or "", names.source(source or ""), safe_text(publisher or ""),
            iso_moment(updated), self.url.format(pk),
        ]  # fmt: skip
        return cells, country[4], sector[2]


def _number(text: Any) -> str:
    """Decimal text in the canonical form of the API (`60.00` → `60`), "" for none."""
    if text in (None, ""):
        return ""
    if isinstance(text, str) and text.isdigit() and (text == "0" or text[0] != "0"):
        return text  # a whole number is its own canonical form (most budgets)
    try:
        return number(str(text)) or ""
    except InvalidOperation:
        return str(text)


def _json(text: str) -> dict[str, str]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def iter_flat(
    queryset: QuerySet[Activity], lang: str, rows: str = "activity"
) -> Iterator[tuple[Any, ...]]:
    """Every activity of the queryset as a flat row, from one streaming query."""
    return stream(flat_values(queryset, lang, rows), CHUNK)
