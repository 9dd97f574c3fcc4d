"""The API: the whole lifecycle, the status codes of refusals, what each caller may see."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from tests.requests.conftest import People, request_data

from bali.accounts.models import User
from bali.requests.models import Request, RequestCounter

pytestmark = pytest.mark.django_db
BASE = "/api/v1/requests"


@pytest.fixture
def api(client: Client, api_headers: Callable[[User], dict[str, str]]) -> Callable[..., Any]:
    """Call the API as someone (or anonymously); returns (status, JSON body)."""
    tokens: dict[int, dict[str, str]] = {}

    def call(method: str, path: str, user: User | None = None, body: Any = None, **extra: Any):
        headers = {}
        if user is not None:
            tokens.setdefault(user.pk, api_headers(user))
            headers = tokens[user.pk]
        kwargs: dict[str, Any] = {"headers": {**headers, **extra}}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(client, method)(BASE + path, **kwargs)
        return response.status_code, response.json()

    return call


def test_create_draft_and_submit(api: Callable[..., Any], people: People) -> None:
    status, body = api("post", "", people.focal_ke, request_data())
    assert status == 201
    assert body["status"] == "draft"
    assert body["reference"].startswith("REQ-") and "-AFR-" in body["reference"]
    assert body["contacts"][0]["name"] == "Jane Wambui"
    assert "submit" in body["actions"]
    status, body = api("post", "", people.focal_ke, {**request_data(), "submit": True})
    assert (status, body["status"], body["due_step"]) == (201, "submitted", "acknowledge")


def test_incomplete_submit_leaves_nothing_behind(api: Callable[..., Any], people: People) -> None:
    status, body = api("post", "", people.focal_ke, {"title": "Only a title", "submit": True})
    assert status == 422
    assert {"description", "support_type", "themes"} <= set(body["errors"])
    assert not Request.objects.exists()
    assert not RequestCounter.objects.filter(last__gt=0).exists()


def test_create_refusals(api: Callable[..., Any], people: People) -> None:
    assert api("post", "", None, request_data())[0] == 401
    assert api("post", "", people.officer_afr, request_data())[0] == 403
    status, body = api("post", "", people.focal_ke, request_data(themes=["XX99"]))
    assert (status, body["errors"]) == (422, {"themes": ["Unknown codes: XX99."]})
    status, body = api("post", "", people.focal_ke, request_data(colour="red"))
    assert (status, list(body["errors"])) == (422, ["colour"])
    status, body = api("post", "", people.focal_ke, {"title": ["not", "text"]})
    assert status == 422


def test_drafts_are_hidden_and_refusals_do_not_leak(
    api: Callable[..., Any], people: People, make_request: Callable[..., Request]
) -> None:
    draft = make_request("draft")
    ref = draft.reference
    missing = ref[:-4] + "9999"
    for user in (None, people.officer_afr, people.focal_sn, people.hq, people.admin):
        for path in (f"/{ref}", f"/{missing}"):
            status, _body = api("get", path, user)
            assert status == 404, (user, path)
        status, hidden = api("get", f"/{ref}/events", user)
        status_missing, absent = api("get", f"/{missing}/events", user)
        assert (status, status_missing) == (404, 404)
        assert hidden["detail"].replace(ref, "") == absent["detail"].replace(missing, "")
    for user in (people.officer_afr, people.focal_sn, people.hq):
        assert api("post", f"/{ref}/transitions", user, {"action": "submit"})[0] == 404
        assert api("patch", f"/{ref}", user, {"priority": "x"})[0] == 404
    assert api("get", f"/{ref}", people.focal_ke2)[0] == 200


def test_public_and_insider_views(
    api: Callable[..., Any], people: People, make_request: Callable[..., Request]
) -> None:
    ref = make_request("submitted").reference
    status, public = api("get", f"/{ref}")
    assert status == 200
    assert public["title"].startswith("Training of customs officers")
    assert public["holder"] == "UNEP Regional Office for Africa"
    for hidden in ("contacts", "attachments", "submitter", "actions"):
        assert hidden not in public
    assert api("get", f"/{ref}", people.officer_asp)[1].keys() == public.keys()
    status, full = api("get", f"/{ref}", people.officer_afr)
    assert full["contacts"][0]["email"] == "jane@example.org"
    assert full["actions"] == ["acknowledge"]


def test_transition_status_codes(
    api: Callable[..., Any], people: People, make_request: Callable[..., Request]
) -> None:
    request = make_request("under_review")
    ref = request.reference
    path = f"/{ref}/transitions"
    assert api("post", path, None, {"action": "accept"})[0] == 401
    assert api("post", path, people.officer_asp, {"action": "accept"})[0] == 403
    assert api("post", path, people.focal_ke, {"action": "accept"})[0] == 403
    status, body = api("post", path, people.officer_afr, {"action": "decline"})
    assert (status, list(body["errors"])) == (422, ["note"])
    assert api("post", path, people.officer_afr, {"action": "refer"})[1]["errors"] == {
        "partner": ["Name the partner organisation the request is referred to."]
    }
    assert api("post", path, people.officer_afr, {"action": "fly"})[0] == 422
    assert api("post", path, people.officer_afr, {"action": "start"})[0] == 403
    assert api("post", path, people.officer_afr, {"action": "assign", "assignee": "x"})[0] == 409
    status, body = api("post", path, people.officer_afr, {"action": "accept", "version": 1})
    assert status == 409 and "version" in body["detail"]
    status, body = api("post", path, people.officer_afr, {"action": "accept", "version": 4})
    assert (status, body["status"], body["version"]) == (200, "accepted", 5)
    path_missing = f"/{ref[:-4]}9999/transitions"
    assert api("post", path_missing, people.officer_afr, {"action": "accept"})[0] == 404


def test_whole_lifecycle_through_the_api(api: Callable[..., Any], people: People) -> None:
    from bali.activities.actions import do_create_activity

    activity = do_create_activity(people.hq, _activity())
    status, body = api("post", "", people.focal_ke, {**request_data(), "submit": True})
    ref = body["reference"]

    def step(user: User, action: str, **extra: Any) -> dict[str, Any]:
        status, body = api("post", f"/{ref}/transitions", user, {"action": action, **extra})
        assert status == 200, body
        return body

    step(people.officer_afr, "acknowledge", note="Received.")
    step(people.officer_afr, "review")
    step(people.officer_afr, "request_information", note="Who else takes part?", public=False)
    status, body = api("patch", f"/{ref}", people.focal_ke, {"priority": "Vision 2030"})
    assert (status, body["priority"]) == (200, "Vision 2030")
    step(people.focal_ke, "resubmit", note="Customs and the ozone unit.")
    step(people.officer_afr, "acknowledge")
    step(people.officer_afr, "accept")
    body = step(people.officer_afr, "assign", assignee="division:DTIE", version=body["version"] + 3)
    assert body["assignee"] == "division:DTIE"
    step(people.dtie, "start", activities=[activity.iati_identifier])
    step(people.dtie, "complete", summary="Sixty officers trained.")
    body = step(people.focal_ke, "evaluate", note="Useful; more posts should follow.")
    assert body["status"] == "evaluated"
    assert body["activities"][0]["iati_identifier"] == activity.iati_identifier
    assert body["results_summary"] == "Sixty officers trained."

    status, public_events = api("get", f"/{ref}/events")
    assert [e["action"] for e in public_events] == [
        "submit", "acknowledge", "review", "request_information", "resubmit", "acknowledge",
        "accept", "assign", "start", "complete", "evaluate",
    ]  # fmt: skip
    asked = public_events[3]
    assert (asked["note"], asked["public"], "actor" not in asked) == ("", False, True)
    status, insider_events = api("get", f"/{ref}/events", people.officer_afr)
    actions = [e["action"] for e in insider_events]
    assert actions[0] == "create" and "edit" in actions
    assert insider_events[actions.index("request_information")]["note"] == "Who else takes part?"


def test_patch_rules(
    api: Callable[..., Any], people: People, make_request: Callable[..., Request]
) -> None:
    draft = make_request("draft")
    ref = draft.reference
    status, body = api("patch", f"/{ref}", people.focal_ke, {"title": "New title", "version": 1})
    assert (status, body["title"], body["version"]) == (200, "New title", 2)
    assert api("patch", f"/{ref}", people.focal_ke, {"title": "Again", "version": 1})[0] == 409
    assert api("patch", f"/{ref}", people.focal_ke, {"duration_months": 999})[0] == 422
    submitted = make_request("submitted")
    assert api("patch", f"/{submitted.reference}", people.focal_ke, {"title": "x"})[0] == 409
    assert api("patch", f"/{submitted.reference}", people.officer_afr, {"title": "x"})[0] == 403


def test_list_filters_and_visibility(
    api: Callable[..., Any], people: People, make_request: Callable[..., Request]
) -> None:
    from bali.requests.actions import do_create_request

    make_request("draft")
    make_request("submitted")
    make_request("assigned", themes=["TH02"])
    do_create_request(people.focal_pe, request_data(), submit=True)
    _status, body = api("get", "")
    assert body["count"] == 3
    assert api("get", "", people.focal_ke)[1]["count"] == 4
    assert api("get", "?country=pe")[1]["count"] == 1
    assert api("get", "?region=AFR")[1]["count"] == 2
    assert api("get", "?status=assigned")[1]["items"][0]["assignee"] == "division:DTIE"
    assert api("get", "?theme=TH02")[1]["count"] == 1
    assert api("get", "?overdue=true")[1]["count"] == 0
    assert api("get", "?limit=1")[1]["items"].__len__() == 1
    assert api("get", "?year=1999")[1]["count"] == 0


def test_error_messages_follow_the_language(
    api: Callable[..., Any], people: People, make_request: Callable[..., Request]
) -> None:
    ref = make_request("under_review").reference
    status, body = api(
        "post",
        f"/{ref}/transitions",
        people.officer_afr,
        {"action": "decline"},
        **{"Accept-Language": "fr"},
    )
    assert status == 422
    assert body["errors"]["note"] == ["Indiquez le motif du refus de la demande."]


def _activity() -> dict[str, Any]:
    return {
        "iati_identifier": "XM-DAC-41116-REQ-TEST-1",
        "reporting_org": {"ref": "XM-DAC-41116", "names": {"en": "UNEP"}, "type": "40"},
        "title": {"en": "Customs training in Kenya"},
        "status": "2",
        "countries": [{"code": "KE", "percentage": "100"}],
    }


def test_list_uses_a_fixed_number_of_queries(
    api: Callable[..., Any],
    people: People,
    make_request: Callable[..., Request],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    from bali.requests.workflow import TransitionInput, do_transition_request

    request = make_request("accepted")
    do_transition_request(
        people.officer_afr, request, "assign", TransitionInput(assignee="org:XM-DAC-41114")
    )
    make_request("submitted")
    api("get", "")  # warm the reference caches
    with django_assert_max_num_queries(6):
        status, body = api("get", "")
    assert (status, body["count"]) == (200, 2)
    assert {item["holder"] for item in body["items"]} == {
        "UNDP",  # the organisation's name, read in the list query itself
        "UNEP Regional Office for Africa",
    }
    for _extra in range(6):
        make_request("assigned")
    with django_assert_max_num_queries(6):
        assert api("get", "?limit=200")[1]["count"] == 8
