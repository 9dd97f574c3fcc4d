"""What a text-index backend does; SQLite FTS5 and PostgreSQL full text implement it.

Backends receive documents already cut into tokens (`bali.search.documents`) and queries already
parsed (`bali.search.query`), so they only store tokens and translate the query tree into their
own syntax. The result set of a query is therefore the same on both; only relevance scores
differ (bm25 against ts_rank).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from bali.search.query import Query, Term

# Fields of a document, in the order they are stored. Titles weigh most in relevance.
FIELDS = ("title", "ident", "body")
FIELD_LIMITS = {"title": 1000, "ident": 500, "body": 14000}  # tokens; sum < 16383 (PostgreSQL)


@dataclass(frozen=True)
class Document:
    activity_id: int
    title: list[str]
    ident: list[str]
    body: list[str]


def one_per_activity(documents: list[Document]) -> list[Document]:
    """The documents with one per activity, the last given winning (a write replaces)."""
    return list({doc.activity_id: doc for doc in documents}.values())


@dataclass(frozen=True)
class Matches:
    """Activity ids matching a query.

    `complement`: the query has only excluded terms, and `ids` are the activities to exclude.
    """

    ids: np.ndarray
    complement: bool = False


@dataclass(frozen=True)
class Ranked:
    """The best matches of a query, best first (relevance, higher is better; ties: the higher
    id first); `complete` when they are all the matches."""

    ids: np.ndarray
    scores: np.ndarray
    complete: bool


def _parse_list(text: str | None, dtype: type[np.generic]) -> np.ndarray:
    """Numbers from a comma-separated list the database aggregated (one row, not thousands).

    numpy's text reader parses 170,000 ids in 2 ms where splitting the string and converting
    each piece takes 15 ms; the count of commas checks that it read everything."""
    if not text:
        return np.empty(0, dtype)
    values = np.fromstring(text, dtype=dtype, sep=",")
    if len(values) != text.count(",") + 1:  # never expected: the database wrote the list
        return np.array(text.split(","), dtype=dtype)
    return values


def parse_ids(text: str | None) -> np.ndarray:
    return _parse_list(text, np.int64)


def parse_scores(text: str | None) -> np.ndarray:
    """Scores as float4 text: the shortest exact form, so they compare as the database
    compared them."""
    return _parse_list(text, np.float32)


def best_first(ids: np.ndarray, scores: np.ndarray) -> Ranked:
    """All the matches of a query ranked: the higher score first, then the higher id."""
    order = np.lexsort((-ids, -scores))
    return Ranked(ids[order], scores[order].astype(np.float64), complete=True)


class Backend:
    vendor = ""
    table = ""
    # Does scoring every match cost about as much as matching (PostgreSQL: ts_rank reads the
    # vector the match has just read)? Then a relevance search scores all matches in one pass
    # (`scored`) instead of ranking a window of the best (`ranked`).
    scores_in_match = False

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    # Schema -----------------------------------------------------------------------------
    def create_schema(self, table: str | None = None) -> None:
        raise NotImplementedError

    def drop_schema(self, table: str | None = None) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table or self.table}")

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")

    # Writing ----------------------------------------------------------------------------
    def write(self, documents: list[Document], table: str | None = None) -> None:
        """Insert or replace these documents."""
        raise NotImplementedError

    def delete(self, activity_ids: list[int]) -> None:
        raise NotImplementedError

    def bulk_load(self, documents: list[Document], table: str) -> None:
        """Append documents to a fresh table during a rebuild (no replacement needed)."""
        self.write(documents, table)

    def start_rebuild(self) -> str:
        """Create an empty table beside the live one; returns its name."""
        shadow = f"{self.table}_rebuild"
        self.drop_schema(shadow)
        self.create_schema(shadow)
        return shadow

    def optimize(self, table: str) -> None:
        """Merge the index structures of a freshly loaded table (before it goes live)."""

    def finish_rebuild(self, shadow: str) -> None:
        """Swap the rebuilt table in (one short transaction)."""
        raise NotImplementedError

    def document_count(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.table}")
            return int(cursor.fetchone()[0])

    # Querying ---------------------------------------------------------------------------
    def expression(self, query: Query) -> str:
        """The backend's query text for the positive part minus the excluded terms (or, for
        a query of exclusions only, the union of the excluded terms)."""
        if query.is_negative_only:
            return self._any(query.excluded)
        positive = self._all([self._any(group) for group in query.groups])
        if not query.excluded:
            return positive
        return self._but_not(positive, self._any(query.excluded))

    def match(self, query: Query) -> Matches:
        raise NotImplementedError

    def field_matches(self, term: Term) -> dict[str, np.ndarray] | None:
        """{field: ids of documents with the term in that field}, when the backend can tell
        cheaply (None otherwise)."""
        return None

    def ranked(self, query: Query, limit: int | None) -> Ranked:
        """The `limit` best matches of a query with positive terms (all when None)."""
        raise NotImplementedError

    def scored(self, query: Query) -> Ranked:
        """Every match of a query with positive terms, ranked (see `scores_in_match`)."""
        return self.ranked(query, None)

    def _ranked(self, sql: str, params: list[Any], limit: int | None) -> Ranked:
        if limit is not None:
            sql += " LIMIT %s"
            params = [*params, limit]
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        array = np.array(rows, dtype=np.float64).reshape(-1, 2)
        complete = limit is None or len(rows) < limit
        return Ranked(array[:, 0].astype(np.int64), array[:, 1], complete)

    def id_subquery(self, query: Query) -> tuple[str, list[object]]:
        """SQL selecting the ids `expression(query)` matches, for `pk__in` filters."""
        raise NotImplementedError

    def order_by_relevance(self, queryset: QuerySet[Any], query: Query) -> QuerySet[Any]:
        """The activities of `queryset` matching the query, best first (then the higher id)."""
        raise NotImplementedError

    # Syntax pieces each backend defines -------------------------------------------------
    def _term(self, term: Term) -> str:
        raise NotImplementedError

    def _any(self, terms: tuple[Term, ...]) -> str:
        raise NotImplementedError

    def _all(self, parts: list[str]) -> str:
        raise NotImplementedError

    def _but_not(self, positive: str, negative: str) -> str:
        raise NotImplementedError
