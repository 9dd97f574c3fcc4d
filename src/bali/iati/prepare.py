"""The reading side of an import batch: light facts for the decision, then rows to store.

For each batch of `<iati-activity>` elements the reader first gives the light facts of each
activity (identifier, line, `last-updated-datetime`, digest when there is no timestamp, whether
the identifier came earlier in the file); the writer decides from the stored records which
activities must be written; the reader then reads only those in full and turns them into
table rows without ids (`Payload`), which the writer completes (ids, organisations, version,
times) and stores in one transaction (`store.py`).

Nothing here touches the database, so the same code runs in the importing process or in a
reader process (`bali import-iati --jobs N`), which has no connection. Reference data the rules
need (codelists, countries, the DAC → BSP mapping) is loaded before reader processes start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.db.models import Model
from django.utils.translation import gettext_noop

from bali.activities import snapshot
from bali.activities.models import Activity, ParticipatingOrg
from bali.activities.writes import child_values, derive_fields, gender_marker_from
from bali.core.i18n import localized
from bali.iati import bulk
from bali.iati.issues import WARNING, Issue
from bali.iati.parser import FileInfo, Pending
from bali.iati.reader import read_activity
from bali.iati.xmltext import ReadState
from bali.organisations.models import name_key

UNREADABLE = gettext_noop("the activity could not be read (%(reason)s); skipped")
SUPERSEDED = gettext_noop("superseded by a later activity with the same identifier in this file")

# Decisions of the writer, one per light activity; AGAIN: to be read again from the file (an
# early decision that no longer holds, see `pool.py`), not read with this batch.
WRITE, UNCHANGED, LOCAL, AGAIN = "w", "u", "l", "a"

# Activity columns the writer fills in (ids, organisation, version, times); the reader the rest.
ACTIVITY_LEAD = (
    "id",
    "reporting_org_id",
    "version",
    "created_at",
    "updated_at",
    "imported_at",
    "created_by_id",
)
DATE_KEYS = ("planned_start", "actual_start", "planned_end", "actual_end")
# The activity's own scalar columns that a file gives; the importer sets the identifier and
# the visibility itself, and derives the gender marker from the policy markers when absent.
CONTENT_SCALARS = tuple(
    name
    for name in snapshot.SCALAR_FIELDS
    if name not in ("iati_identifier", "gender_marker", "visibility")
)
MEAS = Activity.meas.through


@dataclass
class Provenance:
    """What every activity written from one source records about where it came from."""

    source_file: str
    publisher: str = ""
    actor_id: int | None = None
    actor_label: str = ""


class Light(NamedTuple):
    """What the writer needs to decide about an activity without reading it in full."""

    identifier: str
    line: int | None
    timestamp: datetime | None
    digest: str  # only when there is no timestamp (see `store.is_unchanged`)
    duplicate: bool  # the identifier came earlier in this file: this one always wins


@dataclass
class LightBatch:
    lights: list[Light]
    size: int  # activities in the batch, skipped ones included
    skipped: int  # without identifier, or superseded later in the batch
    issues: list[Issue]  # the parser's, in file order


@dataclass
class Payload:
    """Rows of the activities to write, without ids: `[index in lights, ...values]`."""

    issues: list[Issue] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)
    activities: list[list[Any]] = field(default_factory=list)
    reporting: list[tuple[str, str]] = field(default_factory=list)  # (ref, name key) per row
    orgs: dict[str, tuple[dict[str, str], str]] = field(default_factory=dict)  # reporting, by ref
    partner_orgs: dict[str, tuple[dict[str, str], str]] = field(default_factory=dict)  # by ref
    named_orgs: dict[str, tuple[dict[str, str], str]] = field(default_factory=dict)  # by key
    children: dict[str, list[list[Any]]] = field(default_factory=dict)  # by model label
    participants: list[list[Any]] = field(default_factory=list)  # [index, ref, ...values]
    results: list[tuple[int, list[dict[str, Any]]]] = field(default_factory=list)


def activity_table() -> bulk.Table:
    """The activity table; the reader's rows hold its position in the batch, then the columns
    after `ACTIVITY_LEAD` (which the writer supplies)."""
    return bulk.table(Activity, ACTIVITY_LEAD, 1)


@cache
def _child_table(model: type[Model]) -> tuple[str, Callable[..., list[Any]]]:
    """(label, row builder) of a child table, looked up once: `_add` runs for every activity."""
    return model._meta.label, bulk.table(model).row


def participant_table() -> bulk.Table:
    return bulk.table(ParticipatingOrg, ("activity_id", "organisation_id"))


def read_pending(pending: Pending, lang: str) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Activity data of a pending element, and the issues found while reading it. A reader bug
    costs one activity (an error), never the run."""
    before = len(pending.issues.issues)
    try:
        data = read_activity(pending.element, ReadState(lang, pending.issues))
    except Exception as exc:
        pending.issues.error(pending.element, UNREADABLE, reason=f"{type(exc).__name__}: {exc}")
        data = None
    return data, pending.issues.issues[before:]


