"""Every interface language renders the home page; unknown URLs give a translated 404."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["ar", "zh-hans", "en", "fr", "ru", "es"])
def test_home_renders_in_each_language(client: Client, lang: str) -> None:
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert ('dir="rtl"' in html) == (lang == "ar")


def test_root_redirects_to_a_language(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_unknown_url_gives_translated_404(client: Client) -> None:
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_language_switcher_links_to_same_page(client: Client) -> None:
    html = client.get("/en/").content.decode()
    for code in ("ar", "zh-hans", "fr", "ru", "es"):
        assert f'href="/{code}/"' in html
