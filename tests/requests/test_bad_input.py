"""Untrusted input never gives a server error: malformed or oversized bodies, wrong types, odd
characters (NUL, which PostgreSQL refuses), bad filters and references. Each refusal is a clear
message in the caller's language, nothing is changed, and hidden requests stay hidden."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from tests.requests.conftest import People, request_data

from bali.accounts.models import User
from bali.requests.models import Request, RequestEvent

pytestmark = pytest.mark.django_db
BASE = "/api/v1/requests"


@pytest.fixture
def post(
    client: Client, api_headers: Callable[[User], dict[str, str]]
) -> Callable[..., tuple[int, Any]]:
    """POST (or PATCH) a raw body as someone; returns (status, JSON body)."""

    def call(user: User, path: str, body: bytes | str, method: str = "post", **headers: str):
        response = getattr(client, method)(
            BASE + path,
            data=body,
            content_type="application/json",
            headers={**api_headers(user), **headers},
        )
        return response.status_code, response.json()

    return call


def test_malformed_json_is_a_translated_400(post: Callable[..., Any], people: People) -> None:
    status, body = post(people.focal_ke, "", '{"title": "x",', **{"Accept-Language": "fr"})
    assert (status, body["detail"]) == (400, "Le corps de la requête n'est pas un JSON valide.")
    status, body = post(people.focal_ke, "?lang=es", b"\xff\xfe")
    assert status == 400 and "JSON" in body["detail"]
    status, body = post(people.focal_ke, "", "[1, 2]")
    assert (status, body["errors"]) == (422, {"__all__": ["Send a JSON object."]})
    assert not Request.objects.exists()


def test_too_large_body_is_413(post: Callable[..., Any], people: People, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    status, body = post(people.focal_ke, "", json.dumps({"title": "x" * 2000}))
    assert (status, body["detail"]) == (413, "The request body is too large.")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ["not", "text"]}, "title"),
        ({"title": {"xx": "Klingon title"}}, "title"),
        ({"title": {"en": 5}}, "title"),
        ({"contacts": [{"name": ["a"]}]}, "contacts"),
        ({"contacts": [1]}, "contacts"),
        ({"duration_months": True}, "duration_months"),
        ({"desired_start": "0001-01-01"}, "desired_start"),
        ({"estimated_cost": "NaN"}, "estimated_cost"),
        ({"themes": {"TH01": 1}}, "themes"),
        ({"country": "FR"}, "country"),
    ],
)
def test_wrong_types_are_named(
    post: Callable[..., Any], people: People, fields: dict[str, Any], field: str
) -> None:
    status, body = post(people.focal_ke, "", json.dumps({"title": "A title", **fields}))
    assert status == 422, body
    assert field in body["errors"]
    assert not Request.objects.exists()


def test_submit_and_version_must_have_their_types(
    post: Callable[..., Any], people: People, make_request: Callable[..., Request]
) -> None:
    status, body = post(people.focal_ke, "", json.dumps({**request_data(), "submit": "yes"}))
    assert (status, body["errors"]) == (422, {"submit": ["Write true or false."]})
    ref = make_request("draft").reference
    status, body = post(people.focal_ke, f"/{ref}", '{"version": true}', method="patch")
    assert (status, body["errors"]) == (422, {"version": ["The version is a whole number."]})


def test_nul_is_refused_and_other_control_characters_dropped(
    post: Callable[..., Any], people: People
) -> None:
    """PostgreSQL refuses NUL in text: the API refuses it (422 naming the field, as every
    endpoint does); other control characters are dropped by the services."""
    status, body = post(people.focal_ke, "", json.dumps({"title": {"en": "Air\x00 quality"}}))
    assert (status, list(body["errors"])) == (422, ["title.en"])
    data = {
        **request_data(),
        "title": {"en": "Air\x07 quality", "fr": "Qualité\x1b de l'air"},
        "priority": "Vision\x0b 2030",
        "contacts": [{"name": "Jane\x08", "phone": 254}],
        "submit": True,
    }
    status, body = post(people.focal_ke, "", json.dumps(data))
    assert status == 201, body
    assert body["title_texts"] == {"en": "Air quality", "fr": "Qualité de l'air"}
    assert (body["priority"], body["contacts"][0]["name"]) == ("Vision 2030", "Jane")
    assert body["contacts"][0]["phone"] == "254"
    ref = body["reference"]
    step = {"action": "acknowledge", "note": "Re\x00ceived"}
    status, body = post(people.officer_afr, f"/{ref}/transitions", json.dumps(step))
    assert (status, list(body["errors"])) == (422, ["note"])
    status, body = post(people.officer_afr, f"/{ref}/transitions", '{"action": "acknowledge"}')
    assert status == 200, body
    step = {"action": "refer", "partner": "\x07 ", "note": ""}
    status, body = post(people.officer_afr, f"/{ref}/transitions", json.dumps(step))
    assert (status, list(body["errors"])) == (422, ["partner"])  # nothing left of the name


def test_services_drop_nul_from_every_text(
    people: People, make_request: Callable[..., Request]
) -> None:
    """Callers other than the API (the command line, the demo) reach the services directly."""
    from bali.requests.actions import do_create_request
    from bali.requests.workflow import TransitionInput, do_transition_request

    request = do_create_request(
        people.focal_ke, request_data(title="Air\x00 quality", priority="\x00"), submit=True
    )
    assert (request.title, request.priority) == ({"en": "Air quality"}, "")
    do_transition_request(
        people.officer_afr, request, "acknowledge", TransitionInput(note="Re\x00ceived")
    )
    assert RequestEvent.objects.get(action="acknowledge").note == "Received"


@pytest.mark.parametrize(
    ("step", "fields"),
    [
        ({"action": 5}, ["action"]),
        ({}, ["action"]),
        ({"action": "acknowledge", "note": ["x"]}, ["note"]),
        ({"action": "acknowledge", "public": "yes"}, ["public"]),
        ({"action": "acknowledge", "version": "2"}, ["version"]),
        ({"action": "acknowledge", "activities": "XM-1"}, ["activities"]),
        ({"action": "acknowledge", "colour": "red"}, ["colour"]),
        ({"action": "approve"}, ["action"]),
    ],
)
def test_transition_inputs_are_checked(
    post: Callable[..., Any],
    people: People,
    make_request: Callable[..., Request],
    step: dict[str, Any],
    fields: list[str],
) -> None:
    request = make_request("submitted")
    status, body = post(people.officer_afr, f"/{request.reference}/transitions", json.dumps(step))
    assert (status, sorted(body["errors"])) == (422, fields), body
    request.refresh_from_db()
    assert request.status == "submitted"


def test_list_filters_are_checked_in_the_callers_language(client: Client, people: People) -> None:
    response = client.get(f"{BASE}?country=XX&year=99999999999999&overdue=maybe&limit=abc&lang=fr")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"country", "year", "overdue", "limit"}
    assert errors["year"] == ["Une année s'écrit avec quatre chiffres, par exemple 2026."]
    response = client.get(f"{BASE}?status=bogus&assignee=nobody&region=XYZ&theme=ZZ99")
    assert set(response.json()["errors"]) == {"status", "assignee", "region", "theme"}
    assert client.get(f"{BASE}?country=ke&region=afr&overdue=1&year=2026").status_code == 200
    assert client.get(f"{BASE}?lang=a/b").status_code == 400  # never in the links it answers


@pytest.mark.parametrize("ref", ["REQ-2026-AFR-12", "nonsense", "REQ-2026-AFR-0001X", "A" * 3000])
def test_bad_references_are_404_without_echoing_them_whole(client: Client, ref: str) -> None:
    response = client.get(f"{BASE}/{ref}")
    assert response.status_code == 404
    assert len(response.json()["detail"]) < 120


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/%00",
        f"{BASE}/REQ-2026-AFR-0001%00/events",
        f"{BASE}?country=%00&assignee=org:%00",
        "/en/requests/?country=%00&theme=%00&status=%00",
    ],
)
def test_nul_in_the_address_is_refused_not_a_server_error(
    people: People, make_request: Callable[..., Request], path: str
) -> None:
    """Refused by the filters (400) or as an unknown reference (404); a project-wide
    middleware may refuse it first (400). Never a 500, on SQLite or PostgreSQL."""
    make_request("submitted")
    client = Client()
    client.force_login(people.officer_afr)
    assert client.get(path).status_code in (400, 404)
    assert client.get(path.replace("%00", "\x00")).status_code in (400, 404)


def test_refusals_of_a_hidden_draft_read_like_a_missing_request(
    post: Callable[..., Any], people: People, make_request: Callable[..., Request]
) -> None:
    """Wrong types sent about a draft one may not see: still 404, as for a missing one."""
    ref = make_request("draft").reference
    missing = ref[:-4] + "9999"
    for path in (ref, missing):
        status, body = post(people.hq, f"/{path}/transitions", '{"action": 5}')
        assert status == 404
        assert body["detail"] == f"There is no request {path}."


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_refuse_bad_input_without_a_server_error(
    people: People, make_request: Callable[..., Request]
) -> None:
    draft = make_request("draft")
    focal = signed_in(people.focal_ke)
    edit = f"/en/requests/{draft.reference}/edit/"
    response = focal.post(edit, {"title": "x", "version": "abc", "save": ""})
    assert response.status_code == 422
    assert "The form is out of date" in response.content.decode()
    response = focal.post("/en/requests/new/", {"title": "Air\x00", "save": ""})
    assert response.status_code == 422
    assert "Nothing was saved yet" in response.content.decode()
    act = f"/en/requests/{draft.reference}/act/"
    assert focal.post(act, {"action": "submit", "version": "9" * 30}).status_code == 409
    officer, hq = signed_in(people.officer_afr), signed_in(people.hq)
    assert officer.get("/en/requests/office/?theme=ZZ99&status=nope").status_code == 400
    assert hq.get("/en/requests/office/?region=XYZ").status_code == 400
    assert hq.get("/en/requests/office/?region=ASP&status=all").status_code == 200
    assert signed_in(people.dtie).get("/en/requests/assigned/?overdue=perhaps").status_code == 400
    assert Client().get("/en/requests/?year=99999999999999999999").status_code == 400
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ({"en": request_data()["title"]}, 1)
