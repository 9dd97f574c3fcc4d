"""The search document of an activity: its title, identifiers and body as tokens.

Searched: the title and descriptions in every language (other description types too), the
names, acronyms and identifiers of the reporting and participating organisations, the IATI
identifier and the participants' own activity identifiers. Built for many activities at once
with three queries per batch, so the importer's batches and a full rebuild stay fast.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from bali.activities.models import Activity, ParticipatingOrg
from bali.organisations.models import Organisation
from bali.search.backends.base import FIELD_LIMITS, Document
from bali.search.text import field_tokens, iter_texts, joined_tokens, name_tokens, tokens

OrgInfo = tuple[str, list[str]]  # (ref, texts: names and acronym)
# (id, IATI identifier, title, description, other descriptions, reporting organisation id)
ActivityText = tuple[int, str, Any, Any, Any, int | None]
Participants = dict[int, list[tuple[str, Any, str]]]  # (ref, names, activity ref) by activity id


def _org_info(org_ids: Iterable[int | None], cache: dict[int, OrgInfo]) -> None:
    missing = [pk for pk in set(org_ids) if pk is not None and pk not in cache]
    for start in range(0, len(missing), 5000):
        rows = Organisation.objects.filter(pk__in=missing[start : start + 5000]).values_list(
            "pk", "ref", "names", "acronym"
        )
        for pk, ref, names, acronym in rows:
            cache[pk] = (ref, [*iter_texts(names), acronym])


def _participants(condition: Q) -> Participants:
    found: Participants = defaultdict(list)
    rows = ParticipatingOrg.objects.filter(condition).values_list(
        "activity_id", "ref", "names", "activity_ref"
    )
    for activity_id, ref, names, activity_ref in rows:
        found[activity_id].append((ref, names, activity_ref))
    return found


def build_document(
    row: tuple[Any, ...], participants: list[tuple[str, Any, str]], reporting: OrgInfo | None
) -> Document:
    pk, identifier, title, description, other_descriptions, _org_id = row
    return Document(
        pk,
        field_tokens(iter_texts(title), FIELD_LIMITS["title"]),
        joined_tokens(_ident(identifier, reporting, participants), FIELD_LIMITS["ident"]),
        joined_tokens(
            _body(description, other_descriptions, reporting, participants), FIELD_LIMITS["body"]
        ),
    )


def _ident(
    identifier: str, reporting: OrgInfo | None, participants: list[tuple[str, Any, str]]
) -> Iterator[Sequence[str]]:
    """The identifier field's texts, tokenized as they are needed (organisations' remembered)."""
    yield tokens(identifier or "")
    if reporting is not None:
        yield name_tokens(reporting[0] or "")
    for ref, _names, activity_ref in participants:
        yield name_tokens(ref or "")
        yield tokens(activity_ref or "")


def _body(
    description: Any,
    other_descriptions: Any,
    reporting: OrgInfo | None,
    participants: list[tuple[str, Any, str]],
) -> Iterator[Sequence[str]]:
    """The body field's texts: descriptions, then organisations' names (remembered)."""
    for text in iter_texts(description):
        yield tokens(text)
    for text in iter_texts(other_descriptions):
        yield tokens(text)
    if reporting is not None:
        for text in reporting[1]:
            yield name_tokens(text or "")
    for _ref, names, _activity_ref in participants:
        for text in iter_texts(names):
            yield name_tokens(text)


def load_documents(
    condition: Q, participant_condition: Q, org_cache: dict[int, OrgInfo]
) -> list[Document]:
    """Documents of the activities matching `condition` (a Q on Activity), ordered by id;
    `participant_condition` selects their participating organisations (the same activities).

    `org_cache` keeps organisation names between calls (a rebuild passes one for all batches).
    """
    rows = list(
        Activity.objects.filter(condition)
        .order_by("pk")
        .values_list(
            "pk", "iati_identifier", "title", "description", "other_descriptions", "reporting_org"
        )
    )
    if not rows:
        return []
    return documents_from_values(rows, _participants(participant_condition), org_cache)


@dataclass
class Written:
    """What a writer holds of the activities it has just written (the importer): enough to
    build their documents without reading the rows back. `activities`: (id, IATI identifier,
    title, description, other descriptions, reporting organisation id); `versions`: the
    version each was written with; `updated_at`: the change time each was written with (a
    plain `save()` moves it and not the version)."""

    activities: list[ActivityText]
    participants: Participants
    versions: dict[int, int]
    updated_at: dict[int, dt.datetime] = field(default_factory=dict)
    encoded: bool = False  # titles, descriptions and participants' names are JSON text

    def decoded(self, rows: list[ActivityText]) -> tuple[list[ActivityText], Participants]:
        """These rows, and their participants, with their JSON decoded."""
        if not self.encoded:
            return rows, self.participants
        loads = json.loads
        participants = {
            row[0]: [(ref, loads(names), own) for ref, names, own in self.participants[row[0]]]
            for row in rows
            if row[0] in self.participants
        }
        rows = [(r[0], r[1], loads(r[2]), loads(r[3]), loads(r[4]), r[5]) for r in rows]
        return rows, participants


Stamp = tuple[int, dt.datetime]  # (version, updated_at) of a stored activity


def stored_stamps(ids: Iterable[int]) -> dict[int, Stamp]:
    """The version and change time of each of these activities that exists."""
    return {
        pk: (version, updated_at)
        for pk, version, updated_at in Activity.objects.filter(pk__in=list(ids)).values_list(
            "pk", "version", "updated_at"
        )
    }


def documents_from_values(
    activities: Sequence[ActivityText],
    participants: Participants,
    org_cache: dict[int, OrgInfo] | None = None,
) -> list[Document]:
    """Documents of activities whose values are in hand (read by `load_documents`, or held by
    the writer that has just written them). Organisation names are read here, as stored;
    `org_cache` keeps them between calls."""
    cache = {} if org_cache is None else org_cache
    _org_info((row[5] for row in activities), cache)
    return [
        build_document(row, participants.get(row[0], []), cache.get(row[5]) if row[5] else None)
        for row in activities
    ]


def documents_for_written(
    ids: list[int], written: Written, stored: dict[int, Stamp]
) -> list[Document]:
    """Documents of these activities, from what the writer holds where the stored version and
    change time are still the ones it wrote, else read from the database (someone changed the
    activity after the writer's commit and before this); those that no longer exist are left
    out. `stored`: `stored_stamps(ids)`, read in the index's transaction, inside which this
    runs too, like `documents_for`, so an organisation renamed meanwhile is read as stored."""
    held = [
        row
        for row in written.activities
        if row[0] in stored
        and stored[row[0]] == (written.versions.get(row[0]), written.updated_at.get(row[0]))
    ]
    known = {row[0] for row in held}
    documents = documents_from_values(*written.decoded(held))
    others = [pk for pk in ids if pk in stored and pk not in known]
    if others:
        documents.extend(documents_for(others))
    return sorted(documents, key=lambda doc: doc.activity_id)


def documents_for(ids: Iterable[int]) -> list[Document]:
    """Documents of these activities (those that no longer exist are left out)."""
    ids = sorted(set(ids))
    documents: list[Document] = []
    cache: dict[int, OrgInfo] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        documents.extend(load_documents(Q(pk__in=chunk), Q(activity_id__in=chunk), cache))
    return documents


def documents_between(low: int, high: int, org_cache: dict[int, OrgInfo]) -> list[Document]:
    """Documents of the activities with low <= id <= high (a rebuild reads by id ranges)."""
    return load_documents(
        Q(pk__gte=low, pk__lte=high), Q(activity_id__gte=low, activity_id__lte=high), org_cache
    )
