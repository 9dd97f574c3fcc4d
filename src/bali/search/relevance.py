"""Pages in relevance order without ranking every match.

Ranking costs the database a bm25 (or ts_rank) computation per matching document, and a broad
word matches a sizeable share of a million activities. So the engine asks only for the best
few hundred matches (`ORDER BY relevance LIMIT n`), keeps them per query, and asks for more,
four times as many each time, only when a page (after filters and permissions) reaches past
them. The order is total (relevance, then the higher id), so the window is always exactly the
start of the full order and pages and cursors agree with a full ranking.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bali.search import ordering
from bali.search.backends import Ranked, get_backend
from bali.search.facet_index import FacetIndex
from bali.search.query import Query

WINDOW = 400  # matches ranked at first
SORT = "relevance"


def _window(current: Any, index: FacetIndex, query: Query, limit: int, total: int) -> Ranked:
    key = ("ranked", query.canonical(), current.build, index.version)
    cached: Ranked | None = current.matches.get(key)
    if cached is not None and (cached.complete or len(cached.ids) >= limit):
        return cached
    wanted: int | None = max(limit, WINDOW, 4 * len(cached.ids) if cached else 0)
    if wanted is not None and wanted * 2 >= total:
        wanted = None  # close to all of them: rank everything at once
    found = get_backend().ranked(query, wanted)
    current.matches[key] = found
    return found


def page(
    current: Any,
    index: FacetIndex,
    query: Query,
    mask: np.ndarray,
    matched: int,
    page_range: tuple[int, int],
    cursor: str | None,
) -> tuple[list[int], str | None]:
    """(ids of the page's activities, cursor of the next page or None), best first, among
    the rows of `mask` (which must only hold rows matching the query, `matched` of them in
    the text index). `page_range`: (offset, size)."""
    offset, size = page_range
    count = int(np.count_nonzero(mask))
    after = ordering.read_cursor(cursor, SORT, 2) if cursor else None
    limit = max(WINDOW, 2 * (offset + size))
    while True:
        window = _window(current, index, query, limit, matched)
        rows, positions = index.rows_for_ids(window.ids)
        keep = mask[rows]
        scores, ids = window.scores[positions[keep]], window.ids[positions[keep]]
        keys = [-scores, -ids]
        start = (
            offset if after is None else int(np.count_nonzero(~ordering.after_mask(keys, after)))
        )
        end = start + size
        if window.complete or end <= len(ids) or start >= count:
            chosen = slice(min(start, len(ids)), min(end, len(ids)))
            page_ids = [int(pk) for pk in ids[chosen]]
            more = end < count
            last = chosen.stop - 1
            next_cursor = ordering.cursor_after(SORT, keys, last) if more and page_ids else None
            return page_ids, next_cursor
        # The page reaches past the window: ask for enough more, judging by how many of the
        # ranked matches the filters kept.
        kept_share = max(len(ids), 1) / max(len(window.ids), 1)
        limit = max(4 * len(window.ids), int((end + 1) / kept_share * 1.5))
