"""Refresh every app's translation catalogues from the source (needs GNU gettext).

For each app under src/bali/ that has translatable strings, runs Django's `makemessages` for
the six UN languages inside the app (catalogues live in `<app>/locale/`, so each app carries its
own strings). The English catalogue is filled with the source text, so all six catalogues are
complete. Translators then fill the empty `msgstr` entries of the other five.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "bali"
LOCALES = ("ar", "zh_Hans", "en", "fr", "ru", "es")
MARKERS = ("gettext", "_(", "translate", "blocktranslate", "pgettext", "ngettext")


def has_strings(app: Path) -> bool:
    for path in list(app.rglob("*.py")) + list(app.rglob("*.html")) + list(app.rglob("*.txt")):
        if "migrations" in path.parts or "locale" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if any(marker in text for marker in MARKERS):
            return True
    return False


def make_messages(app: Path, locales: tuple[str, ...] = LOCALES) -> None:
    (app / "locale").mkdir(exist_ok=True)
    args = [
        sys.executable,
        "-m",
        "bali",
        "makemessages",
        "--no-obsolete",
        "--no-location",
        "-e",
        "html,txt,py",
        "-i",
        "migrations/*",
        "-i",
        "tests/*",
    ]
    for locale in locales:
        args += ["-l", locale]
    with tempfile.TemporaryDirectory() as scratch:
        # makemessages runs inside the app folder; keep the settings' data folder (secret key,
        # static root) out of the source tree.
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bali.config.settings",
            "BALI_DATA_DIR": scratch,
        }
        subprocess.run(args, cwd=app, check=True, env=env, stdout=subprocess.DEVNULL)


def fill_english(app: Path) -> None:
    """English is the source language: its catalogue translates each string to itself."""
    path = app / "locale" / "en" / "LC_MESSAGES" / "django.po"
    if not path.exists():
        return
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        # Always the source text: gettext's fuzzy matching may have guessed another string.
        message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


def main() -> None:
    """Refresh the named apps (`tools/make_messages.py requests iati`), or every app."""
    wanted = set(sys.argv[1:])
    apps = [
        p
        for p in sorted(PACKAGE.iterdir())
        if (p / "__init__.py").exists() and has_strings(p) and (not wanted or p.name in wanted)
    ]
    for app in apps:
        make_messages(app)
        fill_english(app)
        print(f"{app.name}: catalogues refreshed")


if __name__ == "__main__":
    main()
