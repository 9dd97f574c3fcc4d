"""The activity page: everything the record holds with names beside codes, money totals per
currency, results, provenance, related and similar activities; permanent links; bad ids."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bali.activities.actions import do_create_activity
from bali.activities.models import Activity

pytestmark = pytest.mark.django_db
LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]
KENYA = "XM-DAC-41116-CLIMATE-KE"


def _html(client: Client, activity: Activity, lang: str = "en") -> str:
    response = client.get(f"/{lang}/activities/{activity.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_renders_in_each_language(client: Client, corpus: dict, lang: str) -> None:
    html = _html(client, corpus[KENYA], lang)
    assert f'<html lang="{lang}"' in html and ('dir="rtl"' in html) == (lang == "ar")
    assert KENYA in html


def test_title_in_the_interface_language_with_others_listed(client: Client, corpus: dict) -> None:
    french = _html(client, corpus[KENYA], "fr")
    assert '<h1 lang="fr" dir="auto">Formation à l&#x27;adaptation</h1>' in french
    assert '<dd lang="en" dir="auto">Climate adaptation training in Kenya</dd>' in french


def test_text_in_another_script_keeps_its_direction_on_arabic_pages(
    client: Client, corpus: dict
) -> None:
    """English text on a right-to-left page is laid out left to right (its full stop at the
    end, not jumping to the start of the line)."""
    arabic = _html(client, corpus[KENYA], "ar")
    assert '<div class="description" lang="en" dir="auto">' in arabic
    assert '<h1 lang="en" dir="auto">Climate adaptation training in Kenya</h1>' in arabic


def test_codes_have_their_names(client: Client, corpus: dict) -> None:
    html = _html(client, corpus[KENYA])
    for text in (
        "Implementation",  # ActivityStatus 2
        "Kenya",
        "United Republic of Tanzania",
        "Africa",
        "Climate change",  # TH02
        "Environmental policy and administrative management",  # DAC 41010
        "41010",
        "United Nations Framework Convention on Climate Change",
        "Implementing",  # OrganisationRole 4 of UNDP
        "Significant objective",  # gender marker 1
    ):
        assert text in html, text


def test_money_totals_per_currency_never_added_across(client: Client, corpus: dict) -> None:
    html = _html(client, corpus[KENYA])
    money = html.split("<caption>", 1)[1]
    assert "1,000" in money and "500" in money
    # Two totals, one per currency (USD 1,000 and EUR 500), and transaction totals by type.
    budgets = html.split("Budgets</caption>")[1].split("</table>")[0]
    assert budgets.count("<tfoot>") == 1 and budgets.split("<tfoot>")[1].count("<tr>") == 2
    transactions = html.split("Transactions</caption>")[1].split("</table>")[0]
    assert "Total: Outgoing Commitment" in transactions and "Total: Disbursement" in transactions
    assert "1,500" in transactions and "700" in transactions


def test_results_show_baseline_target_actual(client: Client, corpus: dict) -> None:
    html = _html(client, corpus[KENYA])
    results = html.split("<h2>Results</h2>")[1].split("</table>")[0]
    assert "Number of officers trained" in results
    assert "3 (2022)" in results and ">40<" in results and ">37<" in results


def test_provenance_and_links(client: Client, corpus: dict) -> None:
    activity = corpus[KENYA]
    html = _html(client, activity)
    assert "Entered in this clearinghouse" in html
    assert f"/en/activities/{activity.pk}/history/" in html
    assert f"/api/v1/activities/{activity.pk}" in html
    assert f"/en/activities/iati/{KENYA}/" in html
    assert "Last updated here" in html


def test_related_activities_linked_when_held_here(client: Client, corpus: dict) -> None:
    html = _html(client, corpus[KENYA])
    water = corpus["XM-DAC-41116-WATER/KE:2"]
    related = html.split("Related activities</h2>")[1].split("</ul>")[0]
    assert f'href="/en/activities/{water.pk}/"' in related
    assert "XX-ELSEWHERE-1" in related and "not held in this clearinghouse" in related
    # The water activity shows that the Kenya one names it.
    back = _html(client, water).split("Related activities</h2>")[1].split("</ul>")[0]
    assert f'href="/en/activities/{corpus[KENYA].pk}/"' in back


def test_similar_activities_load_into_the_page_and_stand_alone(
    client: Client, corpus: dict
) -> None:
    activity = corpus[KENYA]
    page = _html(client, activity)
    url = f"/en/activities/{activity.pk}/similar/"
    # The page asks htmx for them once shown; without JavaScript the link opens them.
    assert f'hx-get="{url}" hx-trigger="load"' in page and f'<a href="{url}">' in page
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and fragment.lstrip().startswith('<section class="similar"')
    # Freshwater (Kenya, TH02, 2024–2026) overlaps; Peru (LAC, 2019–2020) does not.
    assert "Freshwater monitoring network" in fragment and "Same country:" in fragment
    assert "Peru" not in fragment and "Ozone" not in fragment
    full = client.get(url).content.decode()
    assert '<html lang="en"' in full and "Freshwater monitoring network" in full
    assert client.get("/en/activities/999999/similar/").status_code == 404


def test_similar_unit_explains_region_matches(hq_user: Any, corpus: dict) -> None:
    from bali.activities.similar import similar_activities

    uganda = do_create_activity(
        hq_user,
        {
            "iati_identifier": "XM-TEST-UG",
            "title": {"en": "Uganda climate"},
            "countries": ["UG"],
            "themes": ["TH02"],
            "planned_start": "2024-01-01",
            "planned_end": "2024-12-31",
        },
    )
    found = {item.activity.iati_identifier: item for item in similar_activities(uganda)}
    assert set(found) == {KENYA, "XM-DAC-41116-WATER/KE:2"}
    assert found[KENYA].countries == [] and found[KENYA].regions == ["AFR"]
    assert found[KENYA].themes == ["TH02"]


def test_permanent_link_by_iati_identifier_with_slash_and_colon(
    client: Client, corpus: dict
) -> None:
    water = corpus["XM-DAC-41116-WATER/KE:2"]
    response = client.get("/en/activities/iati/XM-DAC-41116-WATER/KE:2/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/activities/{water.pk}/"
    missing = client.get("/fr/activities/iati/NO-SUCH-ID/")
    assert missing.status_code == 404 and '<html lang="fr"' in missing.content.decode()


@pytest.mark.parametrize("path", ["999999/", "abc/", "-1/", "1.5/", "99999999999999999999999/"])
def test_bad_ids_give_404(client: Client, path: str) -> None:
    response = client.get(f"/en/activities/{path}")
    assert response.status_code == 404


def test_private_activity_404_for_public_visible_to_hq(
    client: Client, corpus: dict, hq_user: Any
) -> None:
    activity = corpus["XM-DAC-41116-GLOBAL"]
    Activity.objects.filter(pk=activity.pk).update(visibility="private")
    assert client.get(f"/en/activities/{activity.pk}/").status_code == 404
    client.force_login(hq_user)
    assert client.get(f"/en/activities/{activity.pk}/").status_code == 200


def test_activity_page_query_count_is_bounded(
    client: Client, corpus: dict, django_assert_max_num_queries: Any
) -> None:
    activity = corpus[KENYA]
    client.get(f"/en/activities/{activity.pk}/")
    with django_assert_max_num_queries(30):
        client.get(f"/en/activities/{activity.pk}/")


def test_history_page_still_works(client: Client, corpus: dict) -> None:
    activity = corpus[KENYA]
    response = client.get(f"/en/activities/{activity.pk}/history/")
    assert response.status_code == 200 and "created" in response.content.decode()