def light_batch(batch: list[Pending]) -> tuple[LightBatch, list[Pending]]:
    """The light facts of a batch, and the pending activities they describe. Activities without
    identifier and earlier duplicates within the batch are skipped (the last one wins)."""
    last = {p.identifier: i for i, p in enumerate(batch) if not p.skip}
    issues: list[Issue] = []
    kept: list[Pending] = []
    skipped = 0
    for index, pending in enumerate(batch):
        issues.extend(pending.issues.issues)
        pending.issues.issues = []
        if pending.skip:
            skipped += 1
        elif last[pending.identifier] != index:
            skipped += 1
            where = (pending.issues.file, pending.line, pending.identifier)
            issues.append(Issue(WARNING, *where, SUPERSEDED))
        else:
            kept.append(pending)
    lights = [
        Light(p.identifier, p.line, p.timestamp, "" if p.timestamp else p.digest(), p.duplicate)
        for p in kept
    ]
    return LightBatch(lights, len(batch), skipped, issues), kept


class BatchReader:
    """Reads the activities the writer wants and turns them into rows (one file at a time)."""

    def __init__(self, origin: Provenance) -> None:
        self.origin = origin

    def prepare(self, kept: list[Pending], decisions: str, info: FileInfo) -> Payload:
        payload = Payload()
        for index, (pending, decision) in enumerate(zip(kept, decisions, strict=True)):
            if decision != WRITE:
                continue
            data, issues = read_pending(pending, info.lang)
            payload.issues.extend(issues)
            if data is None:
                payload.unreadable.append(index)
            else:
                self._add(payload, index, pending, data, info)
        return payload

    def _add(
        self, payload: Payload, index: int, pending: Pending, data: dict[str, Any], info: FileInfo
    ) -> None:
        values = self._activity_values(pending, data, info)
        payload.activities.append(activity_table().row(values, index))
        payload.reporting.append(_reporting_key(data.get("reporting_org"), payload))
        for model, items in child_values(data).items():
            if model is ParticipatingOrg:
                row = participant_table().row
                for item in items:
                    ref = item.get("ref") or ""
                    if ref:
                        spec = (item.get("names") or {}, item.get("type") or "")
                        payload.partner_orgs.setdefault(ref, spec)
                    payload.participants.append(row(item, index, ref))
                continue
            label, row = _child_table(model)
            rows = payload.children.setdefault(label, [])
            rows.extend([row(item, index) for item in items])
        meas = sorted(set(data.get("meas") or []))
        if meas:
            row = bulk.table(MEAS).row
            rows = payload.children.setdefault(MEAS._meta.label, [])
            rows.extend([row({"mea_id": code}, index) for code in meas])
        if data.get("results"):
            payload.results.append((index, data["results"]))

    def _activity_values(
        self, pending: Pending, data: dict[str, Any], info: FileInfo
    ) -> dict[str, Any]:
        """Column values of the activity row that the reader knows (derived columns included)."""
        values = {name: data[name] for name in CONTENT_SCALARS if name in data}
        if "gender_marker" in data:
            values["gender_marker"] = data["gender_marker"]
        else:
            values["gender_marker"] = gender_marker_from(data["policy_markers"])
        reporting = data.get("reporting_org") or {}
        publisher = (
            self.origin.publisher or reporting.get("ref") or localized(reporting.get("names"), "en")
        )
        values.update(
            iati_identifier=pending.identifier,
            division_id=data.get("division"),
            source="imported",
            source_publisher=publisher[:150],
            source_file=self.origin.source_file[:1000],
            source_timestamp=pending.timestamp,
            # Only needed where timestamps cannot tell (see `store.is_unchanged`).
            source_digest="" if pending.timestamp else pending.digest(),
            iati_version=info.version,
            visibility="public",
        )
        derived = SimpleNamespace(**{k: values.get(k) for k in DATE_KEYS})
        derive_fields(derived, data["budgets"])  # type: ignore[arg-type]
        values.update(
            start_date=derived.start_date,
            end_date=derived.end_date,
            total_budget=derived.total_budget,
        )
        return values


def _reporting_key(org: dict[str, Any] | None, payload: Payload) -> tuple[str, str]:
    """(ref, name key) of the reporting organisation; its names and type are kept apart from
    the partners' (they describe the publisher better: the writer prefers them)."""
    if not org:
        return "", ""
    names = org.get("names") or {}
    ref = org.get("ref") or ""
    if ref:
        payload.orgs.setdefault(ref, (names, org.get("type") or ""))
        return ref, ""
    key = name_key(names.get("en") or next(iter(names.values()), "")) if names else ""
    if key:
        payload.named_orgs.setdefault(key, (names, org.get("type") or ""))
    return "", key
