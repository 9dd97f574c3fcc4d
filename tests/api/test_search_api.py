"""GET /api/v1/activities: the documented shape, the same parameters as the search page, paging,
bad input as JSON 400/404 in the caller's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# The documented shapes (docs/api.md): a promise, pinned here.
LIST_KEYS = {
    "count",
    "page",
    "page_size",
    "page_count",
    "next",
    "previous",
    "next_cursor",
    "results",
    "facets",
    "facets_more",
}
SUMMARY_KEYS = {
    "id",
    "iati_identifier",
    "title",
    "display_title",
    "reporting_org",
    "status",
    "activity_type",
    "countries",
    "regions",
    "sectors",
    "themes",
    "meas",
    "gender_marker",
    "start_date",
    "end_date",
    "total_budget",
    "default_currency",
    "budget_by_currency",
    "source",
    "source_publisher",
    "updated_at",
    "url",
    "html_url",
}
FACET_VALUE_KEYS = {"code", "name", "count", "selected"}


def _get(client: Client, query: str = "", status: int = 200, **headers: Any) -> dict:
    response = client.get(f"/api/v1/activities{query}", **headers)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_list_shape(client: Client, corpus: dict) -> None:
    data = _get(client)
    assert set(data) == LIST_KEYS
    assert data["count"] == 5 and len(data["results"]) == 5
    assert data["page"] == 1 and data["page_size"] == 20 and data["page_count"] == 1
    for item in data["results"]:
        assert set(item) == SUMMARY_KEYS
    for values in data["facets"].values():
        for value in values:
            assert set(value) == FACET_VALUE_KEYS


def test_summary_values(client: Client, corpus: dict) -> None:
    data = _get(client, "?q=adaptation")
    (item,) = data["results"]
    kenya = corpus["XM-DAC-41116-CLIMATE-KE"]
    assert item["id"] == kenya.pk and item["iati_identifier"] == "XM-DAC-41116-CLIMATE-KE"
    assert item["title"]["en"] == "Climate adaptation training in Kenya"
    assert item["reporting_org"] == {"ref": "XM-DAC-41116", "name": "UNEP"}
    assert item["status"] == {"code": "2", "name": "Implementation"}
    assert item["activity_type"] == {"code": "training", "name": "Training"}
    assert item["countries"] == [
        {"code": "KE", "name": "Kenya", "percentage": "60"},
        {"code": "TZ", "name": "United Republic of Tanzania", "percentage": "40"},
    ]
    assert item["regions"] == [{"code": "AFR", "name": "Africa"}]
    assert {"code": "TH02", "name": "Climate change"} in item["themes"]
    assert item["sectors"][0]["code"] == "41010" and item["sectors"][0]["vocabulary"] == "1"
    assert item["gender_marker"] == {"code": 1, "name": "Significant objective"}
    assert item["start_date"] == "2023-01-01" and item["end_date"] == "2025-12-31"
    assert item["budget_by_currency"] == {"USD": "1000", "EUR": "500"}
    assert item["url"] == f"/api/v1/activities/{kenya.pk}"
    assert item["html_url"] == f"/en/activities/{kenya.pk}/"


def test_names_follow_language(client: Client, corpus: dict) -> None:
    by_header = _get(client, "?q=adaptation", HTTP_ACCEPT_LANGUAGE="fr")
    assert by_header["results"][0]["regions"] == [{"code": "AFR", "name": "Afrique"}]
    assert by_header["results"][0]["display_title"] == "Formation à l'adaptation"
    by_param = _get(client, "?q=adaptation&lang=es")
    assert by_param["results"][0]["regions"][0]["name"] == "África"
    assert by_param["results"][0]["html_url"].startswith("/es/activities/")


def test_filters_and_within_or_across(client: Client, corpus: dict) -> None:
    assert _get(client, "?country=KE")["count"] == 2
    assert _get(client, "?country=KE&country=PE")["count"] == 3
    assert _get(client, "?country=KE,PE&theme=TH04")["count"] == 1
    assert _get(client, "?region=LAC")["count"] == 1
    assert _get(client, "?org=XM-DAC-41114")["count"] == 2  # reports one, takes part in one
    assert _get(client, "?status=4")["count"] == 1
    assert _get(client, "?type=awareness")["count"] == 1
    assert _get(client, "?mea=MONTREAL")["count"] == 1
    assert _get(client, "?source=local")["count"] == 5


def test_facets_match_the_results(client: Client, corpus: dict) -> None:
    data = _get(client, "?q=climate")
    countries = {value["code"]: value["count"] for value in data["facets"]["country"]}
    assert countries == {"KE": 1, "TZ": 1, "PE": 1}
    selected = _get(client, "?country=PE")["facets"]["country"]
    assert [v for v in selected if v["selected"]] == [
        {"code": "PE", "name": "Peru", "count": 1, "selected": True}
    ]


def test_paging_links(client: Client, many: Any) -> None:
    many(5)
    first = _get(client, "?page_size=2&country=KE")
    assert first["count"] == 5 and first["page_count"] == 3 and first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/activities?")
    assert "page=2" in first["next"] and "country=KE" in first["next"]
    assert "cursor" not in first["next"]
    second = _get(client, first["next"].replace("http://testserver/api/v1/activities", ""))
    assert second["page"] == 2 and "page=1" in second["previous"]
    ids = {item["id"] for item in first["results"]} | {item["id"] for item in second["results"]}
    assert len(ids) == 4


def test_sort(client: Client, many: Any) -> None:
    many(3)
    data = _get(client, "?sort=-budget")
    assert [item["total_budget"] for item in data["results"]] == ["102", "101", "100"]


def test_page_past_the_end_is_404(client: Client, corpus: dict) -> None:
    data = _get(client, "?page=4", status=404, HTTP_ACCEPT_LANGUAGE="fr")
    assert "4" in data["detail"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?country=XX", "country"),
        ("?region=MARS", "region"),
        ("?theme=TH99", "theme"),
        ("?sector=abc", "sector"),
        ("?status=9", "status"),
        ("?type=party", "type"),
        ("?year=twenty", "year"),
        ("?gender=7", "gender"),
        ("?mea=NOPE", "mea"),
        ("?org=XM-NOBODY-1", "org"),
        ("?source=elsewhere", "source"),
        ("?source=imported:XM-NOBODY-1", "source"),
        ("?sort=up", "sort"),
        ("?page=0", "page"),
        ("?page=x", "page"),
        ("?page_size=0", "page_size"),
        ("?page_size=101", "page_size"),
        ("?q=" + "x" * 10000, "q"),
    ],
)
def test_bad_parameters_are_400_with_field_messages(client: Client, query: str, field: str) -> None:
    data = _get(client, query, status=400)
    assert set(data) == {"detail", "errors"} and field in data["errors"]
    assert data["detail"] == data["errors"][field][0]


def test_unknown_organisation_and_publisher_are_400_known_ones_are_not(
    client: Client, corpus: dict
) -> None:
    """An organisation or publisher nobody knows is an unknown facet value (400, like an
    unknown country), not an empty result; known ones filter as before."""
    from bali.activities.models import Activity
    from bali.activities.signals import activities_changed

    data = _get(client, "?org=XM-DAC-41114,XM-NOBODY-1", status=400)
    assert data["detail"] == "Unknown value for org: XM-NOBODY-1."
    assert _get(client, "?org=XM-DAC-41116")["count"] == 4
    assert _get(client, "?source=imported:XM-DAC-41114", status=400)["errors"]["source"] == [
        "Unknown value for source: imported:XM-DAC-41114."
    ]
    peru = Activity.objects.filter(iati_identifier="XM-DAC-41114-CLIMATE-PE")
    peru.update(source="imported", source_publisher="XM-DAC-41114")
    activities_changed.send(__name__, ids=[peru.get().pk], deleted=False)
    assert _get(client, "?source=imported:XM-DAC-41114")["count"] == 1
    assert _get(client, "?source=imported:XM-DAC-41114&source=local")["count"] == 5
    bare = _get(client, "?source=XM-DAC-41114", status=400)  # the form docs/api.md never named
    assert bare["errors"]["source"] == [
        "A source is local, imported or imported:<publisher identifier>."
    ]
    assert client.get("/en/activities/?org=XM-NOBODY-1").status_code == 400
    assert client.get("/en/activities/export.csv?source=nowhere").status_code == 400


def test_bad_parameter_message_in_callers_language(client: Client) -> None:
    data = _get(client, "?country=XX", status=400, HTTP_ACCEPT_LANGUAGE="fr")
    assert data["detail"] == "Valeur inconnue pour country : XX."


@pytest.mark.parametrize("q", ['"unclosed', "OR OR", "-", "((", "气候", "\x00", "a" * 500])
def test_malformed_queries_never_500(client: Client, corpus: dict, q: str) -> None:
    response = client.get("/api/v1/activities", {"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "q" in response.json()["errors"]


def test_private_activities_need_a_token(
    client: Client, corpus: dict, hq_user: Any, api_headers: Any
) -> None:
    from bali.activities.models import Activity

    Activity.objects.filter(iati_identifier="XM-DAC-41116-GLOBAL").update(visibility="private")
    assert _get(client)["count"] == 4
    assert (
        _get(client, **{"HTTP_AUTHORIZATION": api_headers(hq_user)["Authorization"]})["count"] == 5
    )
    bad = client.get("/api/v1/activities", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401


def test_list_query_count_does_not_grow_with_page_size(
    client: Client, many: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many(12)
    client.get("/api/v1/activities?page_size=2")
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/activities?page_size=2")
    steady = len(small.captured_queries)
    assert steady >= 1
    with django_assert_max_num_queries(steady):
        data = client.get("/api/v1/activities?page_size=12").json()
    assert len(data["results"]) == 12


def test_openapi_documents_the_endpoints(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/activities",
        "/api/v1/activities/{activity_id}",
        "/api/v1/activities/by-iati-id/{iati_identifier}",
        "/api/v1/activities/{activity_id}/history",
        "/api/v1/activities/overview",
        "/api/v1/reference/countries",
        "/api/v1/reference/countries/{code}",
        "/api/v1/reference/regions",
        "/api/v1/reference/themes",
        "/api/v1/reference/sectors",
        "/api/v1/reference/organisations",
        "/api/v1/reference/organisations/{key}",
        "/api/v1/reference/meas",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/activities"]["get"]["parameters"]}
    assert params == {
        "q",
        "country",
        "region",
        "theme",
        "sector",
        "org",
        "status",
        "type",
        "year",
        "gender",
        "mea",
        "source",
        "sort",
        "page",
        "cursor",
        "page_size",
    }
    assert "post" in paths["/api/v1/activities"]
    assert "patch" in paths["/api/v1/activities/{activity_id}"]
