"""PostgreSQL full-text backend: a table of tsvectors with a GIN index.

The tsvector is written as a literal of our tokens with their positions and weights
(`'climat':3A`), and the query as a tsquery literal, so PostgreSQL's own parser, dictionaries
and locale never touch the text: matching is exactly what the Python tokenizer decided, as on
SQLite. Fields are weighted (title A, identifiers B, body C) for ts_rank; a gap of one position
between fields, and the separator between texts of a field, keep phrases inside one text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import F, OrderBy, QuerySet
from django.db.models.expressions import RawSQL

from bali.search.backends.base import (
    FIELDS,
    Backend,
    Document,
    Matches,
    Ranked,
    best_first,
    one_per_activity,
    parse_ids,
    parse_scores,
)
from bali.search.query import Query, Term
from bali.search.text import SEPARATOR

WEIGHTS = {"title": "A", "ident": "B", "body": "C"}
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 255


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(document: Document) -> str:
    """`'token':1A,5A 'other':2C ...` for a document; separators only take a position."""
    positions: dict[str, list[str]] = {}
    position = 0
    for field in FIELDS:
        weight = WEIGHTS[field]
        for token in getattr(document, field):
            position += 1
            if token == SEPARATOR or position > MAX_POSITION:
                continue
            found = positions.setdefault(token, [])
            if len(found) < MAX_POSITIONS_PER_LEXEME:
                found.append(f"{position}{weight}")
        position += 1  # a gap between fields
    return " ".join(f"{_quote(token)}:{','.join(pos)}" for token, pos in positions.items())


class PostgreSQLBackend(Backend):
    vendor = "postgresql"
    table = "search_document"
    scores_in_match = True

    def create_schema(self, table: str | None = None) -> None:
        table = table or self.table
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {table} ("
                "activity_id bigint PRIMARY KEY, vector tsvector NOT NULL)"
            )
            if table == self.table:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {table}_vector ON {table} USING gin (vector)"
                )

    def write(self, documents: list[Document], table: str | None = None) -> None:
        """Insert or replace, in one statement over two arrays (not one per document: the
        importer writes a batch at a time)."""
        table = table or self.table
        latest = one_per_activity(documents)  # ON CONFLICT cannot update a row twice
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (activity_id, vector) "
                "SELECT * FROM unnest(%s::bigint[], %s::text[]::tsvector[]) "
                "ON CONFLICT (activity_id) DO UPDATE SET vector = EXCLUDED.vector",
                [
                    [doc.activity_id for doc in latest],
                    [tsvector_literal(doc) for doc in latest],
                ],
            )

    def bulk_load(self, documents: list[Document], table: str) -> None:
        with (
            self.connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} (activity_id, vector) FROM STDIN") as copy,
        ):
            for doc in documents:
                copy.write_row((doc.activity_id, tsvector_literal(doc)))

    def delete(self, activity_ids: list[int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {self.table} WHERE activity_id = ANY(%s)", [list(activity_ids)]
            )

    def finish_rebuild(self, shadow: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(f"CREATE INDEX {shadow}_vector ON {shadow} USING gin (vector)")
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(f"ALTER TABLE {shadow} RENAME TO {self.table}")
            cursor.execute(f"ALTER INDEX {shadow}_vector RENAME TO {self.table}_vector")
            cursor.execute(f"ALTER INDEX {shadow}_pkey RENAME TO {self.table}_pkey")
            cursor.execute(f"ANALYZE {self.table}")

    @contextmanager
    def _tuned(self) -> Iterator[None]:
        """Enough memory for an exact bitmap of a broad word's matches (else PostgreSQL reads
        the whole table), no JIT compilation (it costs more than it saves here), floats in
        full."""
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
            # scores as text in their shortest exact form (`scored` compares them in numpy)
            cursor.execute("SET LOCAL extra_float_digits = 3")
            yield

    def match(self, query: Query) -> Matches:
        with self._tuned(), self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT string_agg(activity_id::text, ',') FROM {self.table} "
                "WHERE vector @@ CAST(%s AS tsquery)",
                [self.expression(query)],
            )
            ids = parse_ids(cursor.fetchone()[0])
        return Matches(ids, complement=query.is_negative_only)

    def ranked(self, query: Query, limit: int | None) -> Ranked:
        with self._tuned():
            return self._ranked(
                f"SELECT activity_id, ts_rank(%s::float4[], vector, q) AS score "
                f"FROM {self.table}, CAST(%s AS tsquery) AS q WHERE vector @@ q "
                "ORDER BY score DESC, activity_id DESC",
                [RANK_WEIGHTS, self.expression(query)],
                limit,
            )

    def scored(self, query: Query) -> Ranked:
        """Ids and ts_rank scores of every match in one pass: a broad word's matches are read
        from the table's pages (the vectors are stored inline), and ranking them while they
        are read costs little, where ranking in a second query would read them all again."""
        with self._tuned(), self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT string_agg(activity_id::text, ','), "
                "string_agg(ts_rank(%s::float4[], vector, q)::text, ',') "
                f"FROM {self.table}, CAST(%s AS tsquery) AS q WHERE vector @@ q",
                [RANK_WEIGHTS, self.expression(query)],
            )
            ids, scores = cursor.fetchone()
        return best_first(parse_ids(ids), parse_scores(scores))

    def id_subquery(self, query: Query) -> tuple[str, list[object]]:
        return (
            f"SELECT activity_id FROM {self.table} WHERE vector @@ CAST(%s AS tsquery)",
            [self.expression(query)],
        )

    def order_by_relevance(self, queryset: QuerySet[Any], query: Query) -> QuerySet[Any]:
        rank = RawSQL(
            f"(SELECT ts_rank(%s::float4[], vector, CAST(%s AS tsquery)) FROM {self.table} "
            'WHERE activity_id = "activities_activity"."id")',
            [RANK_WEIGHTS, self.expression(query)],
        )
        condition = RawSQL(*self.id_subquery(query))
        return (
            queryset.filter(pk__in=condition)
            .annotate(search_rank=rank)
            .order_by(OrderBy(F("search_rank"), descending=True), "-id")
        )

    def _term(self, term: Term) -> str:
        parts = [_quote(token) for token in term.tokens]
        if term.prefix:
            parts[-1] += ":*"
        return "(" + " <-> ".join(parts) + ")"

    def _any(self, terms: tuple[Term, ...]) -> str:
        return "(" + " | ".join(self._term(term) for term in terms) + ")"

    def _all(self, parts: list[str]) -> str:
        return "(" + " & ".join(parts) + ")"

    def _but_not(self, positive: str, negative: str) -> str:
        return f"{positive} & !{negative}"
