"""The writing side of an import batch: decide from the stored records, then store in one
transaction.

For each activity the stored record decides: none → created; stored from this clearinghouse
(`source="local"`) → left alone with a warning (an import never overwrites what editors keep
here); a stored `last-updated-datetime` not older than the file's, or the same digest when there
are no timestamps → unchanged (not even read in full); otherwise → updated, every child replaced.
A duplicate identifier later in the same file always wins.

The decision is taken once before reading (so unchanged activities cost only their light pass)
and checked again inside the write transaction, where the stored state is final: an activity
that an earlier batch of the run, or another writer, created meanwhile is updated, not inserted
twice. After the commit, `activities_changed` tells the search index which activities changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from bali.activities.models import Activity
from bali.activities.signals import activities_changed
from bali.iati import bulk, rows
from bali.iati.issues import WARNING, Issue
from bali.iati.orgs import OrganisationCache
from bali.iati.prepare import (
    AGAIN,
    LOCAL,
    UNCHANGED,
    WRITE,
    Light,
    LightBatch,
    Payload,
    Provenance,
    activity_table,
    participant_table,
)
from bali.search.documents import Written

LOCAL_KEPT = gettext_noop(
    "an activity with this identifier is kept in this clearinghouse; the import does not "
    "overwrite it"
)
# Activity columns an update does not touch: the record keeps its id and creation, and its
# visibility, which is decided here (HQ may hide an imported activity; a newer version from the
# publisher must not publish it again).
NOT_UPDATED = ("id", "created_at", "created_by_id", "visibility")
# Columns an update writes only when the file gives a value: a division is this clearinghouse's
# own assignment (the `bali:division` extension of its exports); other publishers' files have
# none, and their next version must not take away the division assigned here.
KEPT_WHEN_ABSENT = ("division_id",)


@dataclass
class Stored:
    pk: int
    source: str
    timestamp: datetime | None
    digest: str
    version: int


@dataclass
class Decision:
    """What the writer wants of a light batch: one code per light activity (`prepare.WRITE`,
    `UNCHANGED`, `LOCAL`), and the warnings about the activities left alone."""

    codes: str
    issues: list[Issue] = field(default_factory=list)
    stored: dict[str, Stored] = field(default_factory=dict)


@dataclass
class BatchResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    would_create: int = 0
    would_update: int = 0
    unchanged: int = 0
    skipped: int = 0
    issues: list[Issue] = field(default_factory=list)


def stored_state(identifiers: list[str]) -> dict[str, Stored]:
    found: dict[str, Stored] = {}
    for start in range(0, len(identifiers), 900):
        chunk = identifiers[start : start + 900]
        values = Activity.objects.filter(iati_identifier__in=chunk).values_list(
            "iati_identifier", "pk", "source", "source_timestamp", "source_digest", "version"
        )
        for identifier, pk, source, timestamp, digest, version in values:
            found[identifier] = Stored(pk, source, timestamp, digest, version)
    return found


def is_unchanged(light: Light, stored: Stored) -> bool:
    """Not newer than the stored record by its timestamp, or the very same element."""
    if light.duplicate:
        return False
    if (
        stored.timestamp is not None
        and light.timestamp is not None
        and stored.timestamp >= light.timestamp
    ):
        return True
    return bool(stored.digest) and stored.digest == light.digest


def _local_kept(file: str, light: Light) -> Issue:
    return Issue(WARNING, file, light.line, light.identifier, LOCAL_KEPT)


class BatchWriter:
    """Decides and writes the batches of one run; keeps the organisation cache between them."""

    def __init__(self, dry_run: bool = False) -> None:
        self.dry_run = dry_run
        self.orgs = OrganisationCache()
        self.epoch = 0  # batches written so far: an early decision older than a write is checked

    def decide(self, batch: LightBatch, file: str) -> Decision:
        stored = stored_state([light.identifier for light in batch.lights])
        return self._classify(batch, file, stored)

    @staticmethod
    def _classify(batch: LightBatch, file: str, stored: dict[str, Stored]) -> Decision:
        decision = Decision("", stored=stored)
        codes = []
        for light in batch.lights:
            state = stored.get(light.identifier)
            if state is not None and state.source == "local":
                decision.issues.append(_local_kept(file, light))
                codes.append(LOCAL)
            elif state is not None and is_unchanged(light, state):
                codes.append(UNCHANGED)
            else:
                codes.append(WRITE)
        decision.codes = "".join(codes)
        return decision

    def recheck(self, batch: LightBatch, decision: Decision, file: str) -> list[Light]:
        """Take again a decision taken before batches were written (`pool.py` answers early);
        returns the activities it no longer leaves alone, to be read again. `decision` is
        updated: they are marked `AGAIN`, and no longer counted here."""
        fresh = self._classify(batch, file, stored_state([x.identifier for x in batch.lights]))
        again = [batch.lights[i] for i, code in enumerate(fresh.codes) if code == WRITE]
        decision.codes = fresh.codes.replace(WRITE, AGAIN)
        decision.issues = fresh.issues
        decision.stored = fresh.stored
        return again

    def write(
        self, batch: LightBatch, decision: Decision, payload: Payload, origin: Provenance
    ) -> BatchResult:
        """Store the payload's activities (`decision` as given by `decide` for this batch)."""
        result = BatchResult(
            unchanged=decision.codes.count(UNCHANGED),
            skipped=batch.skipped + decision.codes.count(LOCAL) + len(payload.unreadable),
            issues=[*batch.issues, *decision.issues, *payload.issues],
        )
        if self.dry_run:
            for row in payload.activities:
                if batch.lights[row[0]].identifier in decision.stored:
                    result.would_update += 1
                else:
                    result.would_create += 1
        elif payload.activities:
            written = self._store(batch, payload, origin, result)
            self.epoch += 1
            ids = result.created + result.updated
            activities_changed.send(sender=__name__, ids=ids, deleted=False, written=written)
        return result

    def _store(
        self, batch: LightBatch, payload: Payload, origin: Provenance, result: BatchResult
    ) -> Written:
        """Write the batch in one transaction; returns what the search index needs of the
        activities written, from the rows in hand (so it need not read them back)."""
        now = timezone.now()
        stored_rows: list[list[Any]] = []  # every column of each written activity
        with transaction.atomic():
            creates, updates = self._recheck(batch, payload, origin, result)
            self.orgs.resolve(payload.orgs, payload.partner_orgs, payload.named_orgs)
            pk_of = self._insert(creates, now, result, stored_rows)
            pk_of.update(self._update(updates, now, result, stored_rows))
            rows.insert_children(payload.children, pk_of)
            participants = rows.with_ids(payload.participants, pk_of)
            for row in participants:
                row[1] = self.orgs.by_ref.get(row[1]) if row[1] else None
            bulk.insert(participant_table(), participants)
            rows.insert_results(
                [(pk_of[index], items) for index, items in payload.results if index in pk_of]
            )
            written: list[tuple[Light, Stored | None, int]] = [
                (batch.lights[r[0]], None, pk_of[r[0]]) for r in creates
            ]
            written += [(batch.lights[r[0]], stored, pk_of[r[0]]) for r, stored in updates]
            rows.insert_history(written, origin, now)
            return _written(stored_rows, participants, now)

    def _recheck(
        self, batch: LightBatch, payload: Payload, origin: Provenance, result: BatchResult
    ) -> tuple[list[list[Any]], list[tuple[list[Any], Stored]]]:
        """Split the rows into creates and updates by the stored state inside the transaction
        (final there); what became local or unchanged meanwhile is left alone."""
        fresh = stored_state([batch.lights[row[0]].identifier for row in payload.activities])
        creates: list[list[Any]] = []
        updates: list[tuple[list[Any], Stored]] = []
        for row, reporting in zip(payload.activities, payload.reporting, strict=True):
            row.append(reporting)  # carried to `_insert`/`_update`, removed there
            light = batch.lights[row[0]]
            state = fresh.get(light.identifier)
            if state is None:
                creates.append(row)
            elif state.source == "local":
                result.skipped += 1
                result.issues.append(_local_kept(origin.source_file, light))
            elif is_unchanged(light, state):
                result.unchanged += 1
            else:
                updates.append((row, state))
        return creates, updates

    def _insert(
        self,
        creates: list[list[Any]],
        now: datetime,
        result: BatchResult,
        stored_rows: list[list[Any]],
    ) -> dict[int, int]:
        stamp = bulk.adapt_datetime(now)
        ids = bulk.allocate_ids(Activity, len(creates))
        final = []
        pk_of: dict[int, int] = {}
        for row, pk in zip(creates, ids, strict=True):
            ref, key = row.pop()
            org = self.orgs.reporting_id(ref, key)
            final.append([pk, org, 1, stamp, stamp, stamp, None, *row[1:]])
            pk_of[row[0]] = pk
        bulk.insert(activity_table(), final)
        stored_rows.extend(final)
        result.created.extend(ids)
        return pk_of

    def _update(
        self,
        updates: list[tuple[list[Any], Stored]],
        now: datetime,
        result: BatchResult,
        stored_rows: list[list[Any]],
    ) -> dict[int, int]:
        if not updates:
            return {}
        stamp = bulk.adapt_datetime(now)
        table = activity_table()
        kept = [i for i, name in enumerate(table.attnames) if name not in NOT_UPDATED]
        columns = [table.columns[i] for i in kept]
        final = []
        pk_of: dict[int, int] = {}
        for row, stored in updates:
            ref, key = row.pop()
            org = self.orgs.reporting_id(ref, key)
            full = [stored.pk, org, stored.version + 1, None, stamp, stamp, None, *row[1:]]
            final.append([*(full[i] for i in kept), stored.pk])
            stored_rows.append(full)
            pk_of[row[0]] = stored.pk
        rows.delete_children(list(pk_of.values()))
        bulk.update_rows(Activity, columns, final, keep_when_null=KEPT_WHEN_ABSENT)
        result.updated.extend(pk_of.values())
        return pk_of


def _written(activities: list[list[Any]], participants: list[list[Any]], now: datetime) -> Written:
    """The search index's view of written activities, from their rows (`activity_table`
    order, JSON as text) and their participants' rows (`participant_table` order, activity
    ids set), written at `now`. The JSON stays text: it is decoded where the documents are
    built, on the indexing thread when there is one, not in the writer's."""
    at = {name: i for i, name in enumerate(activity_table().attnames)}
    pt = {name: i for i, name in enumerate(participant_table().attnames)}
    by_activity: dict[int, list[tuple[str, Any, str]]] = defaultdict(list)
    ref, names, activity_ref = pt["ref"], pt["names"], pt["activity_ref"]
    for row in participants:
        by_activity[row[0]].append((row[ref], row[names], row[activity_ref]))
    texts = [
        (
            row[0],
            row[at["iati_identifier"]],
            row[at["title"]],
            row[at["description"]],
            row[at["other_descriptions"]],
            row[at["reporting_org_id"]],
        )
        for row in activities
    ]
    versions = {row[0]: row[at["version"]] for row in activities}
    return Written(texts, dict(by_activity), versions, dict.fromkeys(versions, now), encoded=True)
