"""The facet index's helper structures against brute force on random data: the row-by-row
tables that count pair facets (with rows wider than the table, and rows appended later) and
the postings that answer filters (with pairs appended after they were built)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bali.search import pair_table, postings

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


@settings(max_examples=80, deadline=None)
@given(rows_values=row_values, more=row_values, seed=st.integers(0, 2**16))
def test_table_counts_equal_brute_force(
    rows_values: list[list[int]], more: list[list[int]], seed: int
) -> None:
    size = 41
    _rows, values, offsets = column(rows_values)
    table = pair_table.build(values, offsets, size)
    assert table is not None and table.width <= pair_table.MAX_WIDTH
    everything = rows_values + more
    _rows, values, offsets = column(everything)
    table = pair_table.extend(table, values, offsets, len(rows_values), size)
    assert table is not None
    rng = np.random.default_rng(seed)
    for share in (0.0, 0.3, 1.0):
        chosen = np.flatnonzero(rng.random(len(everything)) < share)
        found = pair_table.counts(table, values, offsets, chosen, size)
        assert (found == brute_counts(everything, chosen, size)).all()


def test_a_facet_with_too_many_values_has_no_table() -> None:
    _rows, values, offsets = column([[1], [2, 3]])
    assert pair_table.build(values, offsets, pair_table.EMPTY) is None


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
