"""Loading the shipped reference data into the database, idempotently.

Every loader upserts by code and never deletes rows, so re-running `bali load-reference` after
an upgrade adds and corrects reference data without breaking references to it. Divisions are
editable in the admin; a re-load does not overwrite a division's edits (only creates missing
ones).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction

from bali.reference import codelists
from bali.reference.models import (
    MEA,
    CodelistItem,
    Country,
    Division,
    PolicyMarkerTheme,
    Region,
    SectorTheme,
    Theme,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGS = ("ar", "zh", "en", "fr", "ru", "es")


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: LoadSummary) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def _read_json(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model: type[models.Model], key: dict[str, Any], values: dict[str, Any]) -> str:
    """Create or update one row; returns 'created', 'updated' or 'unchanged'."""
    obj = model._default_manager.filter(**key).first()
    if obj is None:
        model._default_manager.create(**key, **values)
        return "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    return "updated"


def _count(results: Iterable[str]) -> LoadSummary:
    summary = LoadSummary()
    for result in results:
        setattr(summary, result, getattr(summary, result) + 1)
    return summary


def load_regions() -> LoadSummary:
    return _count(
        _upsert(
            Region,
            {"code": row["code"]},
            {
                "names": row["names"],
                "office_names": row["office"],
                "office_city": row["city"],
                "office_country": row["office_country"],
                "order": row["order"],
            },
        )
        for row in _read_json("regions.json")
    )


def load_countries() -> LoadSummary:
    def values(row: dict[str, str]) -> dict[str, Any]:
        return {
            "iso3": row["iso3"],
            "m49": row["m49"],
            "names": {lang: row[f"name_{lang}"] for lang in LANGS if row[f"name_{lang}"]},
            "m49_region": row["m49_region"],
            "m49_subregion": row["m49_subregion"],
            "m49_intermediate": row["m49_intermediate"],
            "ldc": row["ldc"] == "1",
            "lldc": row["lldc"] == "1",
            "sids": row["sids"] == "1",
            "un_member_or_observer": row["un_member_or_observer"] == "1",
            "unep_region_id": row["unep_region"] or None,
            "development_status": row["development_status"],
        }

    return _count(
        _upsert(Country, {"code": row["iso2"]}, values(row)) for row in _read_csv("countries.csv")
    )


def load_divisions() -> LoadSummary:
    summary = LoadSummary()
    for row in _read_json("divisions.json"):
        _obj, created = Division.objects.get_or_create(
            code=row["code"], defaults={"names": row["names"], "order": row["order"]}
        )
        summary.created += int(created)
        summary.unchanged += int(not created)
    return summary


def load_themes() -> LoadSummary:
    return _count(
        _upsert(
            Theme,
            {"code": row["code"]},
            {"kind": row["kind"], "number": int(row["code"][2:]), "names": row["names"]},
        )
        for row in _read_json("themes.json")
    )


def load_theme_mappings() -> LoadSummary:
    summary = _count(
        _upsert(
            SectorTheme,
            {"sector_code": row["sector_code"], "theme_id": row["theme"]},
            {"reason": row["reason"]},
        )
        for row in _read_csv("sector_themes.csv")
    )
    summary.add(
        _count(
            _upsert(
                PolicyMarkerTheme,
                {"policy_marker": row["policy_marker"], "theme_id": row["theme"]},
                {"reason": row["reason"]},
            )
            for row in _read_csv("policy_marker_themes.csv")
        )
    )
    return summary


def load_meas() -> LoadSummary:
    return _count(
        _upsert(
            MEA,
            {"code": row["code"]},
            {
                "names": row["names"],
                "year": row["year"],
                "secretariat": row["secretariat"],
                "secretariat_city": row["city"],
                "url": row["url"],
            },
        )
        for row in _read_json("meas.json")
    )


def load_codelists() -> LoadSummary:
    """Upsert the IATI codelists the model uses, in bulk (the Sector list has ~300 rows).

    Names come from IATI (English, mostly French) completed with the project's translations in
    `codelist_names.json` for the lists pages show most, so statuses and roles read in all six
    languages; IATI's own names win where both exist.
    """
    summary = LoadSummary()
    extra_names = _read_json("codelist_names.json")
    for name in codelists.LOADED_CODELISTS:
        existing = {item.code: item for item in CodelistItem.objects.filter(codelist=name)}
        new, changed = [], []
        translations = extra_names.get(name, {})
        for code in codelists.read_codelist(name):
            values = {
                "names": {**translations.get(code.code, {}), **code.names},
                "description": code.description,
                "category": code.category,
                "withdrawn": code.withdrawn,
            }
            item = existing.get(code.code)
            if item is None:
                new.append(CodelistItem(codelist=name, code=code.code, **values))
            elif any(getattr(item, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(item, key, value)
                changed.append(item)
            else:
                summary.unchanged += 1
        CodelistItem.objects.bulk_create(new, batch_size=500)
        CodelistItem.objects.bulk_update(
            changed, ["names", "description", "category", "withdrawn"], batch_size=500
        )
        summary.created += len(new)
        summary.updated += len(changed)
    return summary


LOADERS = {
    "regions": load_regions,
    "countries": load_countries,
    "divisions": load_divisions,
    "themes": load_themes,
    "theme mappings": load_theme_mappings,
    "MEAs": load_meas,
    "IATI codelists": load_codelists,
}


@transaction.atomic
def load_reference() -> dict[str, LoadSummary]:
    """Load every reference table; safe to run any number of times."""
    from bali.reference import lookups

    results = {name: loader() for name, loader in LOADERS.items()}
    lookups.clear_caches()
    return results
