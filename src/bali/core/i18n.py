"""Multilingual text as stored in the database: a dict of language code to text.

IATI narratives may be in any language, so text fields are JSON dicts keyed by ISO 639-1 codes
(`en`, `fr`, `zh`, ...), not one column per language. Django's language codes differ for Chinese
(`zh-hans`), so every lookup goes through `iso_language`.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.utils import translation

UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
DJANGO_TO_ISO = {"zh-hans": "zh", "zh-hant": "zh", "zh-cn": "zh", "zh-tw": "zh"}
ISO_TO_DJANGO = {"zh": "zh-hans"}


def iso_language(code: str | None) -> str:
    """ISO 639-1 code for a Django or IATI language code (`zh-hans` -> `zh`, `EN` -> `en`)."""
    if not code:
        return ""
    code = code.strip().lower().replace("_", "-")
    return DJANGO_TO_ISO.get(code, code.split("-")[0])


def django_language(iso: str) -> str:
    return ISO_TO_DJANGO.get(iso, iso)


def active_iso_language() -> str:
    return iso_language(translation.get_language() or settings.LANGUAGE_CODE)


def localized(texts: Mapping[str, str] | None, lang: str | None = None) -> str:
    """The text in `lang` (default: the active language), else English, else any language."""
    if not texts:
        return ""
    lang = iso_language(lang) if lang else active_iso_language()
    for candidate in (lang, "en"):
        value = texts.get(candidate)
        if value:
            return value
    for value in texts.values():
        if value:
            return value
    return ""


def localized_language(texts: Mapping[str, str] | None, lang: str | None = None) -> str:
    """The language code `localized` picks, so templates can set `lang=` on the text."""
    if not texts:
        return ""
    lang = iso_language(lang) if lang else active_iso_language()
    for candidate in (lang, "en"):
        if texts.get(candidate):
            return candidate
    for key, value in texts.items():
        if value:
            return key
    return ""


def clean_texts(texts: Mapping[str, str] | None) -> dict[str, str]:
    """Normalise language keys and drop empty values; the shape every service stores."""
    result: dict[str, str] = {}
    for key, value in (texts or {}).items():
        value = (value or "").strip()
        if value:
            result[iso_language(key) or "en"] = value
    return result
