"""Reference data with names in the language asked for, and the country and organisation twins."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_countries(client: Client, corpus: dict) -> None:
    data = client.get("/api/v1/reference/countries?lang=fr").json()
    kenya = next(c for c in data if c["code"] == "KE")
    assert kenya["name"] == "Kenya" and kenya["unep_region"] == {"code": "AFR", "name": "Afrique"}
    assert set(kenya) == {
        "code", "iso3", "name", "unep_region", "development_status", "ldc", "lldc", "sids",
        "activity_count",
    }  # fmt: skip
    counts = {c["code"]: c["activity_count"] for c in data if c["activity_count"]}
    assert counts == {"KE": 2, "TZ": 2, "PE": 1}  # as the countries page shows them


def test_countries_index_page_and_its_twin_agree(client: Client, corpus: dict) -> None:
    import re

    page = client.get("/en/countries/").content.decode()
    listed = r'href="/en/countries/(\w+)/">[^<]+</a> <span class="count">(\d+)'
    shown = dict(re.findall(listed, page))
    data = client.get("/api/v1/reference/countries").json()
    assert shown == {c["code"]: str(c["activity_count"]) for c in data if c["activity_count"]}


def test_active_organisations_twin_the_organisations_page(client: Client, corpus: dict) -> None:
    from bali.organisations.models import Organisation

    Organisation.objects.create(ref="XM-IDLE", names={"en": "Idle agency"})
    everyone = client.get("/api/v1/reference/organisations").json()
    active = client.get("/api/v1/reference/organisations?active=true").json()
    assert everyone["count"] == 3 and active["count"] == 2
    assert "XM-IDLE" not in {o["ref"] for o in active["results"]}
    page = client.get("/en/organisations/").content.decode()
    assert "XM-IDLE" not in page and "XM-DAC-41114" in page
    bad = client.get("/api/v1/reference/organisations?active=maybe&lang=fr")
    assert bad.status_code == 400 and bad.json()["errors"]["active"]


def test_regions_and_themes_follow_accept_language(client: Client) -> None:
    regions = client.get("/api/v1/reference/regions", HTTP_ACCEPT_LANGUAGE="es").json()
    assert {"code": "AFR", "name": "África"}.items() <= regions[0].items()
    themes = client.get("/api/v1/reference/themes?lang=zh-hans").json()
    assert len(themes) == 32
    assert next(t for t in themes if t["code"] == "TH02")["name"] == "气候变化问题"


def test_sectors(client: Client) -> None:
    data = client.get("/api/v1/reference/sectors").json()
    five = next(s for s in data if s["code"] == "41010")
    assert five == {
        "code": "41010",
        "vocabulary": "1",
        "name": "Environmental policy and administrative management",
        "category": "410",
        "withdrawn": False,
    }
    assert any(s["code"] == "410" and s["vocabulary"] == "2" for s in data)


def test_meas(client: Client) -> None:
    data = client.get("/api/v1/reference/meas").json()
    assert any(m["code"] == "MONTREAL" for m in data)
    assert set(data[0]) == {"code", "name", "year", "secretariat", "secretariat_city", "url"}


def test_organisations_paged_and_searchable(client: Client, corpus: dict) -> None:
    data = client.get("/api/v1/reference/organisations").json()
    assert set(data) == {"count", "page", "next", "results"}
    assert data["count"] == 2 and data["next"] is None
    assert set(data["results"][0]) == {
        "id", "ref", "key", "name", "acronym", "type", "country", "website"
    }  # fmt: skip
    found = client.get("/api/v1/reference/organisations?q=undp").json()
    assert [o["ref"] for o in found["results"]] == ["XM-DAC-41114"]
    assert client.get("/api/v1/reference/organisations?page=0").status_code == 400


def test_country_twin_has_the_profile(client: Client, corpus: dict) -> None:
    data = client.get("/api/v1/reference/countries/ke").json()
    assert data["code"] == "KE"
    profile = data["activities"]
    assert set(profile) == {
        "count",
        "first_year",
        "last_year",
        "by_status",
        "by_theme",
        "by_country",
        "by_organisation",
        "money",
    }
    assert profile["count"] == 2
    assert {"code": "TH02", "name": "Climate change", "count": 2} in profile["by_theme"]
    money = {line["currency"]: line for line in profile["money"]}
    assert money["USD"]["budget"] == "3000" and money["EUR"]["budget"] == "500"
    assert money["USD"]["committed"] == "1500" and money["USD"]["disbursed"] == "700"
    assert data["search"] == "/api/v1/activities?country=KE"


def test_organisation_twin(client: Client, corpus: dict) -> None:
    data = client.get("/api/v1/reference/organisations/XM-DAC-41114").json()
    assert data["ref"] == "XM-DAC-41114" and data["activities"]["count"] == 2
    assert data["roles"] == [{"code": "4", "name": "Implementing", "count": 1}]


def test_organisation_links_are_encoded(client: Client, hq_user: Any) -> None:
    """An identifier holding `&`, `#` or `+` still names the organisation in the twin's
    search link and in the page's links (the search and the twin find it again)."""
    from bali.activities.actions import do_create_activity

    ref = "XM-A&B#C+1"
    org = {"ref": ref, "names": {"en": "Odd publisher"}}
    do_create_activity(
        hq_user, {"iati_identifier": "XM-ODD-1", "title": {"en": "Odd"}, "reporting_org": org}
    )
    twin = client.get("/api/v1/reference/organisations/" + quote(ref)).json()
    assert twin["search"] == "/api/v1/activities?org=XM-A%26B%23C%2B1"
    found = client.get(twin["search"]).json()
    assert [item["iati_identifier"] for item in found["results"]] == ["XM-ODD-1"]
    html = client.get("/en/organisations/" + quote(ref) + "/").content.decode()
    assert 'href="/api/v1/reference/organisations/XM-A&amp;B%23C+1"' in html
    assert 'href="/en/activities/?org=XM-A%26B%23C%2B1"' in html
    assert client.get("/api/v1/reference/organisations/XM-A&B%23C+1").json()["ref"] == ref


def test_organisation_without_identifier_links_no_search(client: Client, hq_user: Any) -> None:
    """Its figures cannot be a search (no URL names it): its theme figures link nowhere,
    instead of to a search of the whole clearinghouse."""
    from bali.activities.actions import do_create_activity
    from bali.organisations.models import Organisation

    trust = {"names": {"en": "Wildlife Trust"}}
    do_create_activity(
        hq_user,
        {
            "iati_identifier": "XM-TRUST-1",
            "title": {"en": "Rangers"},
            "reporting_org": trust,
            "themes": ["TH01"],
        },
    )
    number = Organisation.objects.get(names__en="Wildlife Trust").pk
    html = client.get(f"/en/organisations/{number}/").content.decode()
    assert "Biodiversity" in html
    assert "/en/activities/?" not in html.split('class="profile"')[1].split("</section>")[0]
    assert "?theme=" not in html
    assert client.get(f"/api/v1/reference/organisations/{number}").json()["search"] is None


@pytest.mark.parametrize(
    "url", ["/api/v1/reference/countries/ZZ", "/api/v1/reference/organisations/NOPE"]
)
def test_unknown_is_404_in_language(client: Client, url: str) -> None:
    response = client.get(url + "?lang=fr")
    assert response.status_code == 404 and response.json()["detail"]
