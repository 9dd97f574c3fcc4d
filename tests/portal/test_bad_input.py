"""Untrusted input never gives a 500: every public page, export and API endpoint, fed the
values a careless or hostile client sends, answers 200, 302, 400 or 404 with a message in the
reader's language."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

NASTY = [
    "",
    " ",
    "\x00",
    "%",
    "'",
    '"unclosed',
    "OR OR",
    "AND NOT",
    "-",
    "*",
    "((",
    "<script>alert(1)</script>",
    "a" * 10000,
    "KE," * 3000,
    "-1",
    "0",
    "1e9",
    "99999999999999999999999",
    "٣",
    "气候",
    "\u202e",
    "../../etc/passwd",
]
PARAMETERS = [
    "q", "country", "region", "theme", "sector", "org", "status", "type", "year", "gender",
    "mea", "source", "sort", "page", "page_size", "cursor", "rows", "more", "lang",
]  # fmt: skip
LISTS = [
    "/en/activities/",
    "/en/activities/export.csv",
    "/en/activities/export.json",
    "/en/organisations/",
    "/api/v1/activities",
    "/api/v1/reference/organisations",
]
PATHS = [
    "/en/countries/{}/",
    "/en/organisations/{}/",
    "/en/activities/iati/{}/",
    "/en/activities/{}/",
    "/api/v1/activities/by-iati-id/{}",
    "/api/v1/activities/{}",
    "/api/v1/reference/countries/{}",
    "/api/v1/reference/organisations/{}",
]
ALLOWED = {200, 301, 302, 400, 404}


def _status(client: Client, url: str) -> int:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # a streamed body must not fail half way
    if response.status_code in (400, 404):
        body = response.content.decode()
        if url.startswith("/api/"):
            assert response.json()["detail"], url
        else:
            assert '<html lang="en"' in body, url  # the page's own language, from its URL
    return response.status_code


@pytest.mark.parametrize("name", PARAMETERS)
def test_every_parameter_with_every_nasty_value(client: Client, corpus: dict, name: str) -> None:
    for base in LISTS:
        for value in NASTY:
            url = f"{base}?{name}={quote(value)}"
            assert _status(client, url) in ALLOWED, url


@pytest.mark.parametrize("template", PATHS)
def test_nasty_values_in_paths(client: Client, corpus: dict, template: str) -> None:
    for value in NASTY:
        if not value.strip() or value in (".", ".."):
            continue
        url = template.format(quote(value, safe=""))
        assert _status(client, url) in ALLOWED, url


def test_invalid_utf8_in_the_query_string(client: Client, corpus: dict) -> None:
    for base in LISTS:
        assert _status(client, f"{base}?q=%ED%A0%80&country=%FF") in ALLOWED


def test_bad_input_messages_are_in_the_readers_language(client: Client) -> None:
    page = client.get("/ru/activities/?country=XX").content.decode()
    assert "Неизвестное значение" in page or "country" in page
    api = client.get("/api/v1/activities?page=0", HTTP_ACCEPT_LANGUAGE="es").json()
    assert api["errors"]["page"] and api["detail"] != "The page is a whole number from 1 up."


QUERY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(q=QUERY_TEXT, extra=st.sampled_from(["", "&sort=title", "&country=KE", "&page=2"]))
def test_any_text_query_is_answered_without_a_server_error(
    client: Client, corpus: dict, q: str, extra: str
) -> None:
    response = client.get(f"/api/v1/activities?q={quote(q)}{extra}")
    assert response.status_code in (200, 400, 404), q
    if response.status_code == 400:
        assert response.json()["errors"]["q"]
    page = client.get(f"/en/activities/?q={quote(q)}{extra}")
    assert page.status_code == response.status_code, q
