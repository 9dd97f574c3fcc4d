"""Facet index snapshots on disk, so an app server process starts in a second, not in tens of
seconds, and processes on one machine share the memory of the arrays.

A snapshot is a folder of `.npy` files (one per array) and `meta.json` (vocabularies,
organisation names, the change-log position), under `BALI_DATA_DIR/search/`, named after the
database it describes. Processes open the arrays memory-mapped copy-on-write: pages are shared
until a process changes them. The snapshot says where in the change log it stands; a process
that opens it applies the log from there, and ignores it when the log no longer holds that
position (the database was restored or replaced).

Only indexes of at least `MIN_ROWS` activities are written: smaller ones load faster than a
snapshot would help.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection

from bali.search import pair_table, postings, row_records
from bali.search.facet_encoding import Vocabulary
from bali.search.facet_index import CODE_COLUMNS, PAIR_FACETS, ROW_COLUMNS, FacetIndex
from bali.search.presorted import Presorted

logger = logging.getLogger("bali.search")

FORMAT = 4
MIN_ROWS = 20_000


def folder() -> Path:
    return Path(settings.DATA_DIR) / "search"


def database_key() -> str:
    config = connection.settings_dict
    identity = "|".join(str(config.get(key) or "") for key in ("ENGINE", "NAME", "HOST", "PORT"))
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def _arrays(index: FacetIndex) -> dict[str, np.ndarray]:
    arrays = {name: getattr(index, name) for name in ROW_COLUMNS}
    arrays |= {f"code-{name}": index.codes[name] for name in CODE_COLUMNS}
    for name in PAIR_FACETS:
        arrays[f"pairs-{name}-rows"] = index.pairs[name].rows
        arrays[f"pairs-{name}-values"] = index.pairs[name].values
        arrays[f"pairs-{name}-offsets"] = index.pairs[name].offsets
        table = index.pairs[name].table
        if table is not None:
            arrays[f"pairs-{name}-table"] = table.table
            arrays[f"pairs-{name}-overflow"] = table.overflow
    for name, found in index.postings.items():
        if found is not None:
            arrays[f"postings-{name}-offsets"] = found.offsets
            arrays[f"postings-{name}-rows"] = found.rows
    for (sort, lang), found in index.presorted.items():
        if found.layout == index.layout and found.covered == index.n:
            arrays[f"order-{sort}-{lang}"] = found.rows
    if index.totals is not None and index.totals[0] == index.version:
        arrays |= {f"totals-{name}": counts for name, counts in index.totals[1].items()}
    if index.records is not None:
        arrays["records"] = index.records.records
        for name, rows in index.records.overflow.items():
            arrays[f"records-overflow-{name}"] = rows
    arrays["row_of_id"] = index.row_of_id
    arrays |= {f"title-{lang}": keys for lang, keys in index.title_keys.items()}
    return arrays


def save(index: FacetIndex) -> Path | None:
    """Write the index as the database's current snapshot; None when too small to matter."""
    if index.n < MIN_ROWS:
        return None
    index.build_postings()
    root = folder()
    root.mkdir(parents=True, exist_ok=True)
    key = database_key()
    name = f"facets-{key}-{index.seq}-{secrets.token_hex(4)}"
    scratch = root / f"{name}.tmp"
    scratch.mkdir()
    for array_name, array in _arrays(index).items():
        np.save(scratch / f"{array_name}.npy", np.ascontiguousarray(array))
    meta = {
        "format": FORMAT,
        "n": index.n,
        "dead": index.dead,
        "seq": index.seq,
        "token": index.token,
        "newest": index.newest,
        "vocab": {name: vocabulary.codes for name, vocabulary in index.vocab.items()},
        "org_refs": {str(pk): ref for pk, ref in index.org_refs.items()},
        "org_names": index.org_names,
        "titles": sorted(index.title_keys),
        "orders": [
            [sort, lang]
            for (sort, lang), found in index.presorted.items()
            if found.layout == index.layout and found.covered == index.n
        ],
        "records": None if index.records is None else index.records.spans,
        "totals": sorted(index.totals[1])
        if index.totals is not None and index.totals[0] == index.version
        else [],
        "tables": sorted(name for name in PAIR_FACETS if index.pairs[name].table is not None),
        "postings": {
            name: found.covered for name, found in index.postings.items() if found is not None
        },
    }
    (scratch / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    scratch.rename(root / name)
    pointer = root / f"facets-{key}.json"
    staged = root / f"facets-{key}.json.{secrets.token_hex(4)}"
    staged.write_text(json.dumps({"folder": name}))
    os.replace(staged, pointer)
    _remove_others(root, key, keep=name)
    return root / name


def _remove_others(root: Path, key: str, keep: str) -> None:
    """Older snapshots of this database (processes that mapped them keep their pages)."""
    for path in root.glob(f"facets-{key}-*"):
        if path.is_dir() and path.name != keep:
            shutil.rmtree(path, ignore_errors=True)


def load() -> FacetIndex | None:
    """The database's current snapshot, or None (missing, unreadable or of another format)."""
    try:
        root = folder()
        pointer = json.loads((root / f"facets-{database_key()}.json").read_text())
        path = root / pointer["folder"]
        meta = json.loads((path / "meta.json").read_text())
        if meta.get("format") != FORMAT:
            return None
        return _build(path, meta)
    except (OSError, ValueError, KeyError):
        return None


def _build(path: Path, meta: dict[str, Any]) -> FacetIndex:
    def array(name: str) -> np.ndarray:
        # A plain ndarray over the mapped file: np.memmap's indexing is slower.
        return np.load(path / f"{name}.npy", mmap_mode="c").view(np.ndarray)

    index = FacetIndex()
    for name in ROW_COLUMNS:
        setattr(index, name, array(name))
    index.codes = {name: array(f"code-{name}") for name in CODE_COLUMNS}
    for name in PAIR_FACETS:
        index.pairs[name].rows = array(f"pairs-{name}-rows")
        index.pairs[name].values = array(f"pairs-{name}-values")
        index.pairs[name].offsets = array(f"pairs-{name}-offsets")
    if meta["totals"]:  # a loaded index is at version 0
        index.totals = (0, {name: array(f"totals-{name}") for name in meta["totals"]})
    for name in meta["tables"]:
        index.pairs[name].table = pair_table.PairTable(
            array(f"pairs-{name}-table"), array(f"pairs-{name}-overflow")
        )
    if meta["records"] is not None:
        spans = {name: (int(a), int(b)) for name, (a, b) in meta["records"].items()}
        overflow = {
            name: array(f"records-overflow-{name}") for name in PAIR_FACETS if name in spans
        }
        index.records = row_records.RowRecords(array("records"), spans, overflow)
    for name, covered in meta["postings"].items():
        index.postings[name] = postings.Postings(
            array(f"postings-{name}-offsets"), array(f"postings-{name}-rows"), covered
        )
    for sort, lang in meta["orders"]:
        index.presorted[sort, lang] = Presorted(0, meta["n"], array(f"order-{sort}-{lang}"))
    index.row_of_id = array("row_of_id")
    index.title_keys = {lang: array(f"title-{lang}") for lang in meta["titles"]}
    index.vocab = {name: Vocabulary(codes) for name, codes in meta["vocab"].items()}
    index.org_refs = {int(pk): ref for pk, ref in meta["org_refs"].items()}
    index.org_names = meta["org_names"]
    index.n, index.dead = meta["n"], meta["dead"]
    index.seq, index.token, index.newest = meta["seq"], meta["token"], meta["newest"]
    return index
