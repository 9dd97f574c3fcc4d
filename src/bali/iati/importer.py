"""Writing a batch of parsed activities: insert or update by IATI identifier, in one transaction.

For each activity of the batch the stored state decides: new → created; stored from this
clearinghouse (`source="local"`) → left alone with a warning (an import never overwrites what
editors keep here); same digest, or a stored `last-updated-datetime` not older than the file's →
unchanged (not even read in full); otherwise → updated, every child replaced. A duplicate
identifier later in the same file always wins. After the commit, `activities_changed` tells the
search index which activities changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from bali.activities.models import Activity
from bali.activities.signals import activities_changed
from bali.activities.writes import derive_fields, gender_marker_from
from bali.core.i18n import localized
from bali.iati import rows
from bali.iati.issues import WARNING, Issue
from bali.iati.orgs import OrganisationCache
from bali.iati.parser import FileInfo, Pending
from bali.iati.reader import read_activity
from bali.iati.xmltext import ReadState

LOCAL_KEPT = gettext_noop(
    "an activity with this identifier is kept in this clearinghouse; the import does not "
    "overwrite it"
)
UNREADABLE = gettext_noop("the activity could not be read (%(reason)s); skipped")
SUPERSEDED = gettext_noop("superseded by a later activity with the same identifier in this file")

DATE_KEYS = ("planned_start", "actual_start", "planned_end", "actual_end")
CONTENT_SCALARS = (
    "title",
    "description",
    "other_descriptions",
    "default_lang",
    "status",
    "activity_type",
    "default_currency",
    "hierarchy",
    "scope",
    "collaboration_type",
    "default_flow_type",
    "default_finance_type",
    "default_aid_type",
    "default_tied_status",
    "planned_start",
    "actual_start",
    "planned_end",
    "actual_end",
)


@dataclass
class Provenance:
    """What every activity written from one source records about where it came from."""

    source_file: str
    version: str
    publisher: str = ""
    actor_id: int | None = None
    actor_label: str = ""


@dataclass
class BatchResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    would_create: int = 0
    would_update: int = 0
    unchanged: int = 0
    skipped: int = 0
    issues: list[Issue] = field(default_factory=list)


@dataclass
class Stored:
    pk: int
    source: str
    timestamp: datetime | None
    digest: str
    version: int


@dataclass
class Plan:
    result: BatchResult
    to_read: list[tuple[Pending, Stored | None]] = field(default_factory=list)


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


@dataclass
class ToWrite:
    pending: Pending
    data: dict[str, Any]
    stored: Stored | None


def _stored_state(identifiers: list[str]) -> dict[str, Stored]:
    found: dict[str, Stored] = {}
    for start in range(0, len(identifiers), 900):
        chunk = identifiers[start : start + 900]
        rows = Activity.objects.filter(iati_identifier__in=chunk).values_list(
            "iati_identifier", "pk", "source", "source_timestamp", "source_digest", "version"
        )
        for identifier, pk, source, timestamp, digest, version in rows:
            found[identifier] = Stored(pk, source, timestamp, digest, version)
    return found


def _is_unchanged(pending: Pending, stored: Stored) -> bool:
    """Not newer than the stored record by its timestamp, or the very same element."""
    if pending.duplicate:
        return False
    if (
        stored.timestamp is not None
        and pending.timestamp is not None
        and stored.timestamp >= pending.timestamp
    ):
        return True
    return bool(stored.digest) and stored.digest == pending.digest()


class Importer:
    """Imports batches for one run; keeps the organisation cache between batches."""

    def __init__(self, dry_run: bool = False) -> None:
        self.dry_run = dry_run
        self.orgs = OrganisationCache()

    def _latest(self, batch: list[Pending], result: BatchResult) -> list[Pending]:
        """Drop skipped activities and earlier duplicates within the batch (the last wins)."""
        last = {p.identifier: i for i, p in enumerate(batch) if not p.skip}
        kept = []
        for index, pending in enumerate(batch):
            result.issues.extend(pending.issues.issues)
            if pending.skip:
                result.skipped += 1
            elif last[pending.identifier] != index:
                result.skipped += 1
                result.issues.append(
                    Issue(
                        "warning",
                        pending.issues.file,
                        pending.line,
                        pending.identifier,
                        SUPERSEDED,
                    )
                )
            else:
                kept.append(pending)
        return kept

    def plan(self, batch: list[Pending]) -> Plan:
        """Decide, from the stored records, which activities of the batch must be read and
        written; the others are counted as unchanged or skipped."""
        plan = Plan(BatchResult())
        result = plan.result
        pendings = self._latest(batch, result)
        stored = _stored_state([p.identifier for p in pendings])
        for pending in pendings:
            state = stored.get(pending.identifier)
            if state is not None and state.source == "local":
                issue = Issue(
                    WARNING, pending.issues.file, pending.line, pending.identifier, LOCAL_KEPT
                )
                result.issues.append(issue)
                result.skipped += 1
            elif state is not None and _is_unchanged(pending, state):
                result.unchanged += 1
            else:
                plan.to_read.append((pending, state))
        return plan

    def finish(
        self, plan: Plan, datas: list[dict[str, Any] | None], file: FileInfo, origin: Provenance
    ) -> BatchResult:
        """Write what was read (`datas` in the order of `plan.to_read`; None: unreadable)."""
        result = plan.result
        to_write = []
        for (pending, state), data in zip(plan.to_read, datas, strict=True):
            if data is None:
                result.skipped += 1
            else:
                to_write.append(ToWrite(pending, data, state))
        if self.dry_run:
            result.would_create = sum(1 for item in to_write if item.stored is None)
            result.would_update = len(to_write) - result.would_create
        elif to_write:
            self._write(to_write, file, origin, result)
        return result

    def import_batch(self, batch: list[Pending], file: FileInfo, origin: Provenance) -> BatchResult:
        """Plan, read and write one batch in this process."""
        plan = self.plan(batch)
        datas = []
        for pending, _state in plan.to_read:
            data, issues = read_pending(pending, file.lang)
            plan.result.issues.extend(issues)
            datas.append(data)
        return self.finish(plan, datas, file, origin)

    def _write(
        self, items: list[ToWrite], file: FileInfo, origin: Provenance, result: BatchResult
    ) -> None:
        now = timezone.now()
        with transaction.atomic():
            self.orgs.resolve(item.data for item in items)
            creates = [item for item in items if item.stored is None]
            updates = [item for item in items if item.stored is not None]
            created = self._create(creates, file, origin, now)
            self._update(updates, file, origin, now)
            written = list(zip(creates, created, strict=True)) + [
                (item, item.stored.pk) for item in updates if item.stored is not None
            ]
            rows.replace_children([(pk, item.data) for item, pk in written], fresh=created)
            rows.insert_history(written, origin, now)
            result.created.extend(created)
            result.updated.extend(pk for _item, pk in written[len(created) :])
        ids = result.created + result.updated
        activities_changed.send(sender=__name__, ids=ids, deleted=False)

    def _activity(
        self, item: ToWrite, file: FileInfo, origin: Provenance, now: datetime
    ) -> dict[str, Any]:
        """Column values of the activity row (derived columns included)."""
        data = item.data
        values = {name: data[name] for name in CONTENT_SCALARS if name in data}
        if "gender_marker" in data:
            values["gender_marker"] = data["gender_marker"]
        else:
            values["gender_marker"] = gender_marker_from(data["policy_markers"])
        reporting = data.get("reporting_org") or {}
        publisher = (
            origin.publisher or reporting.get("ref") or localized(reporting.get("names"), "en")
        )
        values.update(
            iati_identifier=item.pending.identifier,
            reporting_org_id=data.get("reporting_org_id"),
            division_id=data.get("division"),
            source="imported",
            source_publisher=publisher[:150],
            source_file=origin.source_file[:1000],
            source_timestamp=item.pending.timestamp,
            # Only needed where timestamps cannot tell (see `_is_unchanged`).
            source_digest=item.pending.digest() if item.pending.timestamp is None else "",
            imported_at=now,
            iati_version=file.version,
            visibility="public",
            created_at=now,
            updated_at=now,
            version=item.stored.version + 1 if item.stored else 1,
        )
        derived = SimpleNamespace(**{k: values.get(k) for k in DATE_KEYS})
        derive_fields(derived, data["budgets"])  # type: ignore[arg-type]
        values.update(
            start_date=derived.start_date,
            end_date=derived.end_date,
            total_budget=derived.total_budget,
        )
        return values

    def _create(
        self, items: list[ToWrite], file: FileInfo, origin: Provenance, now: datetime
    ) -> list[int]:
        if not items:
            return []
        return rows.insert_activities([self._activity(item, file, origin, now) for item in items])

    def _update(
        self, items: list[ToWrite], file: FileInfo, origin: Provenance, now: datetime
    ) -> list[int]:
        pks = [item.stored.pk for item in items if item.stored is not None]
        rows.update_activities([self._activity(item, file, origin, now) for item in items], pks)
        return pks
