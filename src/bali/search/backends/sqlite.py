"""SQLite FTS5 backend: one FTS5 table, rowid = activity id, columns title, ident, body.

The columns hold our tokens joined by spaces. The `unicode61` tokenizer (diacritics kept: they
are already removed) then splits on those spaces only, so FTS5 indexes exactly our tokens;
every query token is a double-quoted FTS5 string, so no user text reaches FTS5's own syntax.
Relevance is bm25 with the title weighing most.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
from django.db.models import QuerySet

from bali.search.backends.base import (
    FIELDS,
    Backend,
    Document,
    Matches,
    Ranked,
    one_per_activity,
    parse_ids,
)
from bali.search.query import Query, Term

BM25_WEIGHTS = "4.0, 2.0, 1.0"  # title, ident, body


class SQLiteBackend(Backend):
    vendor = "sqlite"
    table = "search_fts"

    def create_schema(self, table: str | None = None) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table or self.table} USING fts5("
                "title, ident, body, tokenize='unicode61 remove_diacritics 0')"
            )

    def write(self, documents: list[Document], table: str | None = None) -> None:
        table = table or self.table
        documents = one_per_activity(documents)
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {table} WHERE rowid = %s", [(doc.activity_id,) for doc in documents]
            )
        self.bulk_load(documents, table)

    def bulk_load(self, documents: list[Document], table: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (rowid, title, ident, body) VALUES (%s, %s, %s, %s)",
                [
                    (doc.activity_id, " ".join(doc.title), " ".join(doc.ident), " ".join(doc.body))
                    for doc in documents
                ],
            )

    def delete(self, activity_ids: list[int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {self.table} WHERE rowid = %s", [(pk,) for pk in activity_ids]
            )

    def optimize(self, table: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")

    def finish_rebuild(self, shadow: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(f"ALTER TABLE {shadow} RENAME TO {self.table}")

    def match(self, query: Query) -> Matches:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT group_concat(rowid) FROM {self.table} WHERE {self.table} MATCH %s",
                [self.expression(query)],
            )
            ids = parse_ids(cursor.fetchone()[0])
        return Matches(ids, complement=query.is_negative_only)

    def field_matches(self, term: Term) -> dict[str, np.ndarray] | None:
        found: dict[str, np.ndarray] = {}
        with self.connection.cursor() as cursor:
            for field in FIELDS:
                cursor.execute(
                    f"SELECT group_concat(rowid) FROM {self.table} WHERE {self.table} MATCH %s",
                    [f"{{{field}}} : ({self._term(term)})"],
                )
                found[field] = parse_ids(cursor.fetchone()[0])
        return found

    def ranked(self, query: Query, limit: int | None) -> Ranked:
        return self._ranked(
            f"SELECT rowid, -bm25({self.table}, {BM25_WEIGHTS}) FROM {self.table} "
            f"WHERE {self.table} MATCH %s "
            f"ORDER BY bm25({self.table}, {BM25_WEIGHTS}), rowid DESC",
            [self.expression(query)],
            limit,
        )

    def id_subquery(self, query: Query) -> tuple[str, list[object]]:
        return (
            f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s",
            [self.expression(query)],
        )

    def order_by_relevance(self, queryset: QuerySet[Any], query: Query) -> QuerySet[Any]:
        """Joins a temporary table of the matches' bm25 scores, computed once: FTS5 would
        evaluate the query again for every row in a correlated subquery."""
        expression = self.expression(query)
        name = "search_rank_" + hashlib.sha256(expression.encode()).hexdigest()[:16]
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{name}")
            cursor.execute(f"CREATE TEMP TABLE {name} (id INTEGER PRIMARY KEY, score REAL)")
            cursor.execute(
                f"INSERT INTO temp.{name} (id, score) SELECT rowid, -bm25({self.table}, "
                f"{BM25_WEIGHTS}) FROM {self.table} WHERE {self.table} MATCH %s",
                [expression],
            )
        return queryset.extra(
            tables=[name],
            where=[f'{name}.id = "activities_activity"."id"'],
            select={"search_rank": f"{name}.score"},
            order_by=["-search_rank", "-id"],
        )

    def _term(self, term: Term) -> str:
        text = " + ".join(f'"{token}"' for token in term.tokens)
        return text + "*" if term.prefix else text

    def _any(self, terms: tuple[Term, ...]) -> str:
        return "(" + " OR ".join(self._term(term) for term in terms) + ")"

    def _all(self, parts: list[str]) -> str:
        return "(" + " AND ".join(parts) + ")"

    def _but_not(self, positive: str, negative: str) -> str:
        return f"{positive} NOT {negative}"
