"""The in-memory facet index: one row per activity in numpy arrays, for counting and sorting a
million activities in milliseconds.

Single-valued properties (status, type, gender, source, dates, budget) are columns; multi-valued
ones (countries, regions, themes, sectors, organisations, agreements) are parallel arrays of
(row, value) pairs. A filter is a boolean mask over rows; a facet count is `np.bincount` of the
values of the rows (or pairs) the mask keeps.

Rows are only ever appended: a changed activity gets a new row and its old row is marked dead,
so the pairs of dead rows drop out of every count through the mask, without touching the pair
arrays. When a quarter of the rows are dead the arrays are compacted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bali.search import facet_data
from bali.search.facet_data import NO_DAY, Pairs, Rows
from bali.search.text import sort_key

PAIR_FACETS = ("country", "region", "theme", "sector", "org", "mea")
CODE_FACETS = ("status", "type", "source")
FIRST_YEAR, LAST_YEAR = 1900, 2100
OPEN_END = 9999
NO_YEAR = -1
TITLE_KEY_BYTES = 16
ROW_COLUMNS = (
    "ids",
    "alive",
    "public",
    "reporting_org",
    "gender",
    "start",
    "end",
    "start_year",
    "end_year",
    "updated",
    "budget",
)


class Vocabulary:
    """Codes of one facet and their small integer indexes (codes are only ever added)."""

    def __init__(self) -> None:
        self.codes: list[str] = []
        self.index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.codes)

    def add(self, code: str) -> int:
        found = self.index.get(code)
        if found is None:
            found = self.index[code] = len(self.codes)
            self.codes.append(code)
        return found

    def encode(self, codes: Iterable[str]) -> np.ndarray:
        return np.fromiter((self.add(code) for code in codes), dtype=np.int32)

    def find(self, codes: Iterable[str]) -> np.ndarray:
        return np.array([self.index[c] for c in codes if c in self.index], dtype=np.int32)


@dataclass
class PairColumn:
    rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    values: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))


def _years(days: np.ndarray, missing: int) -> np.ndarray:
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    return np.where(days == NO_DAY, missing, np.clip(years, 0, OPEN_END)).astype(np.int16)


def title_keys(titles: Sequence[str]) -> np.ndarray:
    """(n, 2) unsigned keys ordering titles by their first 16 normalised bytes."""
    raw = b"".join(
        sort_key(title)[:TITLE_KEY_BYTES].ljust(TITLE_KEY_BYTES, b"\0") for title in titles
    )
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, 2)


def sector_values(raw: str) -> list[str]:
    """Facet values of a stored sector `vocabulary:code`: a DAC 5-digit purpose code counts for
    itself and its 3-digit category; a DAC 3-digit code (vocabulary 2) for the category."""
    vocabulary, _, code = raw.partition(":")
    values: list[str] = []
    if vocabulary == "1":
        if len(code) == 5 and code.isdigit():
            values.append(code)
        if len(code) >= 3 and code[:3].isdigit():
            values.append(code[:3])
    elif len(code) == 3 and code.isdigit():
        values.append(code)
    return values


class FacetIndex:
    """Rows of activities with their facet values; see the module docstring."""

    def __init__(self) -> None:
        self.n = 0
        self.dead = 0
        self.version = 0
        self.ids = np.empty(0, np.int64)
        self.alive = np.empty(0, bool)
        self.public = np.empty(0, bool)
        self.reporting_org = np.empty(0, np.int64)
        self.gender = np.empty(0, np.int8)
        self.start = np.empty(0, np.int32)
        self.end = np.empty(0, np.int32)
        self.start_year = np.empty(0, np.int16)
        self.end_year = np.empty(0, np.int16)
        self.updated = np.empty(0, np.int64)
        self.budget = np.empty(0, np.float64)
        self.codes: dict[str, np.ndarray] = {
            name: np.empty(0, np.int32) for name in (*CODE_FACETS, "division")
        }
        self.vocab: dict[str, Vocabulary] = {
            name: Vocabulary() for name in (*CODE_FACETS, "division", *PAIR_FACETS)
        }
        self.pairs: dict[str, PairColumn] = {name: PairColumn() for name in PAIR_FACETS}
        self.row_of_id = np.full(0, -1, np.int32)
        self.org_refs: dict[int, str] = {}
        self.org_names: dict[str, dict[str, str]] = {}
        self.title_keys: dict[str, np.ndarray] = {}
        # Where this index stands in the change log (see `bali.search.engine`).
        self.seq = 0
        self.token: int | None = None
        self.epoch = ""
        self.gaps: dict[int, float] = {}

    # Building and changing ----------------------------------------------------------------
    @classmethod
    def load(cls) -> FacetIndex:
        """Every activity, read from the database."""
        index = cls()
        index.org_refs = facet_data.load_reporting_refs()
        index.org_names = facet_data.load_org_names()
        index._append(facet_data.load_rows(), _load_pairs(None))
        return index

    def apply(self, ids: Sequence[int]) -> None:
        """Bring these activities up to date (reload them; drop those that no longer exist)."""
        ids = sorted({int(pk) for pk in ids})
        for start in range(0, len(ids), 500):
            self._apply_chunk(ids[start : start + 500])
        if self.dead > 10000 and self.dead * 4 > self.n:
            self.compact()
        self.version += 1

    def _apply_chunk(self, ids: list[int]) -> None:
        known = np.array([pk for pk in ids if pk < len(self.row_of_id)], dtype=np.int64)
        old = self.row_of_id[known] if len(known) else np.empty(0, np.int32)
        old = old[old >= 0]
        self.alive[old] = False
        self.dead += len(old)
        if len(known):
            self.row_of_id[known] = -1
        rows = facet_data.load_rows(ids)
        orgs = sorted({int(pk) for pk in rows.reporting_org if pk >= 0})
        for pk in orgs:  # read again: an organisation's identifier may have changed
            self.org_refs.pop(pk, None)
        self.org_refs.update(facet_data.load_reporting_refs(orgs))
        pairs = _load_pairs([int(pk) for pk in rows.ids])
        refs = sorted(set(pairs["participant"].codes) | self._refs_of(rows.reporting_org))
        self.org_names.update(facet_data.load_org_names(refs))
        self._append(rows, pairs)

    def _refs_of(self, org_pks: np.ndarray) -> set[str]:
        return {self.org_refs[int(pk)] for pk in set(org_pks.tolist()) if int(pk) in self.org_refs}

    def _append(self, rows: Rows, pairs: dict[str, Pairs]) -> None:
        count = len(rows.ids)
        first = self.n
        new_rows = np.arange(first, first + count, dtype=np.int32)
        self._grow_id_map(int(rows.ids.max()) if count else 0)
        self.row_of_id[rows.ids] = new_rows
        self.ids = np.concatenate([self.ids, rows.ids])
        self.alive = np.concatenate([self.alive, np.ones(count, bool)])
        self.public = np.concatenate([self.public, rows.public])
        self.reporting_org = np.concatenate([self.reporting_org, rows.reporting_org])
        self.gender = np.concatenate([self.gender, rows.gender])
        self.start = np.concatenate([self.start, rows.start])
        self.end = np.concatenate([self.end, rows.end])
        self.start_year = np.concatenate([self.start_year, _years(rows.start, NO_YEAR)])
        self.end_year = np.concatenate([self.end_year, _years(rows.end, OPEN_END)])
        self.updated = np.concatenate([self.updated, rows.updated])
        self.budget = np.concatenate([self.budget, rows.budget])
        for name in (*CODE_FACETS, "division"):
            encoded = self.vocab[name].encode(rows.codes[name])
            self.codes[name] = np.concatenate([self.codes[name], encoded])
        self.n += count
        self._append_pairs(rows, pairs)
        for lang in list(self.title_keys):
            keys = np.zeros((count, 2), np.uint64)
            if count:
                ids, titles = facet_data.load_titles(lang, [int(pk) for pk in rows.ids])
                keys[self.row_of_id[ids] - first] = title_keys(titles)
            self.title_keys[lang] = np.concatenate([self.title_keys[lang], keys])

    def _grow_id_map(self, max_id: int) -> None:
        if max_id >= len(self.row_of_id):
            grown = np.full(max(max_id + 1, len(self.row_of_id) * 2, 1024), -1, np.int32)
            grown[: len(self.row_of_id)] = self.row_of_id
            self.row_of_id = grown

    def _append_pairs(self, rows: Rows, pairs: dict[str, Pairs]) -> None:
        self._add_pairs("country", pairs["country"].ids, pairs["country"].codes)
        self._add_pairs("theme", pairs["theme"].ids, pairs["theme"].codes)
        self._add_pairs("mea", pairs["mea"].ids, pairs["mea"].codes)
        from bali.reference.lookups import country_regions

        regions = country_regions()
        region_ids, region_codes = [], []
        for pk, code in zip(pairs["country"].ids.tolist(), pairs["country"].codes, strict=True):
            if code in regions:
                region_ids.append(pk)
                region_codes.append(regions[code])
        self._add_pairs("region", np.array(region_ids, np.int64), region_codes)
        sector_ids, sector_codes = [], []
        for pk, raw in zip(pairs["sector"].ids.tolist(), pairs["sector"].codes, strict=True):
            for value in sector_values(raw):
                sector_ids.append(pk)
                sector_codes.append(value)
        self._add_pairs("sector", np.array(sector_ids, np.int64), sector_codes)
        org_ids = pairs["participant"].ids.tolist()
        org_codes = list(pairs["participant"].codes)
        for pk, org in zip(rows.ids.tolist(), rows.reporting_org.tolist(), strict=True):
            ref = self.org_refs.get(org)
            if ref:
                org_ids.append(pk)
                org_codes.append(ref)
        self._add_pairs("org", np.array(org_ids, np.int64), org_codes)

    def _add_pairs(self, name: str, ids: np.ndarray, codes: list[str]) -> None:
        if not len(ids):
            return
        values = self.vocab[name].encode(codes).astype(np.int64)
        inside = ids < len(self.row_of_id)  # a child row of an activity read after the rows
        rows = np.full(len(ids), -1, np.int64)
        rows[inside] = self.row_of_id[ids[inside]]
        keep = rows >= 0
        unique = np.unique((rows[keep] << 32) | values[keep])  # one pair per (row, value)
        column = self.pairs[name]
        column.rows = np.concatenate([column.rows, (unique >> 32).astype(np.int32)])
        column.values = np.concatenate([column.values, (unique & 0xFFFFFFFF).astype(np.int32)])

    def compact(self) -> None:
        """Drop dead rows and their pairs."""
        keep = self.alive
        position = np.cumsum(keep, dtype=np.int64) - 1
        for name in ROW_COLUMNS:
            setattr(self, name, getattr(self, name)[keep])
        for name in self.codes:
            self.codes[name] = self.codes[name][keep]
        for lang in self.title_keys:
            self.title_keys[lang] = self.title_keys[lang][keep]
        for column in self.pairs.values():
            kept = keep[column.rows]
            column.rows = position[column.rows[kept]].astype(np.int32)
            column.values = column.values[kept]
        self.n = len(self.ids)
        self.dead = 0
        self.row_of_id[:] = -1
        self.row_of_id[self.ids] = np.arange(self.n, dtype=np.int32)

    def ensure_title_keys(self, lang: str) -> np.ndarray:
        """Sort keys of titles in `lang`, built on first use (a title sort is rare)."""
        if lang not in self.title_keys:
            ids, titles = facet_data.load_titles(lang)
            keys = np.zeros((self.n, 2), np.uint64)
            rows = self.row_of_id[ids] if len(ids) else np.empty(0, np.int32)
            known = rows >= 0
            keys[rows[known]] = title_keys([t for t, k in zip(titles, known, strict=True) if k])
            self.title_keys[lang] = keys
        return self.title_keys[lang]

    # Reading ------------------------------------------------------------------------------
    def rows_for_ids(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, positions in `ids`) of the ids this index holds alive."""
        inside = (ids >= 0) & (ids < len(self.row_of_id))
        positions = np.flatnonzero(inside)
        rows = self.row_of_id[ids[positions]]
        known = rows >= 0
        return rows[known], positions[known]

    def visible(self, user: Any) -> np.ndarray:
        """Rows the user may see: public ones, plus those the user may edit (as
        `ActivityQuerySet.visible_to`)."""
        alive = self.alive
        if user is not None and getattr(user, "is_authenticated", False) and user.is_global:
            return alive.copy()
        mask = alive & self.public
        if user is None or not user.is_authenticated or not user.is_active:
            return mask
        if user.role == "partner_editor" and user.organisation_id:
            mask |= alive & (self.reporting_org == user.organisation_id)
        if user.role == "division_focal_point" and user.division_id:
            found = self.vocab["division"].find([user.division_id])
            if len(found):
                mask |= alive & (self.codes["division"] == found[0])
        return mask

    def rows_with(self, name: str, values: np.ndarray) -> np.ndarray:
        """Mask of rows with at least one of these value indexes of a pair facet."""
        column = self.pairs[name]
        mask = np.zeros(self.n, bool)
        if len(values):
            mask[column.rows[np.isin(column.values, values)]] = True
        return mask

    def years_mask(self, years: Iterable[int]) -> np.ndarray:
        mask = np.zeros(self.n, bool)
        started = self.start_year != NO_YEAR
        for year in years:
            mask |= started & (self.start_year <= year) & (self.end_year >= year)
        return mask

    def year_horizon(self) -> int:
        """The last year the year facet lists: the latest start or end, or this year."""
        finite = self.end_year[self.alive & (self.end_year != OPEN_END)]
        starts = self.start_year[self.alive]
        latest = max(
            int(finite.max()) if len(finite) else 0, int(starts.max()) if len(starts) else 0
        )
        return min(LAST_YEAR, max(latest, dt.date.today().year))


def _load_pairs(ids: Sequence[int] | None) -> dict[str, Pairs]:
    if ids is not None and not ids:
        empty = Pairs(np.empty(0, np.int64), [])
        return {name: empty for name in facet_data.PAIR_SQL}
    return {name: facet_data.load_pairs(name, ids) for name in facet_data.PAIR_SQL}
