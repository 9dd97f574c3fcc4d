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


def compile_po(po_path: Path) -> bool:
    """Write the .mo next to the .po when it is missing or older; True when written."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return False
    # The locale comes from the folder name (`locale/ru/LC_MESSAGES/django.po`): Babel then
    # writes that language's plural rule into the .mo, which gettext needs for Russian (3 forms),
    # Arabic (6) and Chinese (1) whatever the .po header says.
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parent.parent.name)
    with mo_path.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return True


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo) of every app."

    def handle(self, *args: Any, **options: Any) -> None:
        written = sum(compile_po(path) for path in po_files())
        self.stdout.write(f"{written} catalogues compiled, {len(po_files()) - written} up to date")
