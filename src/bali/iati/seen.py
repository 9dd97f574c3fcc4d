"""The identifiers already met in a file, with the line of the first occurrence, kept small.

A file can hold hundreds of thousands of activities, and a duplicate identifier may come at
any distance from the first, so every identifier must be remembered until the end of the file.
A dict of identifiers costs ~150 bytes each; this open-addressing table keeps an 8-byte hash
and a 4-byte line per identifier in two flat arrays (~25 bytes each at its fill rate), so a
file of a million activities adds ~25 MB, not ~150 MB. Two identifiers with the same 64-bit
hash (odds about 1 in 10^8 for a million identifiers) would be taken for duplicates: the later
one would be written even if unchanged, with a warning; nothing would be lost.
"""

from __future__ import annotations

from array import array

NO_LINE = -1
MAX_LINE = 2**31 - 1
EMPTY = 0
MASK = 2**64 - 1


def _hash(identifier: str) -> int:
    """Python's own string hash (SipHash, 64 bits): salted per process, which is enough here,
    since a table lives in one process for one file; and computed in C, for every activity."""
    return (hash(identifier) & MASK) or 1  # 0 marks an empty slot


class SeenIdentifiers:
    def __init__(self, capacity: int = 1024) -> None:
        self.size = capacity  # a power of two
        self.keys = array("Q", bytes(8 * capacity))
        self.lines = array("i", bytes(4 * capacity))
        self.count = 0

    def _slot(self, key: int) -> int:
        mask = self.size - 1
        slot = key & mask
        keys = self.keys
        while keys[slot] != EMPTY and keys[slot] != key:
            slot = (slot + 1) & mask
        return slot

    def add(self, identifier: str, line: int | None) -> tuple[bool, int | None]:
        """Remember the identifier; returns (already seen, line of the first occurrence)."""
        key = _hash(identifier)
        slot = self._slot(key)
        if self.keys[slot] == key:
            first = self.lines[slot]
            return True, None if first == NO_LINE else first
        self.keys[slot] = key
        self.lines[slot] = NO_LINE if line is None or line > MAX_LINE else line
        self.count += 1
        if self.count * 3 > self.size * 2:  # at most two thirds full: short probes
            self._grow()
        return False, None

    def _grow(self) -> None:
        keys, lines = self.keys, self.lines
        self.size *= 2
        self.keys = array("Q", bytes(8 * self.size))
        self.lines = array("i", bytes(4 * self.size))
        for key, line in zip(keys, lines, strict=True):
            if key != EMPTY:
                slot = self._slot(key)
                self.keys[slot] = key
                self.lines[slot] = line

    def __len__(self) -> int:
        return self.count
