"""Reading what the facet index holds about activities, straight from the tables, in bulk.

Raw SQL rather than the ORM: a full load reads about a dozen million small rows at a million
activities, and model instances would cost minutes. Dates and times come back as numbers
(days and microseconds since 1970) computed by the database, so nothing is parsed in Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection

from bali.core.i18n import UN_LANGUAGES

NO_DAY = -(2**31)  # no date
FETCH = 20000

_DAY = {
    "sqlite": "CAST(julianday({col}) - 2440587.5 AS INTEGER)",
    "postgresql": "({col} - DATE '1970-01-01')",
}
_MICROS = {
    "sqlite": (
        "(CAST(strftime('%%s', {col}) AS INTEGER) * 1000000"
        " + CAST(substr({col}, 21, 6) AS INTEGER))"
    ),
    "postgresql": "CAST(EXTRACT(EPOCH FROM {col}) * 1000000 AS BIGINT)",
}
_REAL = {"sqlite": "CAST({col} AS REAL)", "postgresql": "CAST({col} AS DOUBLE PRECISION)"}
_TITLE = {
    "sqlite": "COALESCE(NULLIF(json_extract(title, '$.{lang}'), ''), "
    "NULLIF(json_extract(title, '$.en'), ''), "
    "(SELECT value FROM json_each(title) WHERE value <> '' LIMIT 1), '')",
    "postgresql": "COALESCE(NULLIF(title->>'{lang}', ''), NULLIF(title->>'en', ''), "
    "(SELECT value FROM jsonb_each_text(title) WHERE value <> '' LIMIT 1), '')",
}
PAIR_SQL = {
    "country": "SELECT activity_id, country_id FROM activities_recipientcountry",
    "theme": "SELECT activity_id, theme_id FROM activities_activitytheme",
    "mea": "SELECT activity_id, mea_id FROM activities_activity_meas",
    "sector": (
        "SELECT activity_id, vocabulary || ':' || code FROM activities_activitysector "
        "WHERE vocabulary IN ('1', '2')"
    ),
    "participant": ("SELECT activity_id, ref FROM activities_participatingorg WHERE ref <> ''"),
}


@dataclass
class Rows:
    """Scalar columns of some activities, one entry per activity (ordered as `ids`)."""

    ids: np.ndarray
    public: np.ndarray
    reporting_org: np.ndarray  # organisation pk, -1 for none
    gender: np.ndarray  # -1 for none
    start: np.ndarray  # days since 1970, NO_DAY for none
    end: np.ndarray
    updated: np.ndarray  # microseconds since 1970
    budget: np.ndarray  # NaN for none
    codes: dict[str, list[str]] = field(default_factory=dict)  # status, type, source, division


@dataclass
class Pairs:
    """(activity id, code) pairs of a multi-valued property."""

    ids: np.ndarray
    codes: list[str]


def _vendor() -> str:
    return connection.vendor


def _where(
    column: str, ids: Sequence[int] | None, *, extend: bool = False
) -> tuple[str, list[Any]]:
    """` WHERE column IN (...)` (or ` AND ...` to extend a WHERE) for `ids`; nothing for all."""
    if ids is None:
        return "", []
    keyword = "AND" if extend else "WHERE"
    return f" {keyword} {column} IN ({', '.join(['%s'] * len(ids))})", [int(i) for i in ids]


def _fetch(sql: str, params: list[Any]) -> Iterator[list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            chunk = cursor.fetchmany(FETCH)
            if not chunk:
                return
            yield chunk


def _scalar_sql(ids: Sequence[int] | None) -> tuple[str, list[Any]]:
    vendor = _vendor()
    where, params = _where("id", ids)
    columns = [
        "id",
        "CASE WHEN visibility = 'public' THEN 1 ELSE 0 END",
        "COALESCE(reporting_org_id, -1)",
        "COALESCE(gender_marker, -1)",
        f"COALESCE({_DAY[vendor].format(col='start_date')}, {NO_DAY})",
        f"COALESCE({_DAY[vendor].format(col='end_date')}, {NO_DAY})",
        _MICROS[vendor].format(col="updated_at"),
        _REAL[vendor].format(col="total_budget"),
        "status",
        "activity_type",
        "CASE WHEN source = 'imported' THEN 'imported:' || source_publisher ELSE source END",
        "COALESCE(division_id, '')",
    ]
    return f"SELECT {', '.join(columns)} FROM activities_activity{where}", params


CODE_COLUMNS = ("status", "type", "source", "division")


def load_rows(ids: Sequence[int] | None = None) -> Rows:
    """Scalar columns of the given activities (all when `ids` is None)."""
    sql, params = _scalar_sql(ids)
    numbers: list[np.ndarray] = []
    codes: dict[str, list[str]] = {name: [] for name in CODE_COLUMNS}
    for chunk in _fetch(sql, params):
        numbers.append(np.array([row[:8] for row in chunk], dtype=np.float64))
        for offset, name in enumerate(CODE_COLUMNS, start=8):
            codes[name].extend(row[offset] or "" for row in chunk)
    table = np.concatenate(numbers) if numbers else np.empty((0, 8))
    return Rows(
        ids=table[:, 0].astype(np.int64),
        public=table[:, 1].astype(bool),
        reporting_org=table[:, 2].astype(np.int64),
        gender=table[:, 3].astype(np.int8),
        start=table[:, 4].astype(np.int32),
        end=table[:, 5].astype(np.int32),
        updated=table[:, 6].astype(np.int64),  # exact: below 2**53
        budget=table[:, 7],
        codes=codes,
    )


def load_pairs(name: str, ids: Sequence[int] | None = None) -> Pairs:
    """The (activity id, code) pairs of one property: country, theme, mea, sector (as
    `vocabulary:code`), participant (organisation refs)."""
    sql = PAIR_SQL[name]
    where, params = _where("activity_id", ids, extend=" WHERE " in sql)
    sql += where
    id_chunks: list[np.ndarray] = []
    codes: list[str] = []
    for chunk in _fetch(sql, params):
        id_chunks.append(np.fromiter((row[0] for row in chunk), dtype=np.int64, count=len(chunk)))
        codes.extend(row[1] for row in chunk)
    ids_array = np.concatenate(id_chunks) if id_chunks else np.empty(0, np.int64)
    return Pairs(ids_array, codes)


def load_reporting_refs(org_pks: Sequence[int] | None = None) -> dict[int, str]:
    """Organisation pk → IATI identifier, for organisations that have one."""
    sql = "SELECT id, ref FROM organisations_organisation WHERE ref <> ''"
    params: list[Any] = []
    if org_pks is not None:
        if not org_pks:
            return {}
        sql += f" AND id IN ({', '.join(['%s'] * len(org_pks))})"
        params = list(org_pks)
    return {pk: ref for chunk in _fetch(sql, params) for pk, ref in chunk}


def load_org_names(refs: Sequence[str] | None = None) -> dict[str, dict[str, str]]:
    """IATI organisation identifier → names ({language: name}) for facet labels."""
    sql = "SELECT ref, names FROM organisations_organisation WHERE ref <> ''"
    params: list[Any] = []
    if refs is not None:
        if not refs:
            return {}
        sql += f" AND ref IN ({', '.join(['%s'] * len(refs))})"
        params = list(refs)
    found: dict[str, dict[str, str]] = {}
    for chunk in _fetch(sql, params):
        for ref, names in chunk:
            found[ref] = json.loads(names) if isinstance(names, str) else (names or {})
    return found


def load_titles(lang: str, ids: Sequence[int] | None = None) -> tuple[np.ndarray, list[str]]:
    """(ids, title in `lang`, else English, else any language) of the given activities."""
    if lang not in UN_LANGUAGES:
        lang = "en"
    where, params = _where("id", ids)
    sql = f"SELECT id, {_TITLE[_vendor()].format(lang=lang)} FROM activities_activity{where}"
    id_chunks: list[np.ndarray] = []
    titles: list[str] = []
    for chunk in _fetch(sql, params):
        id_chunks.append(np.fromiter((row[0] for row in chunk), dtype=np.int64, count=len(chunk)))
        titles.extend(row[1] or "" for row in chunk)
    return (np.concatenate(id_chunks) if id_chunks else np.empty(0, np.int64)), titles
