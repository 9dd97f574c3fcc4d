"""The rows of the facet index a text query matches, read from the full-text index.

Most searches are one word or one phrase. For those, on a backend that can list a term's
matches field by field (SQLite FTS5), the matches are read as the union of the term's fields:
the per-field lists are what ranking a broad query needs anyway (`bali.search.relevance`), so a
broad word costs the three field lists instead of those and one more full match list. The field
lists of a term are kept per process, by term, until the next write: a term shared by several
queries is read once.

Other queries (several terms, exclusions) are matched by the database in one query. On
PostgreSQL a search ordered by relevance reads the matches and their ts_rank scores in the same
query (`Backend.scores_in_match`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bali.search.backends import Matches, Ranked, get_backend
from bali.search.facet_index import FacetIndex
from bali.search.query import Query, Term


def _single_term(query: Query) -> Term | None:
    if len(query.groups) == 1 and len(query.groups[0]) == 1 and not query.excluded:
        return query.groups[0][0]
    return None


def term_fields(current: Any, index: FacetIndex, term: Term) -> dict[str, np.ndarray] | None:
    """{field: rows with the term in that field} (cached per term), or None when the backend
    cannot list a term's matches per field cheaply."""
    key = ("fields", term.canonical(), current.build, index.version)

    def read() -> dict[str, np.ndarray] | None:
        by_field = get_backend().field_matches(term)
        if by_field is None:
            return None
        return {name: index.rows_for_ids(ids)[0] for name, ids in by_field.items()}

    found: dict[str, np.ndarray] | None = current.terms.get_or(key, read)
    return found


def text_matches(current: Any, index: FacetIndex, query: Query) -> Matches:
    """Activity ids matching the query, from the database (cached per query)."""
    key = ("matches", query.canonical(), current.build, index.version)
    found: Matches = current.matches.get_or(key, lambda: get_backend().match(query))
    return found


def ranked_key(current: Any, index: FacetIndex, query: Query) -> tuple[Any, ...]:
    """The cache key of a query's ranked matches (`bali.search.relevance` shares it)."""
    return ("ranked", query.canonical(), current.build, index.version)


def scored_matches(current: Any, index: FacetIndex, query: Query) -> Ranked:
    """Every match ranked, in one query, on a backend where that costs about what matching
    does (`Backend.scores_in_match`); cached per query."""
    key = ranked_key(current, index, query)
    cached: Ranked | None = current.matches.get(key)
    if cached is None or not cached.complete:
        cached = current.matches[key] = get_backend().scored(query)
    current.matches.move_to_end(key)
    return cached


def mask_of_ids(index: FacetIndex, matches: Matches) -> np.ndarray:
    """Rows matching, from the ids the text index returned."""
    rows, _positions = index.rows_for_ids(matches.ids)
    mask = np.zeros(index.n, bool)
    mask[rows] = True
    return ~mask if matches.complement else mask


def text_rows(
    current: Any, index: FacetIndex, query: Query, ranking: bool = False
) -> tuple[np.ndarray, int]:
    """(mask of the rows matching a query with terms, number of matches). `ranking`: the
    matches will be ranked by relevance (a backend that scores in the match pass does it
    now)."""
    if ranking and query.groups and get_backend().scores_in_match:
        ranked = scored_matches(current, index, query)
        return mask_of_ids(index, Matches(ranked.ids)), len(ranked.ids)
    term = _single_term(query)
    fields = term_fields(current, index, term) if term is not None else None
    if fields is not None:
        mask = np.zeros(index.n, bool)
        for rows in fields.values():
            mask[rows] = True
        return mask, int(np.count_nonzero(mask))
    matches = text_matches(current, index, query)
    return mask_of_ids(index, matches), len(matches.ids)
