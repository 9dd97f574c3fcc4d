"""Filters as masks over the facet index, and facet counts.

Counts follow the usual rule of multi-select facets: the counts of one facet apply every
filter except that facet's own, so the other values of a facet where something is selected
still show how many activities choosing them too (OR within a facet) would add. Each count
equals what `activity_queryset` would count with that value chosen instead (the tests check
it against the ORM on both databases).
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from bali.activities.filters import ActivityFilters
from bali.search.facet_index import (
    FIRST_YEAR,
    NO_YEAR,
    OPEN_END,
    PAIR_FACETS,
    FacetIndex,
    PairColumn,
)

FACETS = (
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


def _source_values(index: FacetIndex, sources: list[str]) -> np.ndarray:
    """Source codes (`local`, `imported:<publisher>`) meant by the `source` filter values."""
    vocabulary = index.vocab["source"]
    wanted: set[int] = set()
    for source in sources:
        if source == "imported":
            wanted |= {i for i, code in enumerate(vocabulary.codes) if code.startswith("imported:")}
        elif source == "local":
            wanted |= set(vocabulary.find(["local"]).tolist())
        else:
            publisher = source.split(":", 1)[1] if source.startswith("imported:") else source
            wanted |= set(vocabulary.find([f"imported:{publisher}"]).tolist())
    return np.array(sorted(wanted), dtype=np.int32)


def filter_mask(index: FacetIndex, name: str, values: list[str]) -> np.ndarray:
    """Rows with any of these values of one facet (as `apply_filters` reads them)."""
    if name in PAIR_FACETS:
        return index.rows_with(name, index.vocab[name].find(values))
    if name == "year":
        return index.years_mask(int(year) for year in values)
    if name == "gender":
        return np.isin(index.gender, [int(g) for g in values])
    if name == "source":
        return np.isin(index.codes["source"], _source_values(index, values))
    return np.isin(index.codes[name], index.vocab[name].find(values))


def filter_masks(index: FacetIndex, filters: ActivityFilters) -> dict[str, np.ndarray]:
    return {
        name: filter_mask(index, name, getattr(filters, name))
        for name in FACETS
        if getattr(filters, name)
    }


def combine(base: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    return reduce(np.logical_and, masks, base)


def _code_counts(codes: list[str], counts: np.ndarray) -> dict[str, int]:
    return {codes[i]: int(counts[i]) for i in np.flatnonzero(counts) if codes[i]}


def _pair_counts(column: PairColumn, mask: np.ndarray, size: int) -> np.ndarray:
    """Counts of a pair facet's values over the rows of `mask`: through the rows' own pairs
    when the mask is sparse (a text query, narrow filters), else over all pairs."""
    rows = np.flatnonzero(mask)
    if len(rows) * 8 >= len(mask):
        return np.bincount(column.values[mask[column.rows]], minlength=size)
    starts = column.offsets[rows]
    lengths = column.offsets[rows + 1] - starts
    total = int(lengths.sum())
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return np.bincount(column.values[shift + np.arange(total)], minlength=size)


def count_facet(index: FacetIndex, name: str, mask: np.ndarray) -> dict[str, int]:
    """{value: number of rows in `mask` with it} for one facet (values with none left out)."""
    if name in PAIR_FACETS:
        counts = _pair_counts(index.pairs[name], mask, len(index.vocab[name]))
        return _code_counts(index.vocab[name].codes, counts)
    if name == "year":
        return _year_counts(index, mask)
    if name == "gender":
        counts = np.bincount(index.gender[mask].astype(np.int64) + 1, minlength=4)[1:]
        return {str(value): int(n) for value, n in enumerate(counts) if n}
    counts = np.bincount(index.codes[name][mask], minlength=len(index.vocab[name]))
    found = _code_counts(index.vocab[name].codes, counts)
    if name == "source":
        imported = {code: n for code, n in found.items() if code.startswith("imported:")}
        found = {code: n for code, n in found.items() if code not in imported}
        if imported:
            found["imported"] = sum(imported.values())
            found.update({code: n for code, n in imported.items() if code != "imported:"})
    return found


def _year_counts(index: FacetIndex, mask: np.ndarray) -> dict[str, int]:
    """Activities running in each year: started by then and not ended before (open-ended ones
    count up to the latest year any activity reaches, or this year)."""
    horizon = index.year_horizon()
    start = index.start_year[mask].astype(np.int64)
    end = index.end_year[mask].astype(np.int64)
    keep = (start != NO_YEAR) & (end >= start) & (start <= horizon) & (end >= FIRST_YEAR)
    start = np.maximum(start[keep], FIRST_YEAR)
    end = np.where(end[keep] == OPEN_END, horizon, np.minimum(end[keep], horizon))
    if not len(start):
        return {}
    size = horizon - FIRST_YEAR + 2
    delta = np.bincount(start - FIRST_YEAR, minlength=size) - np.bincount(
        end + 1 - FIRST_YEAR, minlength=size
    )
    running = np.cumsum(delta)[:-1]
    return {str(FIRST_YEAR + i): int(running[i]) for i in np.flatnonzero(running)}


def facet_counts(
    index: FacetIndex, base: np.ndarray, masks: dict[str, np.ndarray], years: list[str]
) -> dict[str, dict[str, int]]:
    """Counts for every facet: each under all filters but its own. `years`: the chosen years,
    counted even beyond the last year the facet lists."""
    everything = combine(base, list(masks.values()))
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        if name in masks:
            mask = combine(base, [m for other, m in masks.items() if other != name])
        else:
            mask = everything
        counts[name] = count_facet(index, name, mask)
        if name == "year":
            for year in years:
                if year not in counts[name]:
                    found = int(np.count_nonzero(mask & index.years_mask([int(year)])))
                    if found:
                        counts[name][year] = found
    return counts
