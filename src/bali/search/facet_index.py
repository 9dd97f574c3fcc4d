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

from bali.search import facet_data, pair_table, postings, row_records
from bali.search.facet_data import NO_DAY, Pairs, Rows
from bali.search.facet_encoding import (
    Vocabulary,
    derived_lookup,
    expand,
    lookup_array,
    sector_values,
    title_keys,
)

PAIR_FACETS = ("country", "region", "theme", "sector", "org", "mea")
CODE_FACETS = ("status", "type", "source")
CODE_COLUMNS = (*CODE_FACETS, "division")
FIRST_YEAR, LAST_YEAR = 1900, 2100
OPEN_END = 9999
NO_YEAR = -1
ROW_COLUMNS = {
    "ids": np.int64,
    "alive": bool,
    "public": bool,
    "reporting_org": np.int64,
    "gender": np.int8,
    "start": np.int32,
    "end": np.int32,
    "start_year": np.int16,
    "end_year": np.int16,
    "updated": np.int64,
    "budget": np.float64,
}


@dataclass
class PairColumn:
    """(row, value) pairs sorted by row (rows are only appended, so appending pairs keeps the
    order); `offsets[r]:offsets[r + 1]` are the pairs of row r."""

    rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    values: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    table: pair_table.PairTable | None = None  # the values row by row, for counting

    def extend_offsets(self, first_row: int, rows_now: int, pairs_before: int) -> None:
        """Offsets of the rows first_row..rows_now-1, whose pairs start at `pairs_before`."""
        added = self.rows[pairs_before:]
        starts = pairs_before + np.searchsorted(added, np.arange(first_row, rows_now))
        self.offsets = np.concatenate(
            [self.offsets[:first_row], starts, np.array([len(self.rows)], np.int64)]
        )


@dataclass
class Change:
    """What `FacetIndex.apply` did: rows that died and rows added (numbered as before any
    compaction; `renumbered` when compaction then renumbered every row)."""

    dead: np.ndarray
    first_new: int
    added: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    renumbered: bool = False


def _years(days: np.ndarray, missing: int) -> np.ndarray:
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    return np.where(days == NO_DAY, missing, np.clip(years, 0, OPEN_END)).astype(np.int16)


