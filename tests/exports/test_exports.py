"""Exports of any search: streamed CSV (per activity, × country, × sector, facet counts) and JSON,
with code names beside codes, the same selection as the search page, bad input as 400."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from bali.exports import shapes

pytestmark = pytest.mark.django_db


def _csv(client: Client, query: str = "", lang: str = "en") -> list[dict[str, str]]:
    response = client.get(f"/{lang}/activities/export.csv{query}")
    assert response.status_code == 200, response.content[:300] if not response.streaming else ""
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="bali-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_one_row_per_activity_with_names_beside_codes(client: Client, corpus: dict) -> None:
    rows = _csv(client)
    assert len(rows) == 5
    assert tuple(rows[0]) == shapes.ACTIVITY_COLUMNS
    kenya = next(r for r in rows if r["iati_identifier"] == "XM-DAC-41116-CLIMATE-KE")
    assert kenya["country_codes"] == "KE; TZ"
    assert kenya["country_names"] == "Kenya; United Republic of Tanzania"
    assert kenya["region_codes"] == "AFR" and kenya["region_names"] == "Africa"
    assert kenya["status_code"] == "2" and kenya["status_name"] == "Implementation"
    assert kenya["sector_codes"] == "41010; 41081"
    assert "Climate change" in kenya["theme_names"].split("; ")
    assert kenya["budget_by_currency"] == "EUR 500; USD 1000"
    assert kenya["gender_marker_name"] == "Significant objective"
    assert (
        kenya["url"] == f"http://testserver/en/activities/{corpus['XM-DAC-41116-CLIMATE-KE'].pk}/"
    )


def test_rows_per_country(client: Client, corpus: dict) -> None:
    rows = _csv(client, "?rows=country")
    # Kenya activity has 2 countries, the others 1 each, the global one none (one empty row).
    assert len(rows) == 6
    assert tuple(rows[0]) == (*shapes.ACTIVITY_COLUMNS, *shapes.COUNTRY_COLUMNS)
    kenya = [r for r in rows if r["iati_identifier"] == "XM-DAC-41116-CLIMATE-KE"]
    assert [(r["country_code"], r["country_name"], r["country_percentage"]) for r in kenya] == [
        ("KE", "Kenya", "60"),
        ("TZ", "United Republic of Tanzania", "40"),
    ]
    assert kenya[0]["country_region_name"] == "Africa"
    empty = next(r for r in rows if r["iati_identifier"] == "XM-DAC-41116-GLOBAL")
    assert empty["country_code"] == ""


def test_rows_per_sector(client: Client, corpus: dict) -> None:
    rows = _csv(client, "?rows=sector&country=KE")
    assert sorted((r["sector_code"], r["sector_percentage"]) for r in rows) == [
        ("14010", ""),
        ("41010", "70"),
        ("41081", "30"),
    ]
    names = {r["sector_code"]: r["sector_name"] for r in rows}
    assert names["41010"] == "Environmental policy and administrative management"
    assert names["14010"] == "Water sector policy and administrative management"


def test_same_selection_and_order_as_the_search(client: Client, corpus: dict) -> None:
    rows = _csv(client, "?q=climate&sort=title")
    api = client.get("/api/v1/activities?q=climate&sort=title").json()
    assert [r["id"] for r in rows] == [str(item["id"]) for item in api["results"]]


def test_names_in_the_page_language(client: Client, corpus: dict) -> None:
    rows = _csv(client, "?country=KE", lang="fr")
    assert all(r["region_names"] == "Afrique" for r in rows)
    assert rows[0]["url"].startswith("http://testserver/fr/activities/")


def test_facet_counts_csv(client: Client, corpus: dict) -> None:
    rows = _csv(client, "?rows=facets&q=climate")
    assert tuple(rows[0]) == shapes.FACET_COLUMNS
    countries = {r["code"]: int(r["count"]) for r in rows if r["facet"] == "country"}
    assert countries == {"KE": 1, "TZ": 1, "PE": 1}


def test_json_export_has_count_facets_and_summaries(client: Client, corpus: dict) -> None:
    response = client.get("/en/activities/export.json?country=KE")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(b"".join(response.streaming_content))
    assert set(data) == {"count", "generated_at", "filters", "facets", "results"}
    assert data["count"] == len(data["results"]) == 2
    assert data["filters"] == {"country": ["KE"]}
    api = client.get("/api/v1/activities?country=KE").json()
    assert data["results"] == api["results"]
    assert data["facets"]["country"] == api["facets"]["country"]


def test_empty_json_export_is_valid(client: Client) -> None:
    response = client.get("/en/activities/export.json")
    data = json.loads(b"".join(response.streaming_content))
    assert data["count"] == 0 and data["results"] == []


@pytest.mark.parametrize(
    "query", ["?rows=planet", "?country=XX", "?page_size=0", "?q=" + "y" * 10000]
)
def test_bad_input_is_400(client: Client, query: str) -> None:
    for url in (f"/en/activities/export.csv{query}", f"/en/activities/export.json{query}"):
        if "rows" in query and "json" in url:
            continue
        response = client.get(url)
        assert response.status_code == 400, url


def test_formula_like_text_is_neutralised(client: Client, hq_user: Any) -> None:
    from bali.activities.actions import do_create_activity

    do_create_activity(
        hq_user, {"iati_identifier": "XM-EVIL-1", "title": {"en": '=HYPERLINK("x")'}}
    )
    (row,) = _csv(client)
    assert row["title"] == '\'=HYPERLINK("x")'


def test_every_untrusted_text_cell_is_neutralised(client: Client, hq_user: Any) -> None:
    """Identifiers, organisation identifiers, a publisher's own sector codes and vocabulary,
    codes an import kept as published: none reaches a spreadsheet as a formula; numbers keep
    their sign."""
    from bali.activities.actions import do_create_activity
    from bali.activities.models import Activity

    do_create_activity(
        hq_user,
        {
            "iati_identifier": "=1+1",
            "reporting_org": {"ref": "@SUM(A1)", "names": {"en": "-Evil org"}},
            "title": {"en": "+Title"},
            "sectors": [{"vocabulary": "99", "code": "-2+3", "percentage": "100"}],
            "budgets": [{"value": "-5", "currency": "USD"}],
        },
    )
    # As an IATI import may leave them: codes outside the codelists, kept as published.
    Activity.objects.filter(iati_identifier="=1+1").update(
        status="=1", default_currency="=C", source_publisher="\tX"
    )
    (row,) = _csv(client)
    assert row["iati_identifier"] == "'=1+1"
    assert row["title"] == "'+Title"
    assert (row["reporting_org_ref"], row["reporting_org_name"]) == ("'@SUM(A1)", "'-Evil org")
    assert row["sector_codes"] == "'-2+3"
    assert (row["status_code"], row["default_currency"]) == ("'=1", "'=C")
    assert row["source_publisher"] == "'\tX"
    assert row["total_budget"] == "-5" and row["budget_by_currency"] == "USD -5"
    (by_sector,) = _csv(client, "?rows=sector")
    assert (by_sector["sector_vocabulary"], by_sector["sector_code"]) == ("99", "'-2+3")
    assert by_sector["sector_percentage"] == "100"
    facets = _csv(client, "?rows=facets")
    org = next(r for r in facets if r["facet"] == "org")
    assert (org["code"], org["name"]) == ("'@SUM(A1)", "'-Evil org")


def test_streams_in_batches_with_constant_queries_per_batch(
    hq_user: Any, many: Any, django_assert_num_queries: Any
) -> None:
    from bali.activities.filters import ActivityFilters
    from bali.exports.rows import iter_rows
    from bali.search.service import activity_queryset

    made = many(7)
    queryset = activity_queryset(ActivityFilters(sort="title"), None)
    # 1 cursor query, the reporting organisations once (all the same here), and 5 child
    # queries for each of the 3 batches (3 + 3 + 1 rows).
    with django_assert_num_queries(1 + 1 + 3 * 5):
        rows = list(iter_rows(queryset, batch_size=3))
    assert [row.iati_identifier for row in rows] == sorted(a.iati_identifier for a in made)
    assert all(row.countries == [("KE", None), ("UG", None)] for row in rows)


def test_csv_stream_is_lazy(hq_user: Any, many: Any) -> None:
    """The generator yields the header before reading any activity (nothing is built up front)."""
    from bali.activities.filters import ActivityFilters
    from bali.exports.streams import csv_rows
    from bali.search.service import activity_queryset

    many(2)
    stream = csv_rows(activity_queryset(ActivityFilters(), None), "activity", "", "en")
    header = next(stream)
    assert header.startswith("\ufeffid,iati_identifier,title")
    rest = "".join(stream)
    assert rest.count("\r\n") == 2


def test_decimals_and_timestamps_read_as_stored(client: Client, hq_user: Any) -> None:
    """Values read without Django's converters keep their exact form on both databases."""
    from bali.activities.actions import do_create_activity
    from bali.activities.models import Activity

    do_create_activity(
        hq_user,
        {
            "iati_identifier": "XM-DECIMALS-1",
            "title": {"en": "Decimals"},
            "countries": [
                {"code": "KE", "percentage": "33.33"},
                {"code": "UG", "percentage": "66.67"},
            ],
            "planned_start": "2024-02-29",
            "budgets": [
                {"value": "50000.50", "currency": "USD"},
                {"value": "0.25", "currency": "USD"},
            ],
        },
    )
    stored = Activity.objects.get(iati_identifier="XM-DECIMALS-1")
    item = client.get("/api/v1/activities").json()["results"][0]
    assert [c["percentage"] for c in item["countries"]] == ["33.33", "66.67"]
    assert item["total_budget"] == "50000.75" and item["budget_by_currency"] == {"USD": "50000.75"}
    assert item["start_date"] == "2024-02-29" and item["end_date"] is None
    assert item["updated_at"] == stored.updated_at.isoformat()
    (row,) = _csv(client)
    assert row["total_budget"] == "50000.75" and row["updated_at"] == item["updated_at"]


