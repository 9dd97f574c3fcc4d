"""Normalising and cutting text into search tokens, the same way for documents and queries.

Both backends index the tokens produced here, never the raw text: SQLite FTS5 with the
`unicode61` tokenizer (which then only splits on the spaces we put between tokens) and
PostgreSQL with a tsvector built from these tokens and their positions. So matching is decided
in one place, in Python, and the two databases give the same result set for the same query.

Normalisation: NFKC, casefold, Arabic letter variants unified (alef forms, alef maqsura, ta
marbuta, Persian yeh/kaf, tatweel removed), diacritics removed (é → e, ё → е, Arabic harakat).
A token is a run of letters and digits; punctuation separates (`XM-DAC-41116` → `xm dac 41116`).

Chinese and Japanese are written without spaces, so a run of CJK characters becomes its
overlapping bigrams followed by its last character: `气候变化` → `气候 候变 变化 化`. Every
character is then the first character of some token, so a one-character query is a prefix query
(`候*` finds `候变`), and a longer query is the phrase of its bigrams (`气候` finds `气候变化`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

# Longest token kept (PostgreSQL limits a lexeme to 2 KB); longer tokens are cut, on both sides.
MAX_TOKEN_CHARS = 60
# A separator token between two texts of one field, so phrases never run across them. It is a
# private-use character: never produced from user text (not a letter or digit here), but a
# token for FTS5's unicode61 tokenizer, so it takes a position in both backends.
SEPARATOR = "\ue000"

_CJK_RANGES = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0002ffff"  # CJK extensions B-F
)
_TOKEN_RE = re.compile(rf"(?P<cjk>[{_CJK_RANGES}]+)|(?P<word>[^\W_{_CJK_RANGES}]+)")
_ASCII_TOKEN_RE = re.compile(r"[a-z0-9]+")

_ARABIC = str.maketrans(
    {
        "\u0622": "\u0627",  # آ alef with madda → ا
        "\u0623": "\u0627",  # أ alef with hamza above → ا
        "\u0625": "\u0627",  # إ alef with hamza below → ا
        "\u0671": "\u0627",  # ٱ alef wasla → ا
        "\u0649": "\u064a",  # ى alef maqsura → ي
        "\u0629": "\u0647",  # ة ta marbuta → ه
        "\u0624": "\u0648",  # ؤ waw with hamza → و
        "\u0626": "\u064a",  # ئ yeh with hamza → ي
        "\u06cc": "\u064a",  # ی Persian yeh → ي
        "\u06a9": "\u0643",  # ک Persian kaf → ك
        "\u0640": None,  # tatweel (kashida) is decoration
    }
)


MARK_TABLE_LIMIT = 50_000  # characters remembered (a few MB); rarer ones are looked up each time


class _MarkTable(dict[int, int | None]):
    """A `str.translate` table deleting every non-spacing mark (accents, harakat), filled in
    as characters are met: building it for all 1.1 million code points took a third of a
    second in every process that indexes or searches. Bounded, so that queries full of
    distinct characters cannot grow a web worker by the ~80 MB of a full table."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        if len(self) < MARK_TABLE_LIMIT:
            self[code] = kept
        return kept


_MARKS = _MarkTable()


def normalise(text: str) -> str:
    """Text folded for matching: casefolded, without diacritics, Arabic forms unified."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold().translate(_ARABIC)
    text = unicodedata.normalize("NFKD", text).translate(_MARKS)
    return unicodedata.normalize("NFC", text)


def _cut(token: str) -> str:
    return token[:MAX_TOKEN_CHARS]


def cjk_tokens(run: str, *, final: bool = True) -> list[str]:
    """Overlapping bigrams of a CJK run, then its last character (unless `final` is False)."""
    if len(run) == 1:
        return [run]
    bigrams = [run[i : i + 2] for i in range(len(run) - 1)]
    return [*bigrams, run[-1]] if final else bigrams


def word_pieces(text: str) -> list[tuple[str, str]]:
    """The normalised pieces of a text: ("word", token) or ("cjk", run of CJK characters)."""
    text = normalise(text)
    if text.isascii():
        return [("word", _cut(token)) for token in _ASCII_TOKEN_RE.findall(text)]
    pieces: list[tuple[str, str]] = []
    for match in _TOKEN_RE.finditer(text):
        if match.lastgroup == "cjk":
            pieces.append(("cjk", match.group()))
        else:
            pieces.append(("word", _cut(match.group())))
    return pieces


def tokens(text: str) -> list[str]:
    """The tokens of a document text, in order."""
    if text.isascii():
        found = _ASCII_TOKEN_RE.findall(text.lower())
    else:
        found = []
        for kind, piece in word_pieces(text):
            if kind == "cjk":
                found.extend(cjk_tokens(piece))
            else:
                found.append(piece)
    # Tokens are rarely long: one check in C instead of cutting each (documents are many).
    if found and max(map(len, found)) > MAX_TOKEN_CHARS:
        found = [_cut(token) for token in found]
    return found


def field_tokens(texts: Iterable[str], limit: int) -> list[str]:
    """Tokens of several texts of one field, with a separator between texts, at most `limit`."""
    return joined_tokens((tokens(text) for text in texts if text), limit)


def joined_tokens(groups: Iterable[Sequence[str]], limit: int) -> list[str]:
    """Token lists of the texts of one field, with a separator between them, at most `limit`
    (taken lazily: the texts after the limit are never tokenized)."""
    result: list[str] = []
    for found in groups:
        if not found:
            continue
        if result:
            result.append(SEPARATOR)
        result.extend(found)
        if len(result) >= limit:
            return result[:limit]
    return result


NAME_CACHE_SIZE = 10_000  # names remembered: ~4 MB for typical names, ~15 MB at most
NAME_CACHE_CHARS = 120  # longer texts are not names: tokenized each time


@lru_cache(maxsize=NAME_CACHE_SIZE)
def _remembered_tokens(text: str) -> tuple[str, ...]:
    return tuple(tokens(text))


def name_tokens(text: str) -> Sequence[str]:
    """Tokens of a name or code that recurs from document to document (an organisation's
    names, acronym and identifier), remembered: a publisher names the same few partners in
    thousands of activities, and tokenizing them again took about a third of the time of
    building an import's documents. Titles and descriptions are not remembered."""
    if len(text) > NAME_CACHE_CHARS:
        return tokens(text)
    return _remembered_tokens(text)


def iter_texts(value: object) -> Iterator[str]:
    """Every string inside a JSON value ({lang: text}, {type: {lang: text}}, lists); a dict's
    in the order of its keys, so that a document is the same whether built from the values
    an importer holds or from the database (PostgreSQL's jsonb reorders keys)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for _key, item in sorted(value.items()):
            yield from iter_texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from iter_texts(item)
