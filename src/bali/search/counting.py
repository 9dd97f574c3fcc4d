"""Filters as masks over the facet index, and facet counts (computed by `bali.search.tallies`).

Counts follow the usual rule of multi-select facets: the counts of one facet apply every
filter except that facet's own, so the other values of a facet where something is selected
still show how many activities choosing them too (OR within a facet) would add. Each count
equals what `activity_queryset` would count with that value chosen instead (the tests check
it against the ORM on both databases).
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from bali.activities.filters import LIST_FILTERS, ActivityFilters
from bali.search import tallies
from bali.search.facet_index import FIRST_YEAR, LAST_YEAR, PAIR_FACETS, FacetIndex

# The facets counted are the list filters, in the same order (the API's `facets` keys).
FACETS = LIST_FILTERS


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


def _as_dict(index: FacetIndex, name: str, counts: np.ndarray) -> dict[str, int]:
    """{value: count} of a facet's count vector (see `bali.search.tallies`), values with
    none left out."""
    if name == "year":
        listed = counts[: index.year_horizon() - FIRST_YEAR + 1]
        return {str(FIRST_YEAR + i): int(listed[i]) for i in np.flatnonzero(listed)}
    if name == "gender":
        return {str(value): int(n) for value, n in enumerate(counts[1:]) if n}
    found = _code_counts(index.vocab[name].codes, counts)
    if name == "source":
        imported = {code: n for code, n in found.items() if code.startswith("imported:")}
        found = {code: n for code, n in found.items() if code not in imported}
        if imported:
            found["imported"] = sum(imported.values())
            found.update({code: n for code, n in imported.items() if code != "imported:"})
    return found


def count_facet(index: FacetIndex, name: str, mask: np.ndarray) -> dict[str, int]:
    """{value: number of live rows in `mask` with it} for one facet (values with none left
    out)."""
    return _as_dict(index, name, tallies.Selection(index, mask & index.alive).counts(name))


def _chosen_year(selection: tallies.Selection, counts: np.ndarray, year: str) -> int:
    """Activities running in a chosen year (which may lie beyond the years the facet lists)."""
    number = int(year)
    if FIRST_YEAR <= number <= LAST_YEAR:
        return int(counts[number - FIRST_YEAR])
    return int(np.count_nonzero(selection.mask & selection.index.years_mask([number])))


def facet_counts(
    index: FacetIndex, base: np.ndarray, masks: dict[str, np.ndarray], years: list[str]
) -> dict[str, dict[str, int]]:
    """Counts for every facet: each under all filters but its own. `years`: the chosen years,
    counted even beyond the last year the facet lists."""
    everything = tallies.Selection(index, combine(base, list(masks.values())), shared=True)
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        selection = everything
        if name in masks:
            others = [m for other, m in masks.items() if other != name]
            selection = tallies.Selection(index, combine(base, others))
        vector = selection.counts(name)
        counts[name] = _as_dict(index, name, vector)
        if name == "year":
            for year in years:
                if year not in counts[name]:
                    found = _chosen_year(selection, vector, year)
                    if found:
                        counts[name][year] = found
    return counts
