"""One activity by id or IATI identifier, its history, and writing through the API with a token:
permission in the service (403), validation (422), conflicts (409), history recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from bali.accounts.models import User
from bali.activities.models import Activity, ActivityChange

pytestmark = pytest.mark.django_db
FULL_KEYS_EXTRA = {"id", "version", "updated_at"}


def _send(
    client: Client, method: str, url: str, data: Any, headers: dict[str, str] | None = None
) -> Any:
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    call = getattr(client, method)
    extra = {"HTTP_AUTHORIZATION": headers["Authorization"]} if headers else {}
    return call(url, body, content_type="application/json", **extra)


def test_get_by_id_has_everything(client: Client, corpus: dict) -> None:
    from bali.activities.snapshot import CHILD_KEYS, PROVENANCE_FIELDS, SCALAR_FIELDS

    activity = corpus["XM-DAC-41116-CLIMATE-KE"]
    data = client.get(f"/api/v1/activities/{activity.pk}").json()
    assert set(data) == {
        *FULL_KEYS_EXTRA,
        *SCALAR_FIELDS,
        *PROVENANCE_FIELDS,
        *CHILD_KEYS,
        "reporting_org",
        "division",
    }
    assert data["id"] == activity.pk and data["version"] == 1
    assert data["results"][0]["indicators"][0]["periods"][0]["actual_value"] == "37"


def test_get_by_iati_identifier_with_slash_and_colon(client: Client, corpus: dict) -> None:
    water = corpus["XM-DAC-41116-WATER/KE:2"]
    response = client.get("/api/v1/activities/by-iati-id/XM-DAC-41116-WATER/KE:2")
    assert response.status_code == 200 and response.json()["id"] == water.pk
    encoded = client.get("/api/v1/activities/by-iati-id/XM-DAC-41116-WATER%2FKE%3A2")
    assert encoded.status_code == 200 and encoded.json()["id"] == water.pk


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/activities/999999",
        "/api/v1/activities/by-iati-id/NO-SUCH",
        "/api/v1/activities/999999/history",
    ],
)
def test_missing_is_json_404_in_language(client: Client, url: str) -> None:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"} and "activité" in response.json()["detail"]


def test_bad_id_is_404_json_not_500(client: Client) -> None:
    response = client.get("/api/v1/activities/abc")
    assert response.status_code == 404


def test_private_activity_is_404_for_anonymous(client: Client, corpus: dict) -> None:
    activity = corpus["XM-DAC-41116-GLOBAL"]
    Activity.objects.filter(pk=activity.pk).update(visibility="private")
    assert client.get(f"/api/v1/activities/{activity.pk}").status_code == 404


def test_history(client: Client, corpus: dict) -> None:
    activity = corpus["XM-DAC-41116-OZONE-TZ"]
    data = client.get(f"/api/v1/activities/{activity.pk}/history").json()
    assert set(data) == {"id", "iati_identifier", "changes"}
    (change,) = data["changes"]
    assert set(change) == {"at", "action", "action_name", "by", "changes"}
    assert change["action"] == "create" and change["changes"]["status"] == [None, "4"]


def test_similar(client: Client, corpus: dict) -> None:
    activity = corpus["XM-DAC-41116-CLIMATE-KE"]
    data = client.get(f"/api/v1/activities/{activity.pk}/similar").json()
    (item,) = data["results"]
    assert item["iati_identifier"] == "XM-DAC-41116-WATER/KE:2"
    assert item["shared"] == {"countries": ["KE"], "regions": [], "themes": ["TH02"]}


def test_overview_twins_the_home_page(client: Client, corpus: dict) -> None:
    data = client.get("/api/v1/activities/overview?lang=fr").json()
    assert data["counts"]["activities"] == 5
    africa = next(r for r in data["regions"] if r["code"] == "AFR")
    assert africa == {"code": "AFR", "name": "Afrique", "count": 3}
    assert len(data["themes"]) == 32


# --- writing ---------------------------------------------------------------------------------


def _new(activity_data: Callable[..., dict], **overrides: Any) -> dict:
    return activity_data(iati_identifier="XM-DAC-41116-API-1", **overrides)


def test_create_needs_a_token(client: Client, activity_data: Callable[..., dict]) -> None:
    response = _send(client, "post", "/api/v1/activities", _new(activity_data))
    assert response.status_code == 401
    assert not Activity.objects.exists()


def test_create_as_hq(
    client: Client, hq_user: User, api_headers: Any, activity_data: Callable[..., dict]
) -> None:
    response = _send(
        client, "post", "/api/v1/activities", _new(activity_data), api_headers(hq_user)
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["iati_identifier"] == "XM-DAC-41116-API-1" and data["version"] == 1
    change = ActivityChange.objects.get(activity_id=data["id"])
    assert change.action == "create" and change.actor == hq_user


def test_partner_editor_creates_for_own_org_only(
    client: Client,
    hq_user: User,
    make_user: Callable[..., User],
    api_headers: Any,
    activity_data: Callable[..., dict],
    corpus: dict,
) -> None:
    editor = make_user("partner_editor", org="XM-DAC-41116")
    own = _send(client, "post", "/api/v1/activities", _new(activity_data), api_headers(editor))
    assert own.status_code == 201
    other = _send(
        client,
        "post",
        "/api/v1/activities",
        activity_data(
            iati_identifier="XM-DAC-41114-API-2",
            reporting_org={"ref": "XM-DAC-41114", "names": {"en": "UNDP"}},
        ),
        api_headers(editor),
    )
    assert other.status_code == 403 and other.json()["detail"]


def test_national_focal_point_may_not_create(
    client: Client,
    make_user: Callable[..., User],
    api_headers: Any,
    activity_data: Callable[..., dict],
) -> None:
    focal = make_user("national_focal_point", country="KE")
    response = _send(client, "post", "/api/v1/activities", _new(activity_data), api_headers(focal))
    assert response.status_code == 403


def test_create_validation_is_422_with_field_messages_in_language(
    client: Client, hq_user: User, api_headers: Any, activity_data: Callable[..., dict]
) -> None:
    bad = _new(activity_data, status="9", countries=[{"code": "XX"}], title={})
    response = client.post(
        "/api/v1/activities",
        json.dumps(bad),
        content_type="application/json",
        HTTP_AUTHORIZATION=api_headers(hq_user)["Authorization"],
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"status", "countries.0.code", "title"} <= set(errors)
    assert errors["title"] == ["Donnez un titre dans au moins une langue."]


@pytest.mark.parametrize(
    ("body", "status"),
    [("{not json", 400), ("[1, 2]", 422), ('"text"', 422), ('{"colour": "red"}', 422)],
)
def test_bad_bodies(
    client: Client, hq_user: User, api_headers: Any, body: str, status: int
) -> None:
    response = _send(client, "post", "/api/v1/activities", body, api_headers(hq_user))
    assert response.status_code == status
    assert "detail" in response.json()


def test_duplicate_identifier_is_422(
    client: Client, hq_user: User, api_headers: Any, activity_data: Callable[..., dict]
) -> None:
    headers = api_headers(hq_user)
    assert (
        _send(client, "post", "/api/v1/activities", _new(activity_data), headers).status_code == 201
    )
    again = _send(client, "post", "/api/v1/activities", _new(activity_data), headers)
    assert again.status_code == 422 and "iati_identifier" in again.json()["errors"]


def test_patch_by_editor_records_history_and_raises_version(
    client: Client,
    make_user: Callable[..., User],
    api_headers: Any,
    corpus: dict,
) -> None:
    activity = corpus["XM-DAC-41116-OZONE-TZ"]
    editor = make_user("partner_editor", org="XM-DAC-41116")
    response = _send(
        client,
        "patch",
        f"/api/v1/activities/{activity.pk}",
        {"status": "3", "version": 1},
        api_headers(editor),
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "3" and response.json()["version"] == 2
    change = ActivityChange.objects.get(activity=activity, action="update")
    assert change.actor == editor and change.changes["status"] == ["4", "3"]


def test_patch_accepts_the_record_it_read(
    client: Client, hq_user: User, api_headers: Any, corpus: dict
) -> None:
    activity = corpus["XM-DAC-41116-OZONE-TZ"]
    record = client.get(f"/api/v1/activities/{activity.pk}").json()
    record["title"] = {"en": "Ozone officers network, phase 2"}
    response = _send(
        client, "patch", f"/api/v1/activities/{activity.pk}", record, api_headers(hq_user)
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == {"en": "Ozone officers network, phase 2"}


def test_patch_with_stale_version_is_409(
    client: Client, hq_user: User, api_headers: Any, corpus: dict
) -> None:
    activity = corpus["XM-DAC-41116-OZONE-TZ"]
    headers = api_headers(hq_user)
    url = f"/api/v1/activities/{activity.pk}"
    assert _send(client, "patch", url, {"status": "3", "version": 1}, headers).status_code == 200
    stale = _send(client, "patch", url, {"status": "2", "version": 1}, headers)
    assert stale.status_code == 409 and stale.json()["detail"]
    assert _send(client, "patch", url, {"version": "one"}, headers).status_code == 422


def test_patch_by_others_is_403(
    client: Client, make_user: Callable[..., User], api_headers: Any, corpus: dict
) -> None:
    activity = corpus["XM-DAC-41114-CLIMATE-PE"]  # reported by UNDP
    editor = make_user("partner_editor", org="XM-DAC-41116")
    focal = make_user("national_focal_point", country="PE")
    for user in (editor, focal):
        response = _send(
            client, "patch", f"/api/v1/activities/{activity.pk}", {"status": "4"}, api_headers(user)
        )
        assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.status == "3"


def test_division_focal_point_patches_its_division(
    client: Client,
    hq_user: User,
    make_user: Callable[..., User],
    api_headers: Any,
    corpus: dict,
) -> None:
    from bali.activities.actions import do_update_activity

    activity = corpus["XM-DAC-41116-OZONE-TZ"]
    do_update_activity(hq_user, activity, {"division": "DTIE"})
    focal = make_user("division_focal_point", division="DTIE")
    response = _send(
        client, "patch", f"/api/v1/activities/{activity.pk}", {"status": "3"}, api_headers(focal)
    )
    assert response.status_code == 200
    elsewhere = corpus["XM-DAC-41116-GLOBAL"]
    denied = _send(
        client, "patch", f"/api/v1/activities/{elsewhere.pk}", {"status": "3"}, api_headers(focal)
    )
    assert denied.status_code == 403


def test_patch_missing_activity_is_404(client: Client, hq_user: User, api_headers: Any) -> None:
    response = _send(client, "patch", "/api/v1/activities/999999", {}, api_headers(hq_user))
    assert response.status_code == 404


def test_nul_characters_in_the_body_are_refused_not_a_server_error(
    client: Client, hq_user: User, api_headers: Any, activity_data: Callable[..., dict]
) -> None:
    """PostgreSQL cannot store text with NUL; the answer is a 4xx on both databases."""
    bad = _new(activity_data, title={"en": "Ozone\u0000 training"})
    response = _send(client, "post", "/api/v1/activities", bad, api_headers(hq_user))
    assert response.status_code == 422, response.content[:300]
    assert list(response.json()["errors"]) == ["title.en"]
    assert not Activity.objects.filter(iati_identifier="XM-DAC-41116-API-1").exists()
