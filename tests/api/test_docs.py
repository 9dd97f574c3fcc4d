"""docs/api.md is a promise: the shapes, parameters, CSV columns and page twins it documents are
read from the page itself and compared with what the code answers, so the two cannot drift."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from bali.exports import shapes

pytestmark = pytest.mark.django_db
DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    """The text from a heading line to the next heading of the same or a higher level."""
    match = re.search(rf"^(#+) {re.escape(heading)}\s*$", DOC, re.MULTILINE)
    assert match, f"docs/api.md has no heading {heading!r}"
    level = len(match.group(1))
    rest = DOC[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def _json_block(text: str) -> str:
    match = re.search(r"```json\n(.*?)```", text, re.DOTALL)
    assert match, "no ```json block"
    return match.group(1)


def _top_keys(block: str) -> set[str]:
    """Keys of the outer object of a documented answer, even where it abbreviates (`...`)."""
    depth, keys = 0, set()
    for match in re.finditer(r'[{}\[\]]|"(\w+)"\s*:', block):
        token = match.group(0)
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
        elif depth == 1:
            keys.add(match.group(1))
    return keys


def _table_keys(cell: str) -> set[str]:
    """Keys listed in a table cell such as `[{"code", "name", "unep_region": {...}}]` (outer
    level only)."""
    inner = cell[cell.index("{") + 1 :]
    depth, keys = -1, set()
    # A key follows `{` or `,`; quoted words after `:` or `or` are documented values.
    for match in re.finditer(r'[{}]|(?<=[{,])\s*"(\w+)"', "{" + inner):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                break
        elif depth == 0:
            keys.add(match.group(1))
    return keys


def _reference_row(endpoint: str) -> str:
    row = re.search(rf"^\| `GET {re.escape(endpoint)}` \| (.+) \|$", DOC, re.MULTILINE)
    assert row, endpoint
    return row.group(1)


def test_search_answer_and_summary_are_as_documented(client: Client, corpus: dict) -> None:
    section = _section("`GET /api/v1/activities` — search")
    data = client.get("/api/v1/activities").json()
    assert _top_keys(_json_block(section)) == set(data)
    summary = json.loads(_json_block(section.split("**Activity summary**")[1]))
    item = next(i for i in data["results"] if i["iati_identifier"] == "XM-DAC-41116-CLIMATE-KE")
    assert set(summary) == set(item)
    for key in ("reporting_org", "status", "activity_type", "gender_marker"):
        assert set(summary[key]) == set(item[key]), key
    for key in ("countries", "regions", "sectors", "themes", "meas"):
        assert set(summary[key][0]) == set(item[key][0]), key
    facet = data["facets"]["country"][0]
    assert set(json.loads(re.search(r'"country": \[(\{.*?\})', section).group(1))) == set(facet)


def test_documented_search_parameters_are_the_accepted_ones(client: Client) -> None:
    table = _section("`GET /api/v1/activities` — search").split("Response:")[0]
    documented = set(re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE))
    spec = client.get("/api/v1/openapi.json").json()
    accepted = {p["name"] for p in spec["paths"]["/api/v1/activities"]["get"]["parameters"]}
    assert documented == accepted


def test_similar_and_history_shapes(client: Client, corpus: dict) -> None:
    kenya = corpus["XM-DAC-41116-CLIMATE-KE"]
    similar = client.get(f"/api/v1/activities/{kenya.pk}/similar").json()
    block = _json_block(_section("`GET /api/v1/activities/{id}/similar`"))
    assert _top_keys(block) == set(similar)
    assert set(json.loads(re.search(r'"shared": (\{.*?\})', block).group(1))) == set(
        similar["results"][0]["shared"]
    )
    history = client.get(f"/api/v1/activities/{kenya.pk}/history").json()
    documented = json.loads(_json_block(_section("`GET /api/v1/activities/{id}/history`")))
    assert set(documented) == set(history)
    assert set(documented["changes"][0]) == set(history["changes"][0])


def test_profile_shape(client: Client, corpus: dict) -> None:
    documented = json.loads(_json_block(_section("Reference data").split("**Profile**")[1]))
    profile = client.get("/api/v1/reference/countries/KE").json()["activities"]
    assert set(documented) == set(profile)
    for key in ("by_status", "by_theme", "by_country", "by_organisation", "money"):
        assert set(documented[key][0]) == set(profile[key][0]), key


@pytest.mark.parametrize(
    "endpoint",
    [
        "/api/v1/reference/countries",
        "/api/v1/reference/regions",
        "/api/v1/reference/themes",
        "/api/v1/reference/sectors",
        "/api/v1/reference/meas",
    ],
)
def test_reference_lists_are_as_documented(client: Client, corpus: dict, endpoint: str) -> None:
    answer = client.get(endpoint).json()
    assert _table_keys(_reference_row(endpoint)) == set(answer[0])


def test_reference_records_are_as_documented(client: Client, corpus: dict) -> None:
    organisations = client.get("/api/v1/reference/organisations").json()
    cell = _reference_row("/api/v1/reference/organisations?q=&page=&active=")
    assert _table_keys(cell) == set(organisations)
    assert _table_keys(cell.split('"results": ')[1]) == set(organisations["results"][0])
    country = client.get("/api/v1/reference/countries/KE").json()
    listed = _table_keys(_reference_row("/api/v1/reference/countries"))
    assert set(country) - listed == {"activities", "search"}
    assert listed - set(country) == {"activity_count"}
    organisation = client.get("/api/v1/reference/organisations/XM-DAC-41114").json()
    extra = set(organisation) - set(organisations["results"][0])
    assert extra == {"roles", "activities", "search"}
    for key in extra:
        assert f'"{key}"' in _reference_row("/api/v1/reference/organisations/{key}")


def test_overview_shape(client: Client, corpus: dict) -> None:
    section = _section("`GET /api/v1/activities/overview`")
    overview = client.get("/api/v1/activities/overview").json()
    assert set(re.findall(r'\{"(counts)": ', section)) | {"regions", "themes"} == set(overview)
    assert set(re.findall(r'"(\w+)": N', section)) == set(overview["counts"])


def test_csv_columns_are_as_documented() -> None:
    exports = _section("Exports")

    def listed(before: str) -> tuple[str, ...]:
        text = exports.split(before, 1)[1].split("`", 2)[1]
        return tuple(column.strip() for column in text.split(","))

    assert listed("Columns of every row kind:") == shapes.ACTIVITY_COLUMNS
    assert listed("`rows=country` adds") == shapes.COUNTRY_COLUMNS
    assert listed("`rows=sector` adds") == shapes.SECTOR_COLUMNS
    assert "`facet, code, name, count, selected`" in exports
    assert ", ".join(shapes.FACET_COLUMNS) == "facet, code, name, count, selected"


MOUNTS = {"portal": "/<lang>/", "activities": "/<lang>/activities/"}
PLACEHOLDERS = {
    "<str:code>": "<ISO2>",
    "<path:key>": "<ref or id>",
    "<int:activity_id>": "<id>",
    "<path:iati_identifier>": "<iati-identifier>",
}


def _documented_pages() -> list[str]:
    """Every public page of the portal and the activity pages, written as docs/api.md writes
    them (`/<lang>/activities/<id>/`); the exports have their own section."""
    from django.urls import get_resolver

    pages = []
    for namespace, mount in MOUNTS.items():
        resolver = get_resolver().namespace_dict[namespace][1]
        for pattern in resolver.url_patterns:
            route = str(pattern.pattern)
            if not route.startswith("export."):
                for django_part, doc_part in PLACEHOLDERS.items():
                    route = route.replace(django_part, doc_part)
                pages.append(mount + route)
    return pages


def _twin_rows() -> list[tuple[str, str]]:
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", _section("Pages and their JSON twins"), re.M)
    return rows[2:]  # after the header and its rule


def test_every_page_has_a_documented_json_twin() -> None:
    documented = " ".join(page for page, _json in _twin_rows())
    for page in _documented_pages():
        assert f"`{page}" in documented, page
    for _page, twin in _twin_rows():
        assert _json_paths(twin), twin


def _json_paths(twin: str) -> list[str]:
    return re.findall(r"`(/api/v1/[^`?]+)", twin)


def test_documented_twins_answer(client: Client, corpus: dict) -> None:
    kenya = corpus["XM-DAC-41116-CLIMATE-KE"]
    values = {
        "<id>": str(kenya.pk),
        "<iati-identifier>": kenya.iati_identifier,
        "<ISO2>": "KE",
        "<ref or id>": "XM-DAC-41116",
    }
    for _page, twin in _twin_rows():
        for path in _json_paths(twin):
            for placeholder, value in values.items():
                path = path.replace(placeholder, value)
            response = client.get(path)
            assert response.status_code == 200, path
            assert response["Content-Type"].startswith("application/json"), path
