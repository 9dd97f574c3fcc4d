"""Pages in relevance order without ranking every match where that is dear.

SQLite: bm25 costs a computation per matching document, and a broad word matches a sizeable
share of a million activities. So the engine asks only for the best few hundred matches
(`ORDER BY relevance LIMIT n`), keeps them per query, and asks for more, four times as many
each time, only when a page (after filters and permissions) reaches past them. The order is
total (relevance, then the higher id), so the window is always exactly the start of the full
order and pages and cursors agree with a full ranking.

A broad query on SQLite (more than `BROAD` matches, at most `BROAD_TERMS` words or phrases) is
ranked in numpy instead, by a simpler bm25: for each term, its idf times the weight of each
field it occurs in (title 4, identifiers 2, body 1), summed; occurrences within a field and
field lengths are not counted. Each term's matches per field are read once
(`bali.search.matching.term_fields`); a single word's matches are their union.

PostgreSQL: ts_rank of a match costs little next to reading it (the vector is in the row the
match reads), so every match is scored in the query that finds it
(`Backend.scores_in_match`), once per query, and the order is exact ts_rank at any depth.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bali.search import matching, ordering
from bali.search.backends import Ranked, get_backend
from bali.search.facet_index import FacetIndex
from bali.search.query import Query

WINDOW = 400  # matches ranked at first
SORT = "relevance"
BROAD = 20_000  # matches beyond which a query is ranked by field presence (see above)
BROAD_TERMS = 4
FIELD_WEIGHTS = {"title": 4.0, "ident": 2.0, "body": 1.0}


def _broad_scores(current: Any, index: FacetIndex, query: Query) -> np.ndarray | None:
    """Scores per row by field presence, or None when the backend cannot list matches per
    field or the query has too many terms. Computed from each term's rows per field (cached by
    `bali.search.matching`), a few milliseconds; not kept (a score per row is 8 MB)."""
    terms = list(dict.fromkeys(term for group in query.groups for term in group))
    if len(terms) > BROAD_TERMS:
        return None
    scores = np.zeros(index.n, np.float64)
    documents = index.live_count()
    present = np.zeros(index.n, bool)
    for term in terms:
        fields = matching.term_fields(current, index, term)
        if fields is None:
            return None
        present[:] = False
        for rows in fields.values():
            present[rows] = True
        found = int(np.count_nonzero(present))
        idf = np.log((documents - found + 0.5) / (found + 0.5) + 1.0)
        for name, rows in fields.items():
            scores[rows] += idf * FIELD_WEIGHTS[name]
    return scores


def _broad_page(
    index: FacetIndex,
    scores: np.ndarray,
    mask: np.ndarray,
    page_range: tuple[int, int],
    cursor: str | None,
) -> tuple[list[int], str | None]:
    candidates = np.flatnonzero(mask)
    keys = [-scores[candidates], -index.ids[candidates]]
    after = ordering.read_cursor(cursor, SORT, 2) if cursor else None
    positions, more = ordering.select_page(keys, *page_range, after)
    ids = [int(pk) for pk in index.ids[candidates[positions]]]
    return ids, (ordering.cursor_after(SORT, keys, positions[-1]) if more else None)


def _window(current: Any, index: FacetIndex, query: Query, limit: int, total: int) -> Ranked:
    key = matching.ranked_key(current, index, query)
    cached: Ranked | None = current.matches.get(key)
    if cached is not None and (cached.complete or len(cached.ids) >= limit):
        return cached
    if get_backend().scores_in_match:
        return matching.scored_matches(current, index, query)
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
    if matched > BROAD and not get_backend().scores_in_match:
        scores = _broad_scores(current, index, query)
        if scores is not None:
            return _broad_page(index, scores, mask, page_range, cursor)
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
