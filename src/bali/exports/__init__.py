"""Streamed exports of any search: CSV (one row per activity, per activity × country or per
activity × sector) and JSON, plus the facet figures the search page shows.

`rows.py` reads activities in batches (one query for the scalar columns through a database
cursor, a handful of queries per batch for the child rows) so memory stays flat however many
activities match; `shapes.py` turns a row into the JSON summary the API also returns and into
CSV cells; `streams.py` writes them out as iterators for `StreamingHttpResponse`.
"""
