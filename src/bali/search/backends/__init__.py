"""The text-index backend for a database connection, chosen by its vendor."""

from __future__ import annotations

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from bali.search.backends.base import Backend, Document, Matches, Ranked
from bali.search.backends.postgresql import PostgreSQLBackend
from bali.search.backends.sqlite import SQLiteBackend

BACKENDS: dict[str, type[Backend]] = {"sqlite": SQLiteBackend, "postgresql": PostgreSQLBackend}

__all__ = ["BACKENDS", "Backend", "Document", "Matches", "Ranked", "get_backend"]


def get_backend(connection: BaseDatabaseWrapper | None = None) -> Backend:
    connection = connection or default_connection
    try:
        return BACKENDS[connection.vendor](connection)
    except KeyError:
        raise RuntimeError(f"no search backend for the {connection.vendor} database") from None