class FacetIndex:
    """Rows of activities with their facet values; see the module docstring."""

    ids: np.ndarray
    alive: np.ndarray
    public: np.ndarray
    reporting_org: np.ndarray
    gender: np.ndarray
    start: np.ndarray
    end: np.ndarray
    start_year: np.ndarray
    end_year: np.ndarray
    updated: np.ndarray
    budget: np.ndarray

    def __init__(self) -> None:
        self.n = 0
        self.dead = 0
        self.version = 0
        for name, dtype in ROW_COLUMNS.items():
            setattr(self, name, np.empty(0, dtype))
        self.codes: dict[str, np.ndarray] = {name: np.empty(0, np.int32) for name in CODE_COLUMNS}
        self.vocab: dict[str, Vocabulary] = {
            name: Vocabulary() for name in (*CODE_COLUMNS, *PAIR_FACETS)
        }
        self.pairs: dict[str, PairColumn] = {name: PairColumn() for name in PAIR_FACETS}
        self.row_of_id = np.full(0, -1, np.int32)
        self.org_refs: dict[int, str] = {}  # organisation pk → IATI identifier
        self.org_names: dict[str, dict[str, str]] = {}  # IATI identifier → names
        self.title_keys: dict[str, np.ndarray] = {}
        self.postings: dict[str, postings.Postings | None] = {name: None for name in PAIR_FACETS}
        # (version, {facet: counts over every live row}), see `bali.search.tallies`
        self.totals: tuple[int, dict[str, np.ndarray]] | None = None
        self.records: row_records.RowRecords | None = None
        self.layout = 0  # raised when rows are renumbered (compaction)
        self.presorted: dict[tuple[str, str], Any] = {}  # see `bali.search.presorted`
        self._live: tuple[int, int] | None = None
        # Where this index stands in the change log (see `bali.search.engine`).
        self.seq = 0
        self.token: int | None = None
        self.newest: int | None = None
        self.gaps: dict[int, float] = {}
        self._horizon: tuple[int, int] | None = None

    # Building and changing ----------------------------------------------------------------
    @classmethod
    def load(cls) -> FacetIndex:
        """Every activity, read from the database."""
        index = cls()
        index.org_refs = facet_data.load_reporting_refs()
        index.org_names = facet_data.load_org_names()
        index._append(facet_data.load_rows(), _load_pairs(None))
        index.build_postings()
        index.build_tables()
        return index

    def apply(self, ids: Sequence[int]) -> Change:
        """Bring these activities up to date (reload them; drop those that no longer exist);
        returns what changed, for structures that follow the rows (`bali.search.tallies`)."""
        ids = sorted({int(pk) for pk in ids})
        first_new, dead = self.n, []
        for start in range(0, len(ids), 500):
            dead.append(self._apply_chunk(ids[start : start + 500]))
        change = Change(np.concatenate(dead) if dead else np.empty(0, np.int32), first_new)
        change.added = np.arange(first_new, self.n, dtype=np.int64)
        if self.dead > 10000 and self.dead * 4 > self.n:
            self.compact()
            change.renumbered = True
        self.version += 1
        return change

    def _apply_chunk(self, ids: list[int]) -> np.ndarray:
        known = np.array([pk for pk in ids if pk < len(self.row_of_id)], dtype=np.int64)
        old = self.row_of_id[known] if len(known) else np.empty(0, np.int32)
        old = old[old >= 0]
        old = old[self.alive[old]]  # a row is dead once
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
        refs = set(pairs["participant"].codes) | {
            self.org_refs[pk] for pk in orgs if pk in self.org_refs
        }
        self.org_names.update(facet_data.load_org_names(sorted(refs)))
        self._append(rows, pairs)
        return old

    def _append(self, rows: Rows, pairs: dict[str, Pairs]) -> None:
        count = len(rows.ids)
        first = self.n
        self._grow_id_map(int(rows.ids.max()) if count else 0)
        self.row_of_id[rows.ids] = np.arange(first, first + count, dtype=np.int32)
        columns = {
            "ids": rows.ids,
            "alive": np.ones(count, bool),
            "public": rows.public,
            "reporting_org": rows.reporting_org,
            "gender": rows.gender,
            "start": rows.start,
            "end": rows.end,
            "start_year": _years(rows.start, NO_YEAR),
            "end_year": _years(rows.end, OPEN_END),
            "updated": rows.updated,
            "budget": rows.budget,
        }
        for name, values in columns.items():
            setattr(self, name, np.concatenate([getattr(self, name), values]))
        for name in CODE_COLUMNS:
            encoded = self.vocab[name].encode(rows.codes[name])
            self.codes[name] = np.concatenate([self.codes[name], encoded])
        self.n += count
        pairs_before = {name: len(column.rows) for name, column in self.pairs.items()}
        self._append_pairs(rows, pairs)
        for name, column in self.pairs.items():
            column.extend_offsets(first, self.n, pairs_before[name])
            column.table = pair_table.extend(
                column.table, column.values, column.offsets, first, len(self.vocab[name])
            )
        self.records = row_records.extend(self.records, self.record_source(), first, self.n)
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
        from bali.reference.lookups import country_regions

        country = pairs["country"]
        countries = self.vocab["country"].encode(country.codes)
        self._add_pairs("country", country.ids, countries)
        for name in ("theme", "mea"):
            self._add_pairs(name, pairs[name].ids, self.vocab[name].encode(pairs[name].codes))
        regions = country_regions()
        lookup = derived_lookup(self.vocab["country"], self.vocab["region"], regions.get)
        region_values = lookup[countries] if len(countries) else countries
        keep = region_values >= 0
        self._add_pairs("region", country.ids[keep], region_values[keep])
        sector = pairs["sector"]
        self._add_pairs(
            "sector", *expand(sector.ids, sector.codes, self.vocab["sector"], sector_values)
        )
        organisations = self.vocab["org"]
        participants = organisations.encode(pairs["participant"].codes)
        ref_index = {pk: organisations.add(ref) for pk, ref in self.org_refs.items()}
        reporting = lookup_array(ref_index, rows.reporting_org)
        keep = reporting >= 0
        self._add_pairs(
            "org",
            np.concatenate([pairs["participant"].ids, rows.ids[keep]]),
            np.concatenate([participants, reporting[keep]]),
        )

    def _add_pairs(self, name: str, ids: np.ndarray, values: np.ndarray) -> None:
        if not len(ids):
            return
        inside = ids < len(self.row_of_id)  # a child row of an activity read after the rows
        rows = np.full(len(ids), -1, np.int64)
        rows[inside] = self.row_of_id[ids[inside]]
        keep = rows >= 0
        unique = np.unique((rows[keep] << 32) | values[keep].astype(np.int64))  # no duplicates
        column = self.pairs[name]
        column.rows = np.concatenate([column.rows, (unique >> 32).astype(np.int32)])
        column.values = np.concatenate([column.values, (unique & 0xFFFFFFFF).astype(np.int32)])

    def compact(self) -> None:
        """Drop dead rows and their pairs."""
        keep = self.alive.copy()
        position = np.cumsum(keep, dtype=np.int64) - 1
        for name in ROW_COLUMNS:
            setattr(self, name, getattr(self, name)[keep])
        for name in self.codes:
            self.codes[name] = self.codes[name][keep]
        for lang in self.title_keys:
            self.title_keys[lang] = self.title_keys[lang][keep]
        self.n = len(self.ids)
        for column in self.pairs.values():
            kept = keep[column.rows]
            column.rows = position[column.rows[kept]].astype(np.int32)
            column.values = column.values[kept]
            column.offsets = np.searchsorted(column.rows, np.arange(self.n + 1)).astype(np.int64)
        self.postings = {name: None for name in PAIR_FACETS}  # rows were renumbered
        self.layout += 1
        self.version += 1  # answers cached for the old row numbers no longer apply
        self.build_tables()
        self.dead = 0
        self.row_of_id = np.full(len(self.row_of_id), -1, np.int32)
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

    def record_source(self) -> row_records.Source:
        """The arrays the row records are made of (`bali.search.row_records`)."""
        return row_records.Source(
            pairs={
                name: (column.values, column.offsets, len(self.vocab[name]))
                for name, column in self.pairs.items()
            },
            single={
                **{name: (self.codes[name], len(self.vocab[name])) for name in CODE_FACETS},
                "gender": (self.gender, 4),
                "start_year": (self.start_year, OPEN_END + 2),
                "end_year": (self.end_year, OPEN_END + 2),
            },
        )

    def build_tables(self) -> None:
        """The structures that count selections of rows: each pair facet's values row by row
        (`bali.search.pair_table`: for a selection counted for one facet) and every facet's
        values of a row side by side (`bali.search.row_records`: for a small selection
        counted for every facet)."""
        for name, column in self.pairs.items():
            column.table = pair_table.build(column.values, column.offsets, len(self.vocab[name]))
        self.records = row_records.build(self.record_source(), self.n)

    def build_postings(self, names: Iterable[str] = PAIR_FACETS) -> None:
        """Postings (value → rows) of these pair facets, where missing or out of date."""
        for name in names:
            column = self.pairs[name]
            if not postings.is_fresh(self.postings[name], len(column.values)):
                size = len(self.vocab[name])
                self.postings[name] = postings.build(column.rows, column.values, size)

    def rows_with(self, name: str, values: np.ndarray) -> np.ndarray:
        """Mask of rows with at least one of these value indexes of a pair facet (through the
        facet's postings: the cost follows the rows found)."""
        column = self.pairs[name]
        mask = np.zeros(self.n, bool)
        if len(values):
            self.build_postings([name])
            found = self.postings[name]
            assert found is not None
            postings.mark_rows(found, column.rows, column.values, values, mask)
        return mask

    def live_count(self) -> int:
        """Number of live rows (cached per version)."""
        if self._live is None or self._live[0] != self.version:
            self._live = (self.version, int(np.count_nonzero(self.alive)))
        return self._live[1]

    def years_mask(self, years: Iterable[int]) -> np.ndarray:
        mask = np.zeros(self.n, bool)
        started = self.start_year != NO_YEAR
        for year in years:
            mask |= started & (self.start_year <= year) & (self.end_year >= year)
        return mask

    def year_horizon(self) -> int:
        """The last year the year facet lists: the latest start or end, or this year."""
        if self._horizon is None or self._horizon[0] != self.version:
            self._horizon = (self.version, self._compute_horizon())
        return self._horizon[1]

    def _compute_horizon(self) -> int:
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
