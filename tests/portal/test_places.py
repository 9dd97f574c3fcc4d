"""Home, country and organisation pages and their indexes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_has_counts_search_box_and_ways_in(client: Client, corpus: dict, lang: str) -> None:
    html = client.get(f"/{lang}/").content.decode()
    assert f'<form class="search home-search" method="get" action="/{lang}/activities/"' in html
    assert f'href="/{lang}/activities/?region=AFR"' in html
    assert f'href="/{lang}/activities/?theme=TH02"' in html
    assert f'href="/{lang}/activities/?theme=CC11"' in html
    assert '<span class="stat">5</span>' in html  # five public activities


def test_home_region_counts(client: Client, corpus: dict) -> None:
    html = client.get("/en/").content.decode()
    africa = html.split('?region=AFR">')[1].split("</li>")[0]
    assert "3 activities" in africa  # Kenya ×2 and Tanzania


@pytest.mark.parametrize("lang", LANGUAGES)
def test_country_page(client: Client, corpus: dict, lang: str) -> None:
    response = client.get(f"/{lang}/countries/KE/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/{lang}/activities/?country=KE"' in html
    assert "/api/v1/reference/countries/KE" in html


def test_country_page_figures(client: Client, corpus: dict) -> None:
    html = client.get("/en/countries/KE/").content.decode()
    assert '<span class="stat">2</span> activities' in html
    assert "Climate change" in html and "Freshwater" in html
    # Budgets per currency: USD 1,000 + 2,000 and EUR 500.
    assert "3,000" in html and "EUR" in html
    assert "Freshwater monitoring network" in html


def test_country_code_case_and_unknown(client: Client) -> None:
    assert client.get("/en/countries/ke/")["Location"] == "/en/countries/KE/"
    missing = client.get("/fr/countries/ZZ/")
    assert missing.status_code == 404 and '<html lang="fr"' in missing.content.decode()


def test_countries_index(client: Client, corpus: dict) -> None:
    html = client.get("/en/countries/").content.decode()
    assert 'href="/en/countries/KE/"' in html and 'href="/en/countries/PE/"' in html
    assert 'href="/en/countries/FR/"' not in html


def test_organisation_page_by_ref_and_by_number(client: Client, corpus: dict) -> None:
    from bali.organisations.models import Organisation

    html = client.get("/en/organisations/XM-DAC-41114/").content.decode()
    assert "UNDP" in html and "Climate finance readiness in Peru" in html
    assert "Implementing" in html  # UNDP takes part in the Kenya activity
    assert 'href="/en/activities/?org=XM-DAC-41114"' in html
    nameless = Organisation.objects.create(names={"en": "Local NGO"})
    assert client.get(f"/en/organisations/{nameless.pk}/").status_code == 200
    assert client.get("/en/organisations/NO-SUCH/").status_code == 404


def test_organisations_index_and_search(client: Client, corpus: dict) -> None:
    html = client.get("/en/organisations/").content.decode()
    assert 'href="/en/organisations/XM-DAC-41116/"' in html
    found = client.get("/en/organisations/", {"q": "undp"}).content.decode()
    assert "XM-DAC-41114" in found and "XM-DAC-41116" not in found
    assert client.get("/en/organisations/?page=x").status_code == 400


def test_country_page_query_count_is_bounded(
    client: Client, corpus: dict, django_assert_max_num_queries: Any
) -> None:
    client.get("/en/countries/KE/")
    with django_assert_max_num_queries(20):
        client.get("/en/countries/KE/")


def test_organisation_page_query_count_does_not_grow(
    client: Client, many: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many(2)
    client.get("/en/organisations/XM-DAC-41116/")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/organisations/XM-DAC-41116/")
    steady = len(few.captured_queries)  # read now: every request resets the query log
    many(12, prefix="XM-MORE")
    client.get("/en/organisations/XM-DAC-41116/")
    with django_assert_max_num_queries(steady):
        html = client.get("/en/organisations/XM-DAC-41116/").content.decode()
    assert '<span class="stat">14</span>' in html


def test_figures_follow_a_write_at_once(client: Client, corpus: dict, hq_user: Any) -> None:
    """The public figures are cached, under a key that changes with every write."""
    from bali.activities.actions import do_create_activity

    assert '<span class="stat">2</span>' in client.get("/en/countries/KE/").content.decode()
    do_create_activity(
        hq_user, {"iati_identifier": "XM-NEW-KE", "title": {"en": "New"}, "countries": ["KE"]}
    )
    assert '<span class="stat">3</span>' in client.get("/en/countries/KE/").content.decode()


def test_cached_figures_are_named_in_each_readers_language(
    client: Client, corpus: dict, hq_user: Any
) -> None:
    """The public figures are counted once for all readers, but the organisations they list
    are named in the language of each page, whichever language asked first."""
    from bali.activities.actions import do_create_activity
    from bali.organisations.models import Organisation

    english = client.get("/en/countries/KE/").content.decode()
    assert ">UNEP</a>" in english
    french = client.get("/fr/countries/KE/").content.decode()
    assert ">PNUE</a>" in french and ">UNEP</a>" not in french

    def names(url: str, lang: str) -> set[str]:
        data = client.get(f"{url}?lang={lang}").json()
        return {org["name"] for org in data["activities"]["by_organisation"]}

    assert "PNUE" in names("/api/v1/reference/countries/KE", "fr")
    assert "UNEP" in names("/api/v1/reference/countries/KE", "en")
    # An organisation without an identifier: its figures are counted in SQL, named by number.
    trust = {"names": {"en": "Wildlife Trust", "fr": "Fondation pour la faune"}}
    rangers = {"iati_identifier": "XM-TRUST-1", "title": {"en": "Rangers"}, "reporting_org": trust}
    do_create_activity(hq_user, rangers)
    number = Organisation.objects.get(ref="", names__en="Wildlife Trust").pk
    url = f"/api/v1/reference/organisations/{number}"
    assert names(url, "en") == {"Wildlife Trust"}
    assert names(url, "fr") == {"Fondation pour la faune"}


def test_menu_has_the_public_pages(client: Client) -> None:
    html = client.get("/en/").content.decode()
    for url in ("/en/activities/", "/en/countries/", "/en/organisations/"):
        assert f'<a href="{url}"' in html


@pytest.mark.parametrize("url", ["/en/countries/", "/en/organisations/"])
def test_index_pages_query_count_does_not_grow(
    client: Client, many: Any, url: str, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    steady = len(few.captured_queries)
    many(10, prefix="XM-MORE")
    client.get(url)
    with django_assert_max_num_queries(steady):
        assert client.get(url).status_code == 200


def test_money_by_links_equals_money_of_the_search(
    corpus: dict, hq_user: Any, make_user: Any
) -> None:
    """The profiles sum money over the activities found through indexed links; the sums must
    be those of the search they describe, for the public and for people who see more."""
    from bali.activities import profiles, stats
    from bali.activities.filters import ActivityFilters
    from bali.activities.models import Activity
    from bali.organisations.models import Organisation
    from bali.search.service import activity_queryset

    Activity.objects.filter(iati_identifier="XM-DAC-41116-WATER/KE:2").update(visibility="private")
    editor = make_user("partner_editor", org="XM-DAC-41116")
    for user in (None, hq_user, editor):
        for ref in ("XM-DAC-41116", "XM-DAC-41114"):
            org = Organisation.objects.get(ref=ref)
            searched = activity_queryset(ActivityFilters(org=[ref]), user)
            assert profiles.organisation_money(org, user) == stats.money_by_currency(searched)
        for code in ("KE", "TZ", "PE"):
            searched = activity_queryset(ActivityFilters(country=[code]), user)
            assert profiles.country_money(code, user) == stats.money_by_currency(searched)
    public = {line.currency: line.budget for line in profiles.country_money("KE")}
    assert public == {"USD": 1000, "EUR": 500}  # the private water activity left out
