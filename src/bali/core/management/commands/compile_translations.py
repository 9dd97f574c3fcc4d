"""`bali compile-translations`: compile every app's .po files to .mo with Babel.

Django's `compilemessages` needs GNU gettext's msgfmt, which a fresh laptop may lack; Babel is a
Python dependency already, so `make run` works with nothing but Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.management.base import BaseCommand

PACKAGE_DIR = Path(__file__).resolve().parents[3]


def po_files() -> list[Path]:
    return sorted(PACKAGE_DIR.glob("*/locale/*/LC_MESSAGES/*.po"))


# The plural rule of each interface language, as GNU gettext and Django write them. Babel's own
# table has a wrong Arabic rule (11-99 fall in the last form), and .po headers written by hand or
# by tools disagree, so the .mo always gets these.
PLURAL_FORMS = {
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 && n%100<=99 ? 4 : 5);"
    ),
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "zh_Hans": "nplurals=1; plural=0;",
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
}


def compile_po(po_path: Path) -> bool:
    """Write the .mo next to the .po when it is missing or older; True when written."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return False
    locale = po_path.parent.parent.name  # locale/ru/LC_MESSAGES/django.po
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    if locale in PLURAL_FORMS:
        headers = [(k, v) for k, v in catalog.mime_headers if k.lower() != "plural-forms"]
        catalog.mime_headers = [*headers, ("Plural-Forms", PLURAL_FORMS[locale])]
    with mo_path.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return True


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo) of every app."

    def handle(self, *args: Any, **options: Any) -> None:
        written = sum(compile_po(path) for path in po_files())
        self.stdout.write(f"{written} catalogues compiled, {len(po_files()) - written} up to date")
