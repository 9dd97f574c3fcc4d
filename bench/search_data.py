"""A database of N realistic activities for the search benchmark, written straight into the
tables (no services, no ORM objects): minutes, not hours, at a million.

Deterministic for a given N and seed. Activities follow the demonstration patterns (kinds of
support the plan describes, titled in the six UN languages) spread over the countries, years,
funders and publishers a real clearinghouse would hold: English titles everywhere, the
recipient's language where it has one, and Chinese, Arabic, French, Spanish or Russian
translations on a share of the rest; descriptions with varied vocabulary; one to three
countries, DAC sectors with their BSP themes, MEAs, participating organisations, budgets and
transactions.

Needs Django set up on a migrated database with the reference data loaded.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import connection, transaction

from bali.activities.demo_content import COUNTRY_LANGUAGE, DEMO_COUNTRIES, PATTERNS
from bali.reference import lookups

CHUNK = 10_000
ORGANISATIONS = 1500
PUBLISHERS = 60
LANGUAGES = ("fr", "es", "ru", "ar", "zh")
_SYLLABLES = "ka ma lo ri na to be su gi ha no ya ze mu fo di ke ra sa ti vo la mi pe"
SYLLABLES = tuple(_SYLLABLES.split())
FEATURES = {
    "en": ("river basin", "highlands", "coastal zone", "delta", "valley", "lake district"),
    "fr": (
        "bassin fluvial",
        "hauts plateaux",
        "zone côtière",
        "delta",
        "vallée",
        "région des lacs",
    ),
    "es": ("cuenca fluvial", "tierras altas", "zona costera", "delta", "valle", "región lacustre"),
    "ru": ("речной бассейн", "нагорье", "прибрежная зона", "дельта", "долина", "озёрный край"),
    "ar": ("حوض النهر", "المرتفعات", "المنطقة الساحلية", "الدلتا", "الوادي", "منطقة البحيرات"),
    "zh": ("流域", "高原", "沿海地区", "三角洲", "河谷", "湖区"),
}
_WORDS = (
    "monitoring baseline survey stakeholders workshop curriculum toolkit guidelines inventory "
    "pilot scaling replication municipalities cooperatives smallholders laboratories customs "
    "enforcement legislation regulation strategy roadmap dialogue partnership finance readiness "
    "resilience vulnerability mapping satellite remote sensing indicators reporting compliance "
    "women youth indigenous communities universities networks exchange mentoring certification "
    "procurement maintenance transfer demonstration feasibility cost benefit valuation ecosystem "
    "services watershed aquifer irrigation drought flood cyclone heatwave early warning "
    "emissions inventory mitigation adaptation renewable efficiency cookstoves minigrids solar "
    "wind geothermal hydropower biomass waste recycling landfill plastics chemicals mercury "
    "pesticides ozone refrigerants biodiversity protected areas mangroves coral reefs wetlands "
    "forests restoration agroforestry soils desertification rangelands fisheries oceans"
)
EXTRA_WORDS = tuple(_WORDS.split())


def _place(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.places = sorted({_place(self.rng) for _ in range(6000)})
        self.countries = list(DEMO_COUNTRIES)
        self.country_names = {
            lang: {code: lookups.country_name(code, lang) for code in self.countries}
            for lang in ("en", *LANGUAGES)
        }
        self.sector_themes = lookups.sector_theme_map()
        base = datetime(2024, 1, 1, tzinfo=UTC)
        self.base = base

    def activity(self, index: int, orgs: list[tuple[int, str, str]]) -> dict[str, Any]:
        rng = self.rng
        pattern = PATTERNS[rng.randrange(len(PATTERNS))]
        countries = rng.sample(self.countries, rng.choice((1, 1, 1, 1, 2, 3)))
        place = rng.choice(self.places)
        feature = rng.randrange(6)
        languages = {"en"}
        if COUNTRY_LANGUAGE.get(countries[0]):
            languages.add(COUNTRY_LANGUAGE[countries[0]])
        if rng.random() < 0.35:
            languages.add(rng.choice(LANGUAGES))
        title = {
            lang: f"{pattern.titles[lang]} — {self.country_names[lang][countries[0]]}, "
            f"{place} {FEATURES[lang][feature]}"
            for lang in sorted(languages)
        }
        words = " ".join(rng.sample(EXTRA_WORDS, rng.randint(6, 16)))
        description = {
            "en": f"{pattern.summary} Requested by the Government of "
            f"{self.country_names['en'][countries[0]]} for the {place} "
            f"{FEATURES['en'][feature]}. Focus: {words}."
        }
        start = date(rng.randint(2000, 2027), rng.randint(1, 12), 1)
        months = rng.choice((6, 12, 18, 24, 36, 48, 60))
        end = None if rng.random() < 0.05 else start + timedelta(days=months * 30)
        if rng.random() < 0.7:
            reporting = orgs[rng.randrange(3)]  # the clearinghouse's own publishers
            source, publisher = "local", ""
        else:
            reporting = orgs[3 + rng.randrange(PUBLISHERS)]
            source, publisher = "imported", reporting[1]
        funder = orgs[rng.randrange(len(orgs))]
        total = None if rng.random() < 0.1 else rng.randrange(40, 5000) * 1000
        status = "1" if start.year > 2026 else ("2" if not end or end.year > 2025 else "4")
        sectors = list(pattern.sectors)
        themes = set(pattern.themes)
        for code in sectors:
            themes |= self.sector_themes.get(code, frozenset())
        updated: Any = self.base + timedelta(seconds=index, microseconds=rng.randrange(1_000_000))
        if connection.vendor == "sqlite":  # stored as Django stores it: naive UTC text
            updated = updated.replace(tzinfo=None).isoformat(" ")
        return {
            "id": index + 1,
            "identifier": f"{reporting[1]}-BENCH-{index + 1:07d}",
            "reporting": reporting,
            "division": pattern.division if reporting[0] == orgs[0][0] else None,
            "title": title,
            "description": description,
            "status": status,
            "type": pattern.activity_type,
            "gender": rng.choice((0, 1, 1, 2)),
            "start": start,
            "end": end,
            "total": total,
            "source": source,
            "publisher": publisher,
            "visibility": "private" if rng.random() < 0.01 else "public",
            "updated": updated,
            "countries": countries,
            "sectors": sectors,
            "themes": sorted(themes),
            "meas": list(pattern.meas),
            "funder": funder,
            "ministry": f"Ministry of Environment, {self.country_names['en'][countries[0]]}",
        }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _activity_row(a: dict[str, Any]) -> tuple[Any, ...]:
    start, end = a["start"], a["end"]
    return (
        a["id"], a["identifier"], a["reporting"][0], a["division"], _dumps(a["title"]),
        _dumps(a["description"]), "{}", "en", a["status"], a["type"], a["gender"], "USD",
        None, "", "", "", "", "", "", start, start, end, end, start, end, a["total"],
        a["source"], a["publisher"], "", None, None, "", a["visibility"], a["updated"],
        a["updated"], None, 1,
    )  # fmt: skip


ACTIVITY_COLUMNS = (
    "id, iati_identifier, reporting_org_id, division_id, title, description, other_descriptions, "
    "default_lang, status, activity_type, gender_marker, default_currency, hierarchy, scope, "
    "collaboration_type, default_flow_type, default_finance_type, default_aid_type, "
    "default_tied_status, planned_start, actual_start, planned_end, actual_end, start_date, "
    "end_date, total_budget, source, source_publisher, source_file, source_timestamp, "
    "imported_at, iati_version, visibility, created_at, updated_at, created_by_id, version"
)


def _children(a: dict[str, Any], ids: Iterator[int]) -> dict[str, list[tuple[Any, ...]]]:
    pk = a["id"]
    share = str(round(100 / len(a["countries"]), 2))
    rows: dict[str, list[tuple[Any, ...]]] = {
        "activities_recipientcountry": [(next(ids), pk, c, share) for c in a["countries"]],
        "activities_activitysector": [
            (next(ids), pk, "1", "", code, None, "{}") for code in a["sectors"]
        ],
        "activities_activitytheme": [(next(ids), pk, t, "sector") for t in a["themes"]],
        "activities_activity_meas": [(next(ids), pk, m) for m in a["meas"]],
        "activities_participatingorg": [
            (
                next(ids),
                pk,
                a["funder"][0],
                a["funder"][1],
                _dumps({"en": a["funder"][2]}),
                "1",
                "40",
                "",
                0,
            ),
            (
                next(ids),
                pk,
                a["reporting"][0],
                a["reporting"][1],
                _dumps({"en": a["reporting"][2]}),
                "4",
                "40",
                "",
                1,
            ),
            (next(ids), pk, None, "", _dumps({"en": a["ministry"]}), "2", "10", "", 2),
        ],
        "activities_budget": [],
        "activities_transaction": [],
    }
    if a["total"]:
        year = a["start"].year
        rows["activities_budget"].append(
            (next(ids), pk, "1", "2", a["start"], date(year, 12, 31), a["total"], "USD", None)
        )
        rows["activities_transaction"].append(
            (next(ids), pk, "", "2", a["start"], a["total"], "USD", None, "{}",
             a["funder"][1], _dumps({"en": a["funder"][2]}), "", "{}")
        )  # fmt: skip
    return rows


CHILD_COLUMNS = {
    "activities_recipientcountry": "id, activity_id, country_id, percentage",
    "activities_activitysector": (
        "id, activity_id, vocabulary, vocabulary_uri, code, percentage, names"
    ),
    "activities_activitytheme": "id, activity_id, theme_id, origin",
    "activities_activity_meas": "id, activity_id, mea_id",
    "activities_participatingorg": (
        'id, activity_id, organisation_id, ref, names, role, type, activity_ref, "order"'
    ),
    "activities_budget": (
        "id, activity_id, type, status, period_start, period_end, value, currency, value_date"
    ),
    "activities_transaction": (
        "id, activity_id, ref, type, date, value, currency, value_date, description, "
        "provider_org_ref, provider_org_names, receiver_org_ref, receiver_org_names"
    ),
}


def _missing_columns(table: str, columns: str) -> tuple[str, tuple[Any, ...]]:
    """Columns of the table's model not written here, with their defaults (so the benchmark
    keeps working when a model gains a field)."""
    model = next(m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table)
    given = {name.strip().strip('"') for name in columns.split(",")}
    names, values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.column in given:
            continue
        if model_field.has_default():
            value = model_field.get_default()
        else:
            value = None if model_field.null else ""
        if isinstance(value, dict | list):
            value = _dumps(value)
        names.append(model_field.column)
        values.append(value)
    return "".join(f", {name}" for name in names), tuple(values)


def _insert(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    extra_columns, extra_values = _missing_columns(table, columns)
    columns += extra_columns
    rows = [row + extra_values for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _organisations(rng: random.Random) -> list[tuple[int, str, str]]:
    """(pk, ref, English name): three local publishers, PUBLISHERS importers, then funders
    and partners."""
    orgs = [
        (1, "XM-DAC-41116", "United Nations Environment Programme"),
        (2, "XM-DAC-41114", "United Nations Development Programme"),
        (3, "XM-BALI-BENCH-AIT", "Asian Institute of Technology"),
    ]
    kinds = ("Agency", "Fund", "Institute", "Foundation", "Centre", "Ministry", "Network")
    for pk in range(4, ORGANISATIONS + 1):
        name = f"{_place(rng)} {rng.choice(kinds)} for Environment and Development"
        orgs.append((pk, f"XM-BENCH-{pk:05d}", name))
    rows = [
        (pk, _dumps({"en": name}), ref, name.lower()[:200], "", "40", None, "", pk <= 3, now)
        for pk, ref, name in orgs
        for now in ["2024-01-01 00:00:00" if connection.vendor == "sqlite" else datetime.now(UTC)]
    ]
    _insert(
        "organisations_organisation",
        "id, names, ref, name_key, acronym, type, country_id, website, is_publisher, created_at",
        rows,
    )
    return orgs


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    tables = ["activities_activity", "organisations_organisation", *CHILD_COLUMNS]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def build(count: int, seed: int = 2005, progress: Callable[[int], None] | None = None) -> None:
    """Write `count` activities (with organisations and child rows) into an empty database."""
    generator = Generator(seed)
    with transaction.atomic():
        orgs = _organisations(generator.rng)
    child_id = iter(range(1, 10**10))
    for start in range(0, count, CHUNK):
        activities = [generator.activity(i, orgs) for i in range(start, min(count, start + CHUNK))]
        children: dict[str, list[tuple[Any, ...]]] = {table: [] for table in CHILD_COLUMNS}
        for activity in activities:
            for table, rows in _children(activity, child_id).items():
                children[table].extend(rows)
        with transaction.atomic():
            _insert("activities_activity", ACTIVITY_COLUMNS, [_activity_row(a) for a in activities])
            for table, rows in children.items():
                _insert(table, CHILD_COLUMNS[table], rows)
        if progress:
            progress(start + len(activities))
    _reset_sequences()
    with connection.cursor() as cursor:  # statistics for the planner, as a live database has
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    import os
    import sys
    import time

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali.config.settings")
    django.setup()
    total = int(sys.argv[1])
    started = time.monotonic()

    def report(done: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-9)
        print(f"\r  {done}/{total} activities written, {rate:,.0f}/s", end="", flush=True)

    build(total, progress=report if sys.stdout.isatty() else None)
    print(f"\n{total} activities written in {time.monotonic() - started:.1f} s")
