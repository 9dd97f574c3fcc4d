"""Streamed exports of any search: CSV (one row per activity, per activity × country or per
activity × sector) and JSON, plus the facet figures the search page shows.

Two reading paths, both with flat memory however many activities match: `rows.py` reads
activities in batches (scalar columns from one database cursor, a query per kind of child row
and batch) into `ActivityRow`s, which `shapes.py` turns into the JSON summary the API also
returns; `flat.py` reads each activity as one SQL row with its child values joined by the
database, which the CSV export needs to stream a million activities in well under a minute.
`shapes.py` also holds the CSV columns; `streams.py` writes the output as iterators for
`StreamingHttpResponse`.
"""
