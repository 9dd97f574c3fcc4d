"""A search document is its texts' tokens field by field, whatever the order the tokens are
made in: organisations' names are remembered between documents (`text.name_tokens`), and the
document must be the one that tokenizing every text in turn gives."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bali.search.backends.base import FIELD_LIMITS
from bali.search.documents import build_document
from bali.search.text import field_tokens, iter_texts, name_tokens, tokens

TEXT = st.text(
    st.sampled_from(list("ab cé-É'气候变化 ٱلماء\ue000x1")) | st.characters(), max_size=160
)
NAMES = st.dictionaries(st.sampled_from(["en", "fr", "zh"]), TEXT, max_size=3)
PARTICIPANT = st.tuples(TEXT, NAMES, TEXT)


def _reference(
    row: tuple[Any, ...], participants: list[tuple[str, Any, str]], reporting: Any
) -> tuple[list[str], list[str], list[str]]:
    """Every text of each field tokenized in turn, as documents were built before names were
    remembered."""
    _pk, identifier, title, description, other, _org = row
    ident = [identifier]
    body = [*iter_texts(description), *iter_texts(other)]
    if reporting is not None:
        ident.append(reporting[0])
        body.extend(reporting[1])
    for ref, names, activity_ref in participants:
        ident.extend((ref, activity_ref))
        body.extend(iter_texts(names))
    return (
        field_tokens(iter_texts(title), FIELD_LIMITS["title"]),
        field_tokens(ident, FIELD_LIMITS["ident"]),
        field_tokens(body, FIELD_LIMITS["body"]),
    )


@settings(max_examples=300, deadline=None)
@given(
    identifier=TEXT,
    title=NAMES,
    description=NAMES,
    other=st.lists(st.fixed_dictionaries({"type": st.just("2"), "text": NAMES}), max_size=2),
    reporting=st.none() | st.tuples(TEXT, st.lists(TEXT, max_size=3)),
    participants=st.lists(PARTICIPANT, max_size=4),
)
def test_a_document_is_its_texts_tokenized_in_turn(
    identifier: str,
    title: dict[str, str],
    description: dict[str, str],
    other: list[dict[str, Any]],
    reporting: Any,
    participants: list[tuple[str, Any, str]],
) -> None:
    row = (1, identifier, title, description, other, None)
    document = build_document(row, participants, reporting)
    assert (document.title, document.ident, document.body) == _reference(
        row, participants, reporting
    )


def test_remembered_names_are_the_names_tokens_and_cannot_be_changed() -> None:
    name = "Ministère de l'Environnement"
    first = name_tokens(name)
    assert list(first) == tokens(name) == ["ministere", "de", "l", "environnement"]
    assert name_tokens(name) is first  # remembered
    assert isinstance(first, tuple)  # shared between documents: not a list one could append to
    long = "word " * 100
    assert list(name_tokens(long)) == tokens(long)  # long texts are not names: not remembered


def test_a_field_stops_at_its_limit() -> None:
    many = [f"word{i}" for i in range(FIELD_LIMITS["ident"] + 50)]
    row = (1, "XM-1", {"en": "t"}, {}, [], None)
    participants = [(ref, {}, "") for ref in many]
    document = build_document(row, participants, None)
    assert len(document.ident) == FIELD_LIMITS["ident"]
