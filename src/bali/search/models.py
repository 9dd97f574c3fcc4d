"""What the search engine keeps in the database besides the text index itself.

The text index (an FTS5 table on SQLite, a tsvector table on PostgreSQL) is created by the
migrations with SQL of its own (`bali.search.backends`), since Django has no model for it.
"""

from __future__ import annotations

from django.db import models


class IndexChange(models.Model):
    """One activity (re)indexed or removed: a log that every app server process reads to bring
    its in-memory facet index up to date, so several gunicorn workers stay consistent.

    `token` is random per write batch: a process that remembers (seq, token) notices when the
    log it read was rolled back or replaced (a restored database, a test's rollback).
    """

    seq = models.BigAutoField(primary_key=True)
    activity_id = models.BigIntegerField()
    token = models.BigIntegerField()

    class Meta:
        verbose_name = "search index change"

    def __str__(self) -> str:
        return f"{self.seq}: activity {self.activity_id}"


class IndexState(models.Model):
    """Small named values of the index: `epoch` (raised by each rebuild) and `watermark` (the
    newest `Activity.updated_at` known to be indexed)."""

    key = models.CharField(max_length=40, primary_key=True)
    value = models.CharField(max_length=100)

    class Meta:
        verbose_name = "search index state"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
