"""Six interface languages: complete catalogues, up to date with the source, names of countries
and taxonomy items in the active language."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "bali"
LOCALES = ("ar", "zh_Hans", "en", "fr", "ru", "es")
APPS_WITH_STRINGS = sorted({p.parts[-5] for p in PACKAGE.glob("*/locale/*/LC_MESSAGES/django.po")})


def _untranslated(po_path: Path) -> list[str]:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s and s.strip() for s in strings):
            problems.append(str(message.id))
    return problems


def test_every_app_with_strings_has_six_catalogues() -> None:
    assert {"accounts", "activities", "portal", "reference"} <= set(APPS_WITH_STRINGS)
    for app in APPS_WITH_STRINGS:
        for locale in LOCALES:
            assert (PACKAGE / app / "locale" / locale / "LC_MESSAGES" / "django.po").exists(), (
                app,
                locale,
            )


@pytest.mark.parametrize("app", APPS_WITH_STRINGS)
@pytest.mark.parametrize("locale", LOCALES)
def test_no_untranslated_string(app: str, locale: str) -> None:
    po = PACKAGE / app / "locale" / locale / "LC_MESSAGES" / "django.po"
    assert _untranslated(po) == []


@pytest.mark.parametrize("app", APPS_WITH_STRINGS)
def test_catalogues_are_up_to_date_with_source(app: str, tmp_path: Path) -> None:
    """Extract the strings again from the source: none may be missing from the catalogue."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is needed for this check (apt-get install gettext)")
    copy = tmp_path / app
    shutil.copytree(PACKAGE / app, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bali.config.settings",
        "BALI_DATA_DIR": str(tmp_path),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bali",
            "makemessages",
            "--no-location",
            "-e",
            "html,txt,py",
            "-i",
            "migrations/*",
            "-i",
            "tests/*",
            "-l",
            "fr",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    assert _untranslated(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po") == []


@pytest.mark.django_db
def test_reference_names_in_active_language(client: Client) -> None:
    french = client.get("/fr/").content.decode()
    assert "Afrique" in french and "Changements climatiques" in french
    chinese = client.get("/zh-hans/").content.decode()
    assert "非洲" in chinese and "气候变化问题" in chinese
    arabic = client.get("/ar/").content.decode()
    assert "أفريقيا" in arabic and 'dir="rtl"' in arabic


@pytest.mark.parametrize(("locale", "forms"), [("ru", 3), ("ar", 6), ("zh_Hans", 1), ("fr", 2)])
def test_compiled_catalogues_carry_the_language_plural_rule(locale: str, forms: int) -> None:
    """gettext picks plural forms by the .mo header; Babel must write each language's rule."""
    import gettext

    from bali.core.management.commands.compile_translations import compile_po

    po = PACKAGE / "accounts" / "locale" / locale / "LC_MESSAGES" / "django.po"
    compile_po(po)
    with po.with_suffix(".mo").open("rb") as handle:
        header = gettext.GNUTranslations(handle).info()["plural-forms"]
    assert f"nplurals={forms};" in header


@pytest.mark.parametrize(("count", "word"), [(1, "نشاط واحد"), (11, "نشاطًا"), (100, "نشاط")])
def test_arabic_plurals_follow_cldr(count: int, word: str) -> None:
    """11–99 take the accusative singular (form 4), 100–102 the last form (Babel's table is
    wrong for Arabic; compile-translations writes the right rule)."""
    from django.utils import translation

    from bali.core.management.commands.compile_translations import compile_po

    compile_po(PACKAGE / "portal" / "locale" / "ar" / "LC_MESSAGES" / "django.po")
    with translation.override("ar"):
        assert translation.ngettext("activity", "activities", count) == word
