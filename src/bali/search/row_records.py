"""Every facet value of a row side by side in one fixed-width record, so counting a selection
reads each selected row once.

Counting the facets of a selection of rows is bound by memory, not arithmetic: rows of a
selection are scattered over the index, and reading a row's values from eleven arrays costs
eleven cache misses per row. The records put a row's values in one `uint16` record (about 50
bytes: a cache line): the multi-valued facets' values (value index + 1, 0 where a row has fewer
values than the facet's columns), the status, type and source codes, the gender marker + 1,
and the start and end years + 1. A selection's records are gathered once and each facet counted
from its columns with `bincount`.

A multi-valued facet gets as many columns as 99 % of the rows need (at most `MAX_WIDTH`); the
values of the rare rows with more are counted through the pair column (`overflow` lists those
rows). A facet with 65,535 values or more is left out and counted through its pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LIMIT = int(np.iinfo(np.uint16).max)
MAX_WIDTH = 8
SINGLE = ("status", "type", "source", "gender", "start_year", "end_year")


@dataclass
class RowRecords:
    records: np.ndarray  # (rows, width) uint16
    spans: dict[str, tuple[int, int]]  # facet or column name → its columns [a, b)
    overflow: dict[str, np.ndarray] = field(default_factory=dict)  # int64 sorted rows


@dataclass
class Source:
    """What the records are made of (`FacetIndex.record_source`)."""

    pairs: dict[str, tuple[np.ndarray, np.ndarray, int]]  # name → (values, offsets, size)
    single: dict[str, tuple[np.ndarray, int]]  # name → (values per row, size)


def _width(offsets: np.ndarray) -> int:
    lengths = np.diff(offsets)
    if not len(lengths):
        return 1
    return int(min(MAX_WIDTH, max(1, np.ceil(np.percentile(lengths, 99)))))


def _stored(name: str, values: np.ndarray) -> np.ndarray:
    """A single-valued column as stored: gender and years shifted so that -1 (none) is 0."""
    if name in ("gender", "start_year", "end_year"):
        return (values.astype(np.int64) + 1).astype(np.uint16)
    return values.astype(np.uint16)


def _fill(
    out: np.ndarray, column: int, width: int, values: np.ndarray, offsets: np.ndarray, first: int
) -> np.ndarray:
    """Write the values of rows first.. into columns [column, column + width); the rows (of
    `out`, numbered from `first`) with more values than that."""
    starts = offsets[first:-1]
    lengths = offsets[first + 1 :] - starts
    for place in range(width):
        chosen = np.flatnonzero(lengths > place)
        out[chosen, column + place] = values[starts[chosen] + place] + 1
    return np.flatnonzero(lengths > width).astype(np.int64) + first


def _records(
    source: Source, spans: dict[str, tuple[int, int]], first: int, rows: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    width = max((end for _start, end in spans.values()), default=0)
    out = np.zeros((rows - first, width), np.uint16)
    overflow: dict[str, np.ndarray] = {}
    for name, (start, end) in spans.items():
        if name in source.pairs:
            values, offsets, _size = source.pairs[name]
            overflow[name] = _fill(out, start, end - start, values, offsets, first)
        else:
            out[:, start] = _stored(name, source.single[name][0][first:rows])
    return out, overflow


def _fits(source: Source) -> bool:
    sizes = [size for _v, _o, size in source.pairs.values()]
    sizes += [size for _v, size in source.single.values()]
    return max(sizes, default=0) < LIMIT


def build(source: Source, rows: int) -> RowRecords | None:
    """Records of rows 0..rows-1; None when some facet has too many values."""
    if not _fits(source):
        return None
    spans: dict[str, tuple[int, int]] = {}
    column = 0
    for name, (_values, offsets, _size) in source.pairs.items():
        width = _width(offsets)
        spans[name] = (column, column + width)
        column += width
    for name in SINGLE:
        spans[name] = (column, column + 1)
        column += 1
    records, overflow = _records(source, spans, 0, rows)
    return RowRecords(records, spans, overflow)


def extend(found: RowRecords | None, source: Source, first: int, rows: int) -> RowRecords | None:
    """The records with rows first..rows-1 (just appended) added; None when a facet outgrew
    uint16 (or there were no records)."""
    if found is None or not _fits(source):
        return None
    added, overflow = _records(source, found.spans, first, rows)
    return RowRecords(
        np.concatenate([found.records[:first], added]),
        found.spans,
        {
            name: np.concatenate([rows_[rows_ < first], overflow.get(name, rows_[:0])])
            for name, rows_ in found.overflow.items()
        },
    )


def pair_counts(
    found: RowRecords,
    block: np.ndarray,
    rows: np.ndarray,
    name: str,
    pairs: tuple[np.ndarray, np.ndarray, int],
) -> np.ndarray:
    """Counts of a multi-valued facet's values over `rows` (sorted), whose records are
    `block`."""
    values, offsets, size = pairs
    start, end = found.spans[name]
    counts = np.bincount(block[:, start:end].ravel(), minlength=size + 1)[1 : size + 1]
    counts = counts.astype(np.int64)
    extra = found.overflow.get(name)
    if extra is not None and len(extra) and len(rows):
        places = np.minimum(np.searchsorted(rows, extra), len(rows) - 1)
        wide = extra[rows[places] == extra]
        positions = _beyond(offsets, wide, end - start)
        counts += np.bincount(values[positions], minlength=size)[:size]
    return counts


def column(found: RowRecords, block: np.ndarray, name: str) -> np.ndarray:
    """A single-valued column of the block as the facet index holds it (gender and years
    shifted back)."""
    values = block[:, found.spans[name][0]].astype(np.int64)
    return values - 1 if name in ("gender", "start_year", "end_year") else values


def _beyond(offsets: np.ndarray, rows: np.ndarray, width: int) -> np.ndarray:
    """Positions of the pairs of these rows after their first `width`."""
    starts = offsets[rows] + width
    lengths = offsets[rows + 1] - starts
    total = int(lengths.sum())
    return np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
