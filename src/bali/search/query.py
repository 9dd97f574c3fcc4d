"""The query language of the search box, parsed into a small tree the backends translate.

    climate adaptation        both words (AND)
    "climate change"          the phrase
    solar OR wind             either word; OR (in capitals) binds tighter than AND
    -ozone  -"ozone layer"    without the word / phrase
    clim*                     words starting with "clim" (at least two letters)
    XM-DAC-41116              a word with punctuation inside is a phrase of its parts
    气候                       Chinese/Japanese: the phrase of its character bigrams

Sloppy input is repaired rather than refused: an unclosed quote runs to the end, a lone `-`,
dangling or doubled `OR` and control characters are ignored. Only what cannot be repaired
without guessing raises `QueryError` (too long, too many words, a one-letter prefix).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bali.search import text

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_TERM_TOKENS = 64
MIN_PREFIX_CHARS = 2


class QueryError(ValueError):
    """The text query cannot be understood (the message says why, in the user's language)."""


@dataclass(frozen=True)
class Term:
    """A word or phrase: tokens that must follow each other; `prefix`: the last is a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False
    source: str = ""  # the normalised text, for display and canonical form

    def canonical(self) -> str:
        bare = len(self.tokens) == 1 and self.source.isalnum()
        body = self.source if bare else f'"{self.source}"'
        return body + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    """AND of `groups` (each an OR of terms), minus every `excluded` term."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def is_negative_only(self) -> bool:
        return not self.groups and bool(self.excluded)

    def canonical(self) -> str:
        """A query string that parses back to this query (and a stable cache key)."""
        parts = [" OR ".join(term.canonical() for term in group) for group in self.groups]
        parts += ["-" + term.canonical() for term in self.excluded]
        return " ".join(parts)

    def words(self) -> list[str]:
        """The normalised words and phrases searched for (to highlight them)."""
        return [term.source for group in self.groups for term in group]


@dataclass
class _Item:
    raw: str
    negated: bool = False
    prefix: bool = False
    is_or: bool = False


def _clean(raw: str) -> str:
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(
            _("The search text is too long (at most %(max)d characters).")
            % {"max": MAX_QUERY_CHARS}
        )
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in raw)


def _lex(raw: str) -> list[_Item]:
    """Split into words, "phrases" and OR, with `-` and `*` marks."""
    items: list[_Item] = []
    i, n = 0, len(raw)
    while i < n:
        if raw[i].isspace():
            i += 1
            continue
        negated = False
        while i < n and raw[i] in "-+":
            negated = negated or raw[i] == "-"
            i += 1
        if i < n and raw[i] == '"':
            end = raw.find('"', i + 1)
            end = n if end == -1 else end
            body, i = raw[i + 1 : end], end + 1
        else:
            start = i
            while i < n and not raw[i].isspace() and raw[i] != '"':
                i += 1
            body = raw[start:i]
        prefix = False
        while i < n and raw[i] == "*":
            prefix, i = True, i + 1
        if body.endswith("*"):
            prefix, body = True, body.rstrip("*")
        if body == "OR" and not negated and not prefix:
            items.append(_Item("", is_or=True))
        elif body:
            items.append(_Item(body, negated, prefix))
    return items


def _term(item: _Item) -> Term | None:
    """The tokens of one word or phrase, or None when it holds no letters or digits."""
    pieces = text.word_pieces(item.raw)
    if not pieces:
        return None
    tokens: list[str] = []
    for index, (kind, piece) in enumerate(pieces):
        last = index == len(pieces) - 1
        tokens.extend(text.cjk_tokens(piece, final=not last) if kind == "cjk" else [piece])
    last_kind, last_piece = pieces[-1]
    # One CJK character at the end can only be found as the start of a bigram.
    prefix = item.prefix or (last_kind == "cjk" and len(last_piece) == 1)
    if prefix and last_kind == "word" and len(last_piece) < MIN_PREFIX_CHARS:
        raise QueryError(
            _("A word ending in * needs at least %(min)d letters before the star.")
            % {"min": MIN_PREFIX_CHARS}
        )
    if len(tokens) > MAX_TERM_TOKENS:
        raise QueryError(_("A phrase in the search text is too long."))
    source = " ".join(piece for _kind, piece in pieces)
    return Term(tuple(tokens), prefix, source)


def _group(items: list[tuple[_Item, Term]], ors: set[int]) -> Query:
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joinable = False  # may the next positive term join the last group?
    for index, (item, term) in enumerate(items):
        if item.negated:
            if term not in excluded:
                excluded.append(term)
            joinable = False
            continue
        if joinable and index in ors:
            if term not in groups[-1]:
                groups[-1].append(term)
        elif [term] not in groups:
            groups.append([term])
        joinable = True
    return Query(tuple(tuple(group) for group in groups), tuple(excluded))


def parse_query(raw: str) -> Query:
    """Parse the search text; raises QueryError with a message fit for the user."""
    items = _lex(_clean(raw or ""))
    terms: list[tuple[_Item, Term]] = []
    ors: set[int] = set()  # positions (in `terms`) preceded by an OR
    pending_or = False
    for item in items:
        if item.is_or:
            pending_or = bool(terms)
            continue
        term = _term(item)
        if term is None:
            continue
        if pending_or and not item.negated and not terms[-1][0].negated:
            ors.add(len(terms))
        pending_or = False
        terms.append((item, term))
    if len(terms) > MAX_TERMS:
        raise QueryError(
            _("The search text has too many words (at most %(max)d).") % {"max": MAX_TERMS}
        )
    return _group(terms, ors)