def test_relevance_order_of_a_text_search_matches_the_api(client: Client, corpus: dict) -> None:
    rows = _csv(client, "?q=climate")
    api = client.get("/api/v1/activities?q=climate").json()
    assert len(rows) == 2
    assert [r["id"] for r in rows] == [str(item["id"]) for item in api["results"]]
    response = client.get("/en/activities/export.json?q=climate")
    assert json.loads(b"".join(response.streaming_content))["count"] == 2


def test_csv_agrees_with_the_api_summary_for_every_activity(client: Client, corpus: dict) -> None:
    """The CSV (one SQL row per activity) and the API (rows completed in batches) read the
    data by two paths; they must tell the same."""
    rows = {row["id"]: row for row in _csv(client, lang="fr")}
    items = client.get("/api/v1/activities?lang=fr").json()["results"]
    assert len(rows) == len(items) == 5
    for item in items:
        row = rows[str(item["id"])]

        def joined(key: str, field: str, item: dict = item) -> str:
            return "; ".join(str(value[field]) for value in item[key])

        assert row["title"] == item["display_title"]
        assert row["reporting_org_name"] == item["reporting_org"]["name"]
        assert row["status_name"] == (item["status"] or {}).get("name", "")
        for key, prefix in (("countries", "country"), ("regions", "region"), ("themes", "theme")):
            assert row[f"{prefix}_codes"] == joined(key, "code")
            assert row[f"{prefix}_names"] == joined(key, "name")
        assert row["sector_codes"] == joined("sectors", "code")
        assert row["sector_names"] == joined("sectors", "name")
        assert row["mea_names"] == joined("meas", "name")
        money = "; ".join(f"{c} {v}" for c, v in sorted(item["budget_by_currency"].items()))
        assert row["budget_by_currency"] == money
        assert row["total_budget"] == (item["total_budget"] or "")
        assert row["start_date"] == (item["start_date"] or "")
        assert row["updated_at"] == item["updated_at"]


