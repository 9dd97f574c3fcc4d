"""Every facet with every sort order, exported as CSV (each row kind) and JSON: the export streams
to the end and holds the same activities, in the same order, as the API's search.

An export that fails while streaming has already sent its 200, so only reading the whole body
shows it (an `mea=` filter once made every export fail after its first line)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from bali.activities.filters import LIST_FILTERS, SORTS
from bali.activities.models import Activity
from bali.activities.signals import activities_changed

pytestmark = pytest.mark.django_db

# A value of each facet that some activities of the corpus have (and some do not).
FACET_VALUES = {
    "country": "KE",
    "region": "AFR",
    "theme": "TH02",
    "sector": "410",
    "org": "XM-DAC-41114",
    "status": "2",
    "type": "training",
    "year": "2024",
    "gender": "1",
    "mea": "UNFCCC,MONTREAL",
    "source": "imported:XM-DAC-41114",
}


def test_every_facet_is_covered() -> None:
    assert set(FACET_VALUES) == set(LIST_FILTERS)


@pytest.fixture
def with_import(corpus: dict[str, Activity]) -> dict[str, Activity]:
    """The corpus, with the UNDP activity marked as imported from UNDP's IATI file (as the
    importer leaves it), and the search told of the change."""
    peru = corpus["XM-DAC-41114-CLIMATE-PE"]
    Activity.objects.filter(pk=peru.pk).update(source="imported", source_publisher="XM-DAC-41114")
    activities_changed.send(__name__, ids=[peru.pk], deleted=False)
    return corpus


def _body(response: Any) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def _csv_ids(client: Client, query: str, rows: str) -> list[str]:
    text = _body(client.get(f"/en/activities/export.csv?{query}&rows={rows}"))
    ids = [row["id"] for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))]
    return list(dict.fromkeys(ids))  # rows per country or sector repeat the activity


@pytest.mark.parametrize("facet", sorted(FACET_VALUES))
def test_export_of_each_facet_in_each_order(
    client: Client, with_import: dict[str, Activity], facet: str
) -> None:
    for sort in SORTS:
        query = f"{facet}={FACET_VALUES[facet]}&sort={sort}"
        api = client.get(f"/api/v1/activities?{query}&page_size=100").json()
        expected = [str(item["id"]) for item in api["results"]]
        assert 0 < len(expected) < len(with_import), query
        for rows in ("activity", "country", "sector"):
            assert _csv_ids(client, query, rows) == expected, (query, rows)
        document = json.loads(_body(client.get(f"/en/activities/export.json?{query}")))
        assert document["count"] == len(expected), query
        assert [str(item["id"]) for item in document["results"]] == expected, query


def test_text_query_with_an_agreement_in_each_order(
    client: Client, corpus: dict[str, Activity]
) -> None:
    """Relevance order comes from the full-text backend, the other orders from SQL: both
    combine with the agreement filter."""
    for sort in SORTS:
        query = f"q=climate&mea=UNFCCC&sort={sort}"
        api = client.get(f"/api/v1/activities?{query}").json()
        expected = [str(item["id"]) for item in api["results"]]
        assert len(expected) == 1, query
        assert _csv_ids(client, query, "activity") == expected, query
        document = json.loads(_body(client.get(f"/en/activities/export.json?{query}")))
        assert [str(item["id"]) for item in document["results"]] == expected, query
