"""Turning codes into small integers for the facet index, in bulk (a million rows at a time).

Each facet has a `Vocabulary` (code → index, only ever growing). Derived values are computed
once per distinct code and then spread over the rows with numpy: a country's UNEP region, a
DAC sector's 3-digit category, an organisation's IATI identifier.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from bali.search.text import normalise

TITLE_KEY_BYTES = 16
_NOT_WORD = re.compile(r"[\W_]+")


class Vocabulary:
    """Codes of one facet and their small integer indexes (codes are only ever added)."""

    def __init__(self, codes: Iterable[str] = ()) -> None:
        self.codes: list[str] = []
        self.index: dict[str, int] = {}
        for code in codes:
            self.add(code)

    def __len__(self) -> int:
        return len(self.codes)

    def add(self, code: str) -> int:
        found = self.index.get(code)
        if found is None:
            found = self.index[code] = len(self.codes)
            self.codes.append(code)
        return found

    def encode(self, codes: Sequence[str]) -> np.ndarray:
        for code in sorted(set(codes) - self.index.keys()):
            self.add(code)
        return np.fromiter(map(self.index.__getitem__, codes), dtype=np.int32, count=len(codes))

    def find(self, codes: Iterable[str]) -> np.ndarray:
        return np.array([self.index[c] for c in codes if c in self.index], dtype=np.int32)


def derived_lookup(
    source: Vocabulary, target: Vocabulary, derive: Callable[[str], str | None]
) -> np.ndarray:
    """For each code of `source`, the index in `target` of the code it implies (-1: none)."""
    found = [derive(code) for code in source.codes]
    return np.array([-1 if code is None else target.add(code) for code in found], dtype=np.int32)


def expand(
    ids: np.ndarray, raw: Sequence[str], target: Vocabulary, derive: Callable[[str], list[str]]
) -> tuple[np.ndarray, np.ndarray]:
    """(ids, value indexes) with one entry per value `derive` gives for each raw code."""
    raw_vocabulary = Vocabulary()
    raw_index = raw_vocabulary.encode(raw)
    values = [target.encode(derive(code)) for code in raw_vocabulary.codes]
    lengths = np.array([len(v) for v in values], dtype=np.int64)
    flat = np.concatenate(values) if values else np.empty(0, np.int32)
    starts = np.cumsum(lengths) - lengths
    counts = lengths[raw_index] if len(raw_index) else np.empty(0, np.int64)
    total = int(counts.sum())
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    positions = np.repeat(starts[raw_index] if len(raw_index) else counts, counts) + within
    return np.repeat(ids, counts), flat[positions].astype(np.int32)


def sector_values(raw: str) -> list[str]:
    """Facet values of a stored sector `vocabulary:code`, as `apply_filters` reads a sector
    filter: a DAC 5-digit purpose code counts for itself and its 3-digit category; a DAC
    3-digit code (vocabulary 2) for the category."""
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


def lookup_array(mapping: Mapping[int, int], keys: np.ndarray) -> np.ndarray:
    """mapping[key] for each key (small non-negative integer keys), -1 when absent."""
    size = max(int(keys.max()) + 1 if len(keys) else 0, max(mapping, default=-1) + 1)
    table = np.full(max(size, 1), -1, dtype=np.int32)
    for key, value in mapping.items():
        table[key] = value
    inside = keys >= 0
    result = np.full(len(keys), -1, dtype=np.int32)
    result[inside] = table[keys[inside]]
    return result


def title_sort_bytes(title: str) -> bytes:
    """The start of a title folded for sorting: case, accents and punctuation ignored."""
    head = title[: TITLE_KEY_BYTES + 8]
    head = head.lower() if head.isascii() else normalise(head)
    return _NOT_WORD.sub(" ", head).strip().encode("utf-8")[:TITLE_KEY_BYTES]


def title_keys(titles: Sequence[str]) -> np.ndarray:
    """(n, 2) unsigned keys ordering titles by their first 16 folded bytes."""
    raw = b"".join(title_sort_bytes(title).ljust(TITLE_KEY_BYTES, b"\0") for title in titles)
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, 2)
