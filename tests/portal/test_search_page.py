"""The search page: facets with counts, AND across / OR within, the URL as the state, sorting,
paging, htmx partial responses, bad input and query counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from bali.activities.models import Activity

pytestmark = pytest.mark.django_db
LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]


def _page(client: Client, query: str = "", lang: str = "en", **headers: Any) -> str:
    response = client.get(f"/{lang}/activities/{query}", **headers)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def _titles(html: str) -> set[str]:
    return set(re.findall(r'<h3><a href="/\w+(?:-\w+)?/activities/\d+/"[^>]*>([^<]+)</a>', html))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_renders_in_each_language(client: Client, corpus: dict, lang: str) -> None:
    html = _page(client, "?q=climate", lang)
    assert f'<html lang="{lang}"' in html
    assert ('dir="rtl"' in html) == (lang == "ar")
    assert 'id="facet-country"' in html and 'id="facet-region"' in html


def test_lists_every_public_activity_with_counts(client: Client, corpus: dict) -> None:
    html = _page(client)
    assert "5 activities" in html
    assert len(_titles(html)) == 5


def test_text_query_narrows_results_and_facet_counts(client: Client, corpus: dict) -> None:
    html = _page(client, "?q=climate")
    assert _titles(html) == {
        "Climate adaptation training in Kenya",
        "Climate finance readiness in Peru",
    }
    # The counts follow the query: Kenya appears once among the "climate" activities.
    assert re.search(r"Kenya</span> <span class=\"count\">1</span>", html)


def test_facet_link_adds_the_value_to_the_url(client: Client, corpus: dict) -> None:
    html = _page(client, "?q=climate")
    link = re.search(
        r'<a href="([^"]+)" rel="nofollow"><span class="box"[^>]*>☐</span> '
        r'<span class="label">Peru',
        html,
    )
    assert link is not None
    assert link.group(1).replace("&amp;", "&") == "?q=climate&country=PE"
    assert _titles(_page(client, link.group(1).replace("&amp;", "&"))) == {
        "Climate finance readiness in Peru"
    }


def test_or_within_a_facet_and_across_facets(client: Client, corpus: dict) -> None:
    kenya = _page(client, "?country=KE")
    assert _titles(kenya) == {
        "Climate adaptation training in Kenya",
        "Freshwater monitoring network",
    }
    both = _page(client, "?country=KE&country=PE")
    assert len(_titles(both)) == 3
    assert _titles(_page(client, "?country=KE,PE")) == _titles(both)
    narrowed = _page(client, "?country=KE&country=PE&theme=TH04")
    assert _titles(narrowed) == {"Freshwater monitoring network"}


def test_unit_with_value_toggles_one_value() -> None:
    from bali.activities.filters import ActivityFilters
    from bali.portal.facets import with_value

    filters = ActivityFilters(q="water", country=["KE"], theme=["TH02"], sort="-budget")
    added = with_value(filters, "country", "PE", True)
    assert added == "?q=water&country=KE&country=PE&theme=TH02&sort=-budget"
    assert with_value(filters, "country", "KE", False) == "?q=water&theme=TH02&sort=-budget"


def test_selected_value_has_a_remove_chip_and_checked_box(client: Client, corpus: dict) -> None:
    html = _page(client, "?country=KE&q=climate")
    assert 'class="selected" aria-current="true"' in html
    chip = re.search(r'<a class="chip" href="([^"]+)"', html)
    assert chip is not None and "country" not in chip.group(1) and "q=climate" in chip.group(1)


def test_region_and_theme_facets_are_offered(client: Client, corpus: dict) -> None:
    html = _page(client)
    assert "?region=AFR" in html and "?region=LAC" in html
    assert 'id="facet-theme-CC"' in html and 'id="facet-theme-TH"' in html


def test_long_facet_shows_top_values_and_a_link_to_all(client: Client, hq_user: Any) -> None:
    from bali.activities.actions import do_create_activity

    codes = ["KE", "TZ", "UG", "PE", "BR", "IN", "CN", "EG", "MA", "SN", "GH"]
    for index, code in enumerate(codes):
        do_create_activity(
            hq_user,
            {"iati_identifier": f"XM-TEST-{index}", "title": {"en": "x"}, "countries": [code]},
        )
    html = _page(client)
    facet = html.split('id="facet-country"')[1].split("</section>")[0]
    assert facet.count('rel="nofollow"') == 8
    assert "more=country" in facet and "Show all 11" in facet
    full = _page(client, "?more=country").split('id="facet-country"')[1].split("</section>")[0]
    assert full.count('rel="nofollow"') == 11 and "Show fewer" in full


def test_sort_by_budget_and_start(client: Client, many: Any) -> None:
    many(3)
    largest = _page(client, "?sort=-budget")
    order = re.findall(r"Climate activity number (\d)", largest)
    assert order == ["2", "1", "0"]
    smallest = _page(client, "?sort=budget")
    assert re.findall(r"Climate activity number (\d)", smallest) == ["0", "1", "2"]
    assert '<option value="-budget" selected>' in largest


def test_pages_and_state_in_links(client: Client, many: Any) -> None:
    many(5)
    html = _page(client, "?country=KE&page_size=2")
    assert "page 1 of 3" in html
    pager = html.split('class="pagination"')[1].split("</nav>")[0]
    assert "country=KE" in pager and "page=3" in pager and "page_size=2" in pager
    last = _page(client, "?country=KE&page_size=2&page=3")
    assert len(_titles(last)) == 1
    assert '<ol class="result-list" start="5">' in last


def test_page_past_the_end_is_a_friendly_404(client: Client, corpus: dict) -> None:
    response = client.get("/fr/activities/?page=9")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Il n’y a pas de page 9" in html or "pas de page 9" in html
    assert 'href="/fr/activities/?"' in html or "activities/?" in html


@pytest.mark.parametrize(
    "query",
    [
        "?country=XX",
        "?theme=TH99",
        "?sort=sideways",
        "?page=0",
        "?page=abc",
        "?page_size=1000",
        "?year=20x4",
        "?q=" + "a" * 10000,
    ],
)
def test_bad_parameters_give_a_translated_400_page(client: Client, query: str) -> None:
    response = client.get(f"/fr/activities/{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="fr"' in html and 'class="errorlist"' in html


def test_unknown_facet_value_message_names_it(client: Client) -> None:
    html = client.get("/en/activities/?country=XX").content.decode()
    assert "Unknown value for country: XX." in html


@pytest.mark.parametrize("q", ['"unclosed', "OR OR", "-", "clim*", "气候", "a" * 500, "(", "\x00"])
def test_malformed_text_query_never_gives_500(client: Client, corpus: dict, q: str) -> None:
    response = client.get("/en/activities/", {"q": q})
    assert response.status_code in (200, 400)


def test_htmx_request_gets_only_the_search_area(client: Client, corpus: dict) -> None:
    html = _page(client, "?q=climate", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-area")
    assert "<html" not in html and 'id="facet-country"' in html
    # The language menu comes out of band, keeping the new query.
    assert 'hx-swap-oob="true"' in html and 'href="/fr/activities/?q=climate"' in html
    full = client.get("/en/activities/?q=climate", HTTP_HX_REQUEST="true")
    assert "<html" in full.content.decode()
    assert "HX-Target" in full["Vary"]


def test_plain_links_carry_htmx_enhancement_without_needing_it(
    client: Client, corpus: dict
) -> None:
    html = _page(client)
    assert 'id="search-area" hx-target="#search-area" hx-push-url="true"' in html
    assert 'hx-boost="true"' in html and "htmx.min.js" in html
    assert '<form class="search" method="get" action="/en/activities/"' in html


def test_export_links_keep_the_search(client: Client, corpus: dict) -> None:
    html = _page(client, "?q=climate&country=KE").replace("&amp;", "&")
    assert "/en/activities/export.csv?q=climate&country=KE" in html
    assert "/en/activities/export.csv?q=climate&country=KE&rows=country" in html
    assert "/en/activities/export.json?q=climate&country=KE" in html
    assert "/api/v1/activities?q=climate&country=KE" in html


def test_private_activity_is_hidden_from_the_public(
    client: Client, corpus: dict, hq_user: Any
) -> None:
    Activity.objects.filter(iati_identifier="XM-DAC-41116-GLOBAL").update(visibility="private")
    assert "4 activities" in _page(client)
    client.force_login(hq_user)
    assert "5 activities" in _page(client)


def test_query_count_does_not_grow_with_results(
    client: Client, many: Any, django_assert_max_num_queries: Any
) -> None:
    many(3)
    client.get("/en/activities/")  # warm the reference caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/en/activities/")
    steady = len(few.captured_queries)  # read now: every request resets the query log
    many(12, prefix="XM-MORE")
    client.get("/en/activities/")  # the search index catches up with the new activities
    with django_assert_max_num_queries(steady):
        response = client.get("/en/activities/")
    assert "15 activities" in response.content.decode()
    assert 1 <= steady <= 25


def test_search_page_is_light(client: Client, many: Any) -> None:
    """Under 100 KB over the wire without images: gzipped HTML, CSS and htmx."""
    import gzip
    from pathlib import Path

    many(20)
    response = client.get("/en/activities/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    static = Path(__file__).resolve().parents[2] / "src/bali/portal/static/bali"
    assets = [static / "css/site.css", static / "css/print.css", static / "js/htmx.min.js"]
    total = len(response.content) + sum(len(gzip.compress(p.read_bytes())) for p in assets)
    assert total < 100 * 1024
    assert "cdn" not in gzip.decompress(response.content).decode().lower()


def test_values_left_out_by_the_service_are_counted_and_announced() -> None:
    from bali.activities.filters import ActivityFilters
    from bali.portal.facets import facet_panel
    from bali.search.service import FacetValue

    values = [FacetValue(f"ORG-{i}", f"Org {i}", 10 - i, False) for i in range(10)]
    closed = facet_panel(ActivityFilters(), {"org": values}, "", {"org": 500})
    (group,) = closed.groups
    assert len(group.values) == 8 and group.total == 510 and "more=org" in group.more_url
    opened = facet_panel(ActivityFilters(), {"org": values}, "org", {"org": 500})
    assert len(opened.groups[0].values) == 10 and opened.groups[0].hidden == 500
