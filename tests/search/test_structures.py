"""The facet index's helper structures against brute force on random data: the row records
that count facets (with rows wider than a facet's columns, and rows appended later) and the
postings that answer filters (with pairs appended after they were built)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bali.search import postings, row_records

row_values = st.lists(st.lists(st.integers(0, 40), max_size=12, unique=True), max_size=60)


def column(rows_values: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, values, offsets) of a pair column holding these values per row."""
    lengths = np.array([len(values) for values in rows_values], np.int64)
    rows = np.repeat(np.arange(len(rows_values)), lengths).astype(np.int32)
    values = np.array([v for values in rows_values for v in values], np.int32)
    offsets = np.zeros(len(rows_values) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return rows, values, offsets


def brute_counts(rows_values: list[list[int]], chosen: np.ndarray, size: int) -> np.ndarray:
    counts = np.zeros(size, np.int64)
    for row in chosen.tolist():
        for value in rows_values[row]:
            counts[value] += 1
    return counts


def source(rows_values: list[list[int]], size: int) -> row_records.Source:
    _rows, values, offsets = column(rows_values)
    count = len(rows_values)
    codes = (np.arange(count) % 3).astype(np.int32)
    years = (2000 + np.arange(count) % 7).astype(np.int16)
    return row_records.Source(
        pairs={"theme": (values, offsets, size)},
        single={
            "status": (codes, 3),
            "type": (codes, 3),
            "source": (codes, 3),
            "gender": ((np.arange(count) % 4 - 1).astype(np.int8), 4),
            "start_year": (years, 10001),
            "end_year": (years + 1, 10001),
        },
    )


@settings(max_examples=80, deadline=None)
@given(rows_values=row_values, more=row_values, seed=st.integers(0, 2**16))
def test_record_counts_equal_brute_force(
    rows_values: list[list[int]], more: list[list[int]], seed: int
) -> None:
    """Counts from the row records (with rows wider than the facet's columns, and rows
    appended later) equal counting the values row by row."""
    size = 41
    records = row_records.build(source(rows_values, size), len(rows_values))
    assert records is not None
    start, end = records.spans["theme"]
    assert 1 <= end - start <= row_records.MAX_WIDTH
    everything = rows_values + more
    grown = source(everything, size)
    records = row_records.extend(records, grown, len(rows_values), len(everything))
    assert records is not None and len(records.records) == len(everything)
    values, offsets, _size = grown.pairs["theme"]
    rng = np.random.default_rng(seed)
    for share in (0.0, 0.3, 1.0):
        chosen = np.flatnonzero(rng.random(len(everything)) < share)
        block = records.records[chosen]
        found = row_records.pair_counts(records, block, chosen, "theme", (values, offsets, size))
        assert (found == brute_counts(everything, chosen, size)).all()
        for name in row_records.SINGLE:
            stored = row_records.column(records, block, name)
            assert (stored == grown.single[name][0][chosen]).all(), name


def test_a_facet_with_too_many_values_leaves_the_records_out() -> None:
    assert row_records.build(source([[1], [2, 3]], row_records.LIMIT), 2) is None


@settings(max_examples=80, deadline=None)
@given(rows_values=row_values, more=row_values, wanted=st.sets(st.integers(0, 45), max_size=4))
def test_postings_select_the_rows_with_a_value(
    rows_values: list[list[int]], more: list[list[int]], wanted: set[int]
) -> None:
    rows, values, _offsets = column(rows_values)
    built = postings.build(rows, values, 41)
    everything = rows_values + more
    rows, values, _offsets = column(everything)
    mask = np.zeros(len(everything), bool)
    postings.mark_rows(built, rows, values, np.array(sorted(wanted), np.int32), mask)
    expected = [bool(set(values_of_row) & wanted) for values_of_row in everything]
    assert mask.tolist() == expected
