"""Organisations named by imported activities, resolved in bulk and cached for the run.

Same rule as `bali.activities.writes.resolve_organisation` (by IATI identifier when there is one,
else by normalised name; created when new; names filled in when the stored row has none), but one
query per batch instead of one per organisation. A reporting organisation's names and type are
preferred to a partner's for the same identifier: they describe the publisher better.
"""

from __future__ import annotations

from typing import Any

from bali.core.i18n import localized
from bali.organisations.models import Organisation, name_key

Spec = tuple[dict[str, str], str]  # (names, type)


class OrganisationCache:
    def __init__(self) -> None:
        self.by_ref: dict[str, int] = {}
        self.by_name: dict[str, int] = {}

    def resolve(
        self,
        reporting: dict[str, Spec],
        partners: dict[str, Spec],
        named: dict[str, Spec],
    ) -> None:
        """Find or create the organisations of a batch: by identifier (`reporting` and
        `partners`, ref → spec) and, for reporting organisations without one, by name key."""
        wanted = {**partners, **reporting}
        self._load_refs(wanted)
        self._load_names(named)

    def _load_refs(self, wanted: dict[str, Spec]) -> None:
        missing = [ref for ref in wanted if ref not in self.by_ref]
        if not missing:
            return
        found: dict[str, tuple[int, Any]] = {}
        for start in range(0, len(missing), 900):
            chunk = missing[start : start + 900]
            stored = Organisation.objects.filter(ref__in=chunk).values_list("ref", "pk", "names")
            found.update({ref: (pk, names) for ref, pk, names in stored})
        self._fill_names(found, wanted)
        new = [
            Organisation(
                ref=ref,
                names=wanted[ref][0],
                type=wanted[ref][1],
                name_key=name_key(localized(wanted[ref][0], "en") or ref),
            )
            for ref in missing
            if ref not in found
        ]
        if new:
            Organisation.objects.bulk_create(new, ignore_conflicts=True)
            created = Organisation.objects.filter(ref__in=[o.ref for o in new]).values_list(
                "ref", "pk"
            )
            found.update({ref: (pk, None) for ref, pk in created})
        self.by_ref.update({ref: pk for ref, (pk, _names) in found.items()})

    @staticmethod
    def _fill_names(found: dict[str, tuple[int, Any]], wanted: dict[str, Spec]) -> None:
        for ref, (pk, names) in found.items():
            new_names = wanted[ref][0]
            if not names and new_names:
                Organisation.objects.filter(pk=pk).update(
                    names=new_names, name_key=name_key(localized(new_names, "en") or ref)
                )

    def _load_names(self, wanted: dict[str, Spec]) -> None:
        for key, (names, kind) in wanted.items():
            if not key or key in self.by_name:
                continue
            found = Organisation.objects.filter(ref="", name_key=key).values_list("pk", flat=True)
            pk = next(iter(found), None)
            if pk is None:
                pk = Organisation.objects.create(ref="", names=names, type=kind).pk
            self.by_name[key] = pk

    def reporting_id(self, ref: str, key: str) -> int | None:
        if ref:
            return self.by_ref.get(ref)
        return self.by_name.get(key) if key else None
