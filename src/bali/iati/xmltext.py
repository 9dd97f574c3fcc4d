"""Small readers shared by the activity reader: text in languages, codes, dates and numbers
taken from elements and attributes, each problem reported as a warning on the element.

IATI 2.x puts text in `<narrative xml:lang="..">` children; 1.x puts it directly in the element,
with `xml:lang` on the element. `texts()` reads both, so the rest of the reader does not care
which version it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_noop

from bali.iati import codes, values
from bali.iati.codes import _TABLES
from bali.iati.issues import ActivityIssues

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Our namespace: what IATI cannot carry (BSP themes, MEAs, type of support, division) and marks
# on values the exporter had to supply for the schema (`inferred`), read back on import.
BALI_NS = "urn:x-bali-clearinghouse:iati:1"
BALI = "{" + BALI_NS + "}"
INFERRED = BALI + "inferred"

_LANGUAGE = re.compile(r"[a-z]{2,8}")
CLIPPED = gettext_noop("%(what)s is longer than %(max)d characters; cut")
OWN_VOCABULARY = gettext_noop(
    "vocabulary %(value)s is not an IATI %(list)s code; kept as published"
)
VOCABULARY_LENGTH = 40  # the vocabulary columns of sectors, regions and policy markers


@dataclass(slots=True)
class ReadState:
    """What the reader of one activity needs besides the element: default language, issues."""

    lang: str
    issues: ActivityIssues
    default_lang_used: bool = False
    ours: bool = False  # written by our exporter: `bali:inferred` marks are honoured


@lru_cache(maxsize=512)
def language(code: str | None) -> str:
    """ISO 639-1 code from an xml:lang value (`EN` → `en`, `en-GB` → `en`, `zh_Hans` → `zh`)."""
    if not code:
        return ""
    first = code.strip().lower().replace("_", "-").split("-")[0]
    return first if _LANGUAGE.fullmatch(first) else ""


def element_text(element: Any) -> str:
    if len(element):
        return "".join(element.itertext()).strip()
    return (element.text or "").strip()


def texts(element: Any, state: ReadState) -> dict[str, str]:
    """{language: text} from narratives, or from the element's own text (1.x)."""
    raw = element.get(XML_LANG)
    own_lang = language(raw) if raw else ""
    result: dict[str, str] = {}
    found = False
    for child in element:
        if child.tag != "narrative":
            continue
        found = True
        text = child.text if not len(child) else element_text(child)
        if text and (text := text.strip()):
            raw = child.get(XML_LANG)
            lang = (language(raw) if raw else "") or own_lang or state.lang
            if not lang or lang in result:
                _add_text(result, lang, text, state)
            else:
                result[lang] = text
    if not found:
        text = (element.text or "").strip() if not len(element) else _own_text(element)
        if text:
            _add_text(result, own_lang or state.lang, text, state)
    return result


def _own_text(element: Any) -> str:
    """Text of a 1.x element that has children (keep the text, skip foreign child elements)."""
    parts = [element.text or ""]
    parts.extend(child.tail or "" for child in element)
    return "".join(parts).strip()


def _add_text(result: dict[str, str], lang: str, text: str, state: ReadState) -> None:
    if not lang:
        lang = "en"
        state.default_lang_used = True
    previous = result.get(lang)
    result[lang] = f"{previous}\n\n{text}" if previous and previous != text else text


def merge_texts(target: dict[str, str], more: dict[str, str]) -> None:
    for lang, text in more.items():
        previous = target.get(lang)
        target[lang] = f"{previous}\n\n{text}" if previous and previous != text else text


def attr(element: Any, name: str, state: ReadState, limit: int, what: str = "") -> str:
    """A free-text attribute, stripped and cut to the column's length."""
    value = (element.get(name) or "").strip()
    return clip(value, limit, element, state, what or name)


def clip(value: str, limit: int, element: Any, state: ReadState, what: str) -> str:
    if len(value) > limit:
        state.issues.warn(element, CLIPPED, what=what, max=limit)
        return value[:limit]
    return value


def code(element: Any, codelist: str, state: ReadState, *names: str, what: str = "") -> str:
    """The 2.x code of the first attribute present among `names` (default `code`, then `ref`,
    which 1.0 pilot files use); a mapped or unknown code gives a warning."""
    raw = None
    table = _TABLES.get(codelist) or codes.table(codelist)
    for name in names or ("code", "ref"):
        raw = element.get(name)
        if raw:
            if raw in table.codes:
                return raw  # the common case, kept fast: a clean 2.x code
            if raw.strip():
                break
    if not raw:
        return ""  # absent or empty: no code and nothing to say (the other common case)
    return read_code(raw, codelist, element, state, what)


def read_code(raw: str | None, codelist: str, element: Any, state: ReadState, what: str) -> str:
    value, problem = codes.table(codelist).read(raw)
    if problem:
        state.issues.warn(element, problem, list=what or codelist, value=raw, code=value)
    return value


def inferred(element: Any | None) -> frozenset[str]:
    """What our exporter made up on this element: `*` (all of it) or attribute names."""
    if element is None:
        return frozenset()
    value = element.get(INFERRED)
    return frozenset(value.split()) if value else frozenset()


def date_attr(
    element: Any | None, state: ReadState, name: str = "iso-date", *, text: bool = True
) -> date | None:
    """A date from an attribute, else (with `text`) from the element's text (some 1.x files).
    None when our exporter marked the attribute as inferred."""
    if element is None or (state.ours and name in inferred(element)):
        return None
    raw = element.get(name)
    if (raw is None or not raw.strip()) and text:
        raw = (element.text or "").strip() or None
    value, problem = values.read_date(raw)
    if problem:
        state.issues.warn(element, problem, value=raw, repaired=value)
    return value


def number(raw: str | None, element: Any, state: ReadState) -> Decimal | None:
    value, problem = values.read_decimal(raw)
    if problem:
        state.issues.warn(element, problem, value=raw, repaired=value)
    return value


def percentage(element: Any, state: ReadState) -> Decimal | None:
    raw = element.get("percentage")
    value, problem = values.read_percentage(raw)
    if problem:
        state.issues.warn(element, problem, value=raw, repaired=value)
    return value


def boolean(element: Any, name: str, state: ReadState) -> bool | None:
    raw = element.get(name)
    value, problem = values.read_boolean(raw)
    if problem:
        state.issues.warn(element, problem, value=raw)
    return value


def vocabulary(element: Any, codelist: str, state: ReadState) -> str:
    """The vocabulary code: absent is 1 (OECD DAC); 1.x codes (`DAC`, `RO`) and names are mapped
    to 2.x. A vocabulary no codelist knows (1.x publishers' own, such as `oxfamgb` or `WB`) is
    kept as published, with a warning: its codes mean something only in that vocabulary."""
    raw = element.get("vocabulary")
    if raw is None or not raw.strip():
        return "1"
    if raw in codes.table(codelist).codes:
        return raw
    value, problem = codes.table(codelist).read(raw)
    if not value:
        if not state.ours:  # our own export re-publishes what an import kept: said then
            state.issues.warn(element, OWN_VOCABULARY, value=raw, list=codelist)
        return clip(raw.strip(), VOCABULARY_LENGTH, element, state, "vocabulary")
    if problem:
        state.issues.warn(element, problem, list=codelist, value=raw, code=value)
    return value