def test_title_in_the_language_else_english_else_any(client: Client, hq_user: Any) -> None:
    from bali.activities.actions import do_create_activity

    for identifier, title in (
        ("XM-T-FR", {"en": "Water", "fr": "Eau"}),
        ("XM-T-EN", {"en": "Soil"}),
        ("XM-T-ZH", {"zh": "气候变化培训"}),
    ):
        do_create_activity(hq_user, {"iati_identifier": identifier, "title": title})
    titles = {row["iati_identifier"]: row["title"] for row in _csv(client, lang="fr")}
    assert titles == {"XM-T-FR": "Eau", "XM-T-EN": "Soil", "XM-T-ZH": "气候变化培训"}


def test_codes_with_separators_and_the_memo_limit(
    client: Client, hq_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codes are joined in SQL with characters XML cannot carry, so `;` and `:` in a
    publisher's own codes pass unharmed; the memo of combinations starts again when full."""
    from bali.activities.actions import do_create_activity
    from bali.exports import flat

    monkeypatch.setattr(flat, "MEMO_LIMIT", 1)
    for index, code in enumerate(("A;B:C", "D,E", "F")):
        do_create_activity(
            hq_user,
            {
                "iati_identifier": f"XM-SEP-{index}",
                "title": {"en": f"Separators {index}"},
                "sectors": [{"vocabulary": "99", "code": code, "percentage": "100"}],
                "countries": [{"code": "KE", "percentage": "50"}, {"code": "UG"}],
            },
        )
    rows = _csv(client, "?rows=sector&sort=title")
    assert [(r["sector_vocabulary"], r["sector_code"]) for r in rows] == [
        ("99", "A;B:C"),
        ("99", "D,E"),
        ("99", "F"),
    ]
    assert {r["sector_percentage"] for r in rows} == {"100"}
    by_country = _csv(client, "?rows=country&sort=title")
    assert [(r["country_code"], r["country_percentage"]) for r in by_country][:2] == [
        ("KE", "50"),
        ("UG", ""),
    ]
    assert all(r["country_codes"] == "KE; UG" for r in by_country)


def test_csv_export_runs_a_fixed_number_of_queries(
    client: Client, many: Any, django_assert_max_num_queries: Any
) -> None:
    """One streaming query for the activities, one per reporting organisation named."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many(3)
    with CaptureQueriesContext(connection) as few:
        assert len(_csv(client)) == 3
    steady = len(few.captured_queries)  # read now: every request resets the query log
    assert 1 <= steady <= 6
    many(30, prefix="XM-MORE")
    with django_assert_max_num_queries(steady):
        assert len(_csv(client)) == 33
