"""The pages: the whole lifecycle through forms (no JavaScript), what each reader sees, the
queues, six languages, and a bounded number of queries on list pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from tests.requests.conftest import People

from bali.accounts.models import User
from bali.requests.models import Request
from bali.requests.workflow import TransitionInput, do_transition_request

pytestmark = pytest.mark.django_db
FORM = {
    "title": "Drought early warning for the north",
    "language": "en",
    "description": "Herders lose livestock every dry season.",
    "support_type": "technology_transfer",
    "themes": ["TH03", "CC07"],
    "meas": ["UNCCD"],
    "expected_results": "Monthly drought bulletins.",
    "contact_1_name": "Amos Kiprono",
    "contact_1_email": "amos@example.org",
}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def act(client: Client, ref: str, action: str, **fields: Any) -> Any:
    version = Request.objects.get(reference=ref).version
    data = {"action": action, "version": version, "public": "on", **fields}
    return client.post(f"/en/requests/{ref}/act/", data)


def test_whole_lifecycle_through_the_pages(people: People) -> None:
    focal, officer, dtie = (
        signed_in(people.focal_ke),
        signed_in(people.officer_afr),
        signed_in(people.dtie),
    )
    page = focal.get("/en/requests/new/")
    assert page.status_code == 200
    assert "The regional office that receives the request" in page.content.decode()
    response = focal.post("/en/requests/new/", {**FORM, "save": ""})
    assert response.status_code == 302
    request = Request.objects.get()
    ref = request.reference
    assert request.status == "draft" and request.contacts[0]["name"] == "Amos Kiprono"
    response = focal.post(f"/en/requests/{ref}/edit/", {**FORM, "version": 1, "submit": ""})
    assert response.status_code == 302
    assert Request.objects.get().status == "submitted"

    queue = officer.get("/en/requests/office/").content.decode()
    assert ref in queue and 'value="acknowledge"' in queue
    assert act(officer, ref, "acknowledge", next="/en/requests/office/")["Location"] == (
        "/en/requests/office/"
    )
    assert act(officer, ref, "review").status_code == 302
    assert act(officer, ref, "accept").status_code == 302
    assert act(officer, ref, "assign", assignee="division:DTIE").status_code == 302
    assert ref in dtie.get("/en/requests/assigned/").content.decode()
    assert act(dtie, ref, "start").status_code == 302
    assert act(dtie, ref, "complete", summary="Bulletins issued monthly.").status_code == 302
    assert act(focal, ref, "evaluate", note="Very useful.").status_code == 302
    request.refresh_from_db()
    assert request.status == "evaluated"
    timeline = Client().get(f"/en/requests/{ref}/").content.decode()
    for label in ("Acknowledge", "Assign", "Mark as completed", "Record the evaluation"):
        assert label in timeline
    assert "Bulletins issued monthly." in timeline


def test_refused_steps_show_why_and_change_nothing(
    people: People, make_request: Callable[..., Request]
) -> None:
    ref = make_request("under_review").reference
    officer = signed_in(people.officer_afr)
    response = act(officer, ref, "decline")
    assert response.status_code == 422
    assert "Give the reason for declining the request." in response.content.decode()
    response = act(officer, ref, "assign", assignee="division:DTIE")
    assert response.status_code == 409
    response = act(signed_in(people.officer_asp), ref, "accept")
    assert response.status_code == 403
    stale = officer.post(
        f"/en/requests/{ref}/act/", {"action": "accept", "version": 1, "public": "on"}
    )
    assert stale.status_code == 409
    assert Request.objects.get(reference=ref).status == "under_review"
    anonymous = Client().post(f"/en/requests/{ref}/act/", {"action": "accept"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_public_timeline_hides_internal_things(
    people: People, make_request: Callable[..., Request]
) -> None:
    request = make_request("under_review")
    do_transition_request(
        people.officer_afr,
        request,
        "request_information",
        TransitionInput(note="Internal: check the co-financing letter.", public=False),
    )
    ref = request.reference
    public = Client().get(f"/en/requests/{ref}/").content.decode()
    assert "Training of customs officers" in public
    assert "Ask for information" in public
    assert "check the co-financing letter" not in public
    assert "jane@example.org" not in public and "Documents" not in public
    assert "Regional office officer (UNEP Regional Office for Africa)" in public
    assert people.officer_afr.display_name not in public
    inside = signed_in(people.focal_ke).get(f"/en/requests/{ref}/").content.decode()
    assert "check the co-financing letter" in inside and "jane@example.org" in inside


def test_drafts_are_404_for_others(people: People, make_request: Callable[..., Request]) -> None:
    ref = make_request("draft").reference
    for client in (Client(), signed_in(people.officer_afr), signed_in(people.focal_sn)):
        assert client.get(f"/en/requests/{ref}/").status_code == 404
        assert client.get(f"/en/requests/{ref}/edit/").status_code in (302, 404)
    assert signed_in(people.focal_ke2).get(f"/en/requests/{ref}/").status_code == 200
    assert signed_in(people.focal_ke).get("/en/requests/REQ-2026-AFR-9999/").status_code == 404


def test_new_request_form_shows_service_errors(people: People) -> None:
    focal = signed_in(people.focal_ke)
    response = focal.post("/en/requests/new/", {"title": "Only a title", "submit": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose at least one BSP theme." in html
    assert not Request.objects.exists()
    assert signed_in(people.officer_afr).get("/en/requests/new/").status_code == 403


def test_new_request_form_is_in_the_pages_language(people: People) -> None:
    """Someone working on the French page writes in French, whatever their profile says."""
    focal = signed_in(people.focal_ke)
    html = focal.get("/fr/requests/new/").content.decode()
    assert '<option value="fr" selected>' in html
    assert "Combien de temps" in html  # the duration is explained too
    focal.post("/fr/requests/new/", {**FORM, "language": "fr", "save": ""})
    assert Request.objects.get().language == "fr"


def test_desk_lists_what_awaits_the_country(
    people: People, make_request: Callable[..., Request]
) -> None:
    draft = make_request("draft")
    asked = make_request("needs_information")
    waiting = make_request("submitted")
    html = signed_in(people.focal_ke).get("/en/requests/desk/").content.decode()
    awaiting = html.split("Awaiting you")[1].split("All requests of your country")[0]
    assert draft.reference in awaiting and asked.reference in awaiting
    assert waiting.reference not in awaiting
    assert signed_in(people.dtie).get("/en/requests/desk/").status_code == 403


def test_queues_and_overview_are_for_their_roles(
    people: People, make_request: Callable[..., Request]
) -> None:
    assert signed_in(people.focal_ke).get("/en/requests/office/").status_code == 403
    assert signed_in(people.focal_ke).get("/en/requests/assigned/").status_code == 403
    assert signed_in(people.officer_afr).get("/en/requests/overview/").status_code == 403
    ref = make_request("submitted").reference
    assert ref not in signed_in(people.officer_asp).get("/en/requests/office/").content.decode()
    html = signed_in(people.hq).get("/en/requests/overview/").content.decode()
    assert "By region and status" in html
    assert ref in signed_in(people.hq).get("/en/requests/office/?status=all").content.decode()


def test_nav_entries_per_role(people: People) -> None:
    def nav(client: Client) -> str:
        return client.get("/en/").content.decode().split("</nav>")[0]

    assert "/en/requests/" in nav(Client())
    assert "/en/requests/desk/" in nav(signed_in(people.focal_ke))
    assert "/en/requests/desk/" not in nav(signed_in(people.officer_afr))
    assert "/en/requests/office/" in nav(signed_in(people.officer_afr))
    assert "/en/requests/assigned/" in nav(signed_in(people.dtie))
    assert "/en/requests/overview/" in nav(signed_in(people.hq))
    assert "/en/requests/overview/" not in nav(signed_in(people.dtie))


def test_public_list_filters(people: People, make_request: Callable[..., Request]) -> None:
    from tests.requests.conftest import request_data

    from bali.requests.actions import do_create_request

    kenya = make_request("submitted")
    peru = do_create_request(people.focal_pe, request_data(themes=["TH02"]), submit=True)
    hidden = make_request("draft")
    client = Client()
    html = client.get("/en/requests/").content.decode()
    assert kenya.reference in html and peru.reference in html
    assert hidden.reference not in html
    assert peru.reference not in client.get("/en/requests/?country=KE").content.decode()
    assert kenya.reference not in client.get("/en/requests/?region=LAC").content.decode()
    assert kenya.reference not in client.get("/en/requests/?theme=TH02").content.decode()
    assert peru.reference not in client.get("/en/requests/?status=assigned").content.decode()
    assert (
        kenya.reference
        in client.get(f"/en/requests/?year={kenya.created_at.year}").content.decode()
    )
    bad = client.get("/en/requests/?year=abc&page=zz&country=XX&theme=TH02")
    assert bad.status_code == 400  # the bad filters are named and left out, the others used
    html = bad.content.decode()
    assert "A year is four digits, such as 2026." in html and "Unknown code" in html
    assert peru.reference in html and kenya.reference not in html


@pytest.mark.parametrize("lang", ["ar", "zh-hans", "en", "fr", "ru", "es"])
def test_pages_render_in_each_language(
    people: People, make_request: Callable[..., Request], lang: str
) -> None:
    ref = make_request("assigned").reference
    for path in ("", f"{ref}/"):
        response = Client().get(f"/{lang}/requests/{path}")
        assert response.status_code == 200
        assert ('dir="rtl"' in response.content.decode()) == (lang == "ar")
    assert signed_in(people.focal_ke).get(f"/{lang}/requests/new/").status_code == 200


def test_list_pages_use_a_fixed_number_of_queries(
    people: People,
    make_request: Callable[..., Request],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    for status in ("submitted", "assigned", "in_progress", "declined"):
        make_request(status)
    request = make_request("accepted")
    do_transition_request(
        people.officer_afr, request, "assign", TransitionInput(assignee="org:XM-DAC-41114")
    )
    client, officer, hq = Client(), signed_in(people.officer_afr), signed_in(people.hq)
    client.get("/en/requests/")  # warm the reference caches
    with django_assert_max_num_queries(12):
        html = client.get("/en/requests/").content.decode()
    assert "UNDP" in html
    with django_assert_max_num_queries(16):
        officer.get("/en/requests/office/?status=all")
    with django_assert_max_num_queries(16):
        hq.get("/en/requests/overview/")
    for _extra in range(5):
        make_request("submitted")
    with django_assert_max_num_queries(12):
        client.get("/en/requests/")


def test_country_answers_a_question_through_the_form(
    people: People, make_request: Callable[..., Request]
) -> None:
    request = make_request("needs_information")
    ref = request.reference
    focal = signed_in(people.focal_ke)
    page = focal.get(f"/en/requests/{ref}/edit/").content.decode()
    assert "The regional office asked for more information" in page
    assert "Save and send the answer" in page
    response = focal.post(
        f"/en/requests/{ref}/edit/",
        {
            **FORM,
            "priority": "Vision 2030",
            "version": request.version,
            "answer": "The ozone unit takes part.",
            "submit": "",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.priority) == ("submitted", "Vision 2030")
    answer = request.events.get(action="resubmit")
    assert (answer.note, answer.public) == ("The ozone unit takes part.", False)
    again = focal.get(f"/en/requests/{ref}/edit/", follow=True)
    assert again.redirect_chain == [(f"/en/requests/{ref}/", 302)]
    assert "can be changed; this one is submitted" in again.content.decode()


def test_stale_form_is_refused(people: People, make_request: Callable[..., Request]) -> None:
    request = make_request("draft")
    focal = signed_in(people.focal_ke)
    url = f"/en/requests/{request.reference}/edit/"
    assert focal.post(url, {**FORM, "version": 1, "save": ""}).status_code == 302
    stale = focal.post(url, {**FORM, "title": "Mine", "version": 1, "save": ""})
    assert stale.status_code == 422
    assert "was changed by someone else" in stale.content.decode()
    request.refresh_from_db()
    assert request.title == {"en": FORM["title"]}


def test_editing_keeps_what_was_not_changed(
    people: People, make_request: Callable[..., Request]
) -> None:
    """A request in Arabic whose description exists only in English: the form shows the
    English text, and saving a new priority keeps the description and title as they were."""
    request = make_request(
        "needs_information",
        language="ar",
        title={"ar": "جرد الأراضي الرطبة", "en": "Wetland inventory"},
        description={"en": "Wetlands lack a current inventory."},
    )
    focal = signed_in(people.focal_ke)
    url = f"/ar/requests/{request.reference}/edit/"
    form = focal.get(url).content.decode()
    assert "Wetlands lack a current inventory." in form and "جرد الأراضي الرطبة" in form
    fields = {
        "title": "جرد الأراضي الرطبة",
        "language": "ar",
        "description": "Wetlands lack a current inventory.",
        "support_type": "training",
        "themes": ["TH07", "CC04"],
        "meas": ["MONTREAL"],
        "expected_results": "Sixty officers trained.",
        "contact_1_name": "Jane Wambui",
        "contact_1_email": "jane@example.org",
        "contact_1_phone": "+254 20",
        "entry_point": "AFR",
        "version": request.version,
        "priority": "Vision 2030",
        "save": "",
    }
    assert focal.post(url, fields).status_code == 302
    request.refresh_from_db()
    assert request.priority == "Vision 2030"
    assert request.description == {"en": "Wetlands lack a current inventory."}
    assert request.title == {"ar": "جرد الأراضي الرطبة", "en": "Wetland inventory"}
    assert request.events.filter(action="edit").last().data == {"fields": ["priority"]}


@pytest.mark.parametrize(
    ("lang", "money", "start"),
    [
        ("en", "1,747,000.50", "5 Mar 2027"),
        ("fr", "1\u202f747\u202f000,50", "5 mars 2027"),
        ("es", "1.747.000,50", "5 mar 2027"),
        ("zh-hans", "1,747,000.50", "2027年3月5日"),
        ("ar", "1,747,000.50", "05\u200f/03\u200f/2027"),
    ],
)
def test_amounts_and_dates_written_the_languages_way(
    people: People, make_request: Callable[..., Request], lang: str, money: str, start: str
) -> None:
    """The requests pages format figures as the portal does (`bali.core.formats`); the
    machine-readable `datetime` attributes keep ISO dates."""
    from bali.core import formats

    request = make_request(
        "submitted", estimated_cost="1747000.50", currency="USD", desired_start="2027-03-05"
    )
    html = Client().get(f"/{lang}/requests/{request.reference}/").content.decode()
    assert f"<dd>{money} USD</dd>" in html
    assert f'<time datetime="2027-03-05">{start}</time>' in html
    due = formats.day(request.due_on, lang)
    assert f">{due}</time>" in html
    submitted = request.events.get(action="submit").at
    assert f">{formats.moment(submitted, lang)} UTC</time>" in html
    listed = Client().get(f"/{lang}/requests/").content.decode()
    assert f">{due}</time>" in listed
