"""The query parser and the tokenizer: unit examples and properties over any string."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bali.search import text
from bali.search.backends.postgresql import PostgreSQLBackend
from bali.search.backends.sqlite import SQLiteBackend
from bali.search.query import MAX_QUERY_CHARS, MAX_TERMS, Query, QueryError, Term, parse_query


def terms(query: Query) -> list[list[tuple[str, ...]]]:
    return [[term.tokens for term in group] for group in query.groups]


def test_words_are_anded_and_or_binds_tighter() -> None:
    query = parse_query("climate solar OR wind adaptation")
    assert terms(query) == [[("climate",)], [("solar",), ("wind",)], [("adaptation",)]]
    assert query.excluded == ()


def test_phrases_exclusions_and_prefixes() -> None:
    query = parse_query('"climate change" -ozone -"ozone layer" clim*')
    assert terms(query) == [[("climate", "change")], [("clim",)]]
    assert query.groups[1][0].prefix
    assert [term.tokens for term in query.excluded] == [("ozone",), ("ozone", "layer")]


def test_a_word_with_punctuation_is_a_phrase() -> None:
    assert terms(parse_query("XM-DAC-41116-BSP-0001")) == [[("xm", "dac", "41116", "bsp", "0001")]]


def test_cjk_words_become_bigram_phrases_and_one_character_a_prefix() -> None:
    assert terms(parse_query("气候")) == [[("气候",)]]
    assert terms(parse_query("气候变化")) == [[("气候", "候变", "变化")]]
    single = parse_query("风").groups[0][0]
    assert single.tokens == ("风",) and single.prefix
    # inside a phrase, a CJK run followed by more text ends with its last character
    assert terms(parse_query('"气候 policy"')) == [[("气候", "候", "policy")]]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"unclosed phrase', [[("unclosed", "phrase")]]),
        ("OR OR", []),
        ("OR climate OR", [[("climate",)]]),
        ("-", []),
        ("- - climate", [[("climate",)]]),
        ("climate\x00\x07\x1b adaptation", [[("climate",)], [("adaptation",)]]),
        ("+climate", [[("climate",)]]),
        ("a OR -b", [[("a",)]]),
        ("!!! ???", []),
        ("*", []),
        ("or", [[("or",)]]),
    ],
)
def test_sloppy_input_is_repaired(raw: str, expected: list[list[tuple[str, ...]]]) -> None:
    assert terms(parse_query(raw)) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "x" * (MAX_QUERY_CHARS + 1),
        " ".join(f"w{i}" for i in range(MAX_TERMS + 1)),
        "c*",
        '"' + "气" * 200 + '"',
    ],
)
def test_what_cannot_be_repaired_is_a_query_error(raw: str) -> None:
    with pytest.raises(QueryError) as error:
        parse_query(raw)
    assert str(error.value)


def test_ten_thousand_characters_are_refused_with_a_message() -> None:
    with pytest.raises(QueryError, match="too long"):
        parse_query("climate " * 1250)


def test_normalisation() -> None:
    assert text.tokens("Élaboration d'un CADRE") == ["elaboration", "d", "un", "cadre"]
    assert text.tokens("Ёлка ß") == ["елка", "ss"]
    assert text.tokens("ﬁre") == ["fire"]  # NFKC ligature
    # Arabic: hamza forms, ta marbuta, alef maqsura, tatweel and harakat
    assert text.tokens("أإآٱ") == text.tokens("اااا")
    assert text.tokens("مُدَرَّسَة") == ["مدرسه"]
    assert text.tokens("عـــلى") == ["علي"]
    assert text.tokens("气候变化") == ["气候", "候变", "变化", "化"]
    assert text.tokens("A5 气候change") == ["a5", "气候", "候", "change"]


def test_the_accent_table_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Characters are remembered up to a limit (queries full of distinct characters must not
    grow a web worker); past it, marks are still removed, just looked up each time."""
    table = text._MarkTable()
    monkeypatch.setattr(text, "MARK_TABLE_LIMIT", 3)
    monkeypatch.setattr(text, "_MARKS", table)
    assert text.normalise("Ŕéşïĺïęñçé ёлка ελιά") == "resilience елка ελια"
    assert len(table) == 3


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_string_parses_or_is_a_query_error(raw: str) -> None:
    try:
        query = parse_query(raw)
    except QueryError as error:
        assert str(error)
        return
    assert parse_query(raw) == query  # deterministic
    assert parse_query(query.canonical()) == query  # the canonical form round-trips
    for group in query.groups:
        assert group
    for term in [t for group in query.groups for t in group] + list(query.excluded):
        assert isinstance(term, Term) and term.tokens
        for token in term.tokens:
            assert token and " " not in token and token == text.normalise(token)
            assert len(token) <= text.MAX_TOKEN_CHARS and text.SEPARATOR not in token


QUERY_ALPHABET = st.sampled_from(
    [*"abcxyz019 \"-*OR()^:+\\'", "气", "候", "é", "ё", "أ", "ة", "\x00", "\u200f"]
)


@settings(max_examples=300)
@given(st.text(QUERY_ALPHABET, max_size=60))
def test_backend_expressions_are_well_formed(raw: str) -> None:
    try:
        query = parse_query(raw)
    except QueryError:
        return
    if query.is_empty:
        return
    for backend in (SQLiteBackend(None), PostgreSQLBackend(None)):  # type: ignore[arg-type]
        expression = backend.expression(query)
        assert expression.count("(") == expression.count(")")


def test_a_word_in_a_document_is_found_by_the_same_word_as_query() -> None:
    document = "Évaluation de la dégradation des terres — 土地退化和干旱脆弱性评估"
    tokens = text.tokens(document)
    for word in ("evaluation", "DÉGRADATION", "土地", "退化", "干旱脆弱性"):
        for term in [t for group in parse_query(word).groups for t in group]:
            joined = " ".join(tokens)
            assert " ".join(term.tokens) in joined, word
