"""Organisations named by imported activities, resolved in bulk and cached for the run.

Same rule as `bali.activities.writes.resolve_organisation` (by IATI identifier when there is one,
else by normalised name; created when new; names filled in when the stored row has none), but one
query per batch instead of one per organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bali.core.i18n import localized
from bali.organisations.models import Organisation, name_key


def _key_of(names: dict[str, str]) -> str:
    return name_key(names.get("en") or next(iter(names.values()), "")) if names else ""


class OrganisationCache:
    def __init__(self) -> None:
        self.by_ref: dict[str, int] = {}
        self.by_name: dict[str, int] = {}

    def _load_refs(self, wanted: dict[str, dict[str, Any]]) -> None:
        missing = [ref for ref in wanted if ref not in self.by_ref]
        if not missing:
            return
        found = {}
        for start in range(0, len(missing), 900):
            chunk = missing[start : start + 900]
            found.update(
                {
                    ref: (pk, names)
                    for ref, pk, names in Organisation.objects.filter(ref__in=chunk).values_list(
                        "ref", "pk", "names"
                    )
                }
            )
        self._fill_names(found, wanted)
        new = [
            Organisation(
                ref=ref,
                names=wanted[ref].get("names") or {},
                type=wanted[ref].get("type") or "",
                name_key=name_key(localized(wanted[ref].get("names"), "en") or ref),
            )
            for ref in missing
            if ref not in found
        ]
        if new:
            Organisation.objects.bulk_create(new, ignore_conflicts=True)
            found.update(
                {
                    ref: (pk, None)
                    for ref, pk in Organisation.objects.filter(
                        ref__in=[o.ref for o in new]
                    ).values_list("ref", "pk")
                }
            )
        self.by_ref.update({ref: pk for ref, (pk, _names) in found.items()})

    @staticmethod
    def _fill_names(found: dict[str, Any], wanted: dict[str, dict[str, Any]]) -> None:
        for ref, (pk, names) in found.items():
            if not names and wanted[ref].get("names"):
                new_names = wanted[ref]["names"]
                Organisation.objects.filter(pk=pk).update(
                    names=new_names, name_key=name_key(localized(new_names, "en") or ref)
                )

    def _load_names(self, wanted: dict[str, dict[str, Any]]) -> None:
        for key, org in wanted.items():
            if key in self.by_name:
                continue
            found = Organisation.objects.filter(ref="", name_key=key).values_list("pk", flat=True)
            pk = next(iter(found), None)
            if pk is None:
                pk = Organisation.objects.create(
                    ref="", names=org.get("names") or {}, type=org.get("type") or ""
                ).pk
            self.by_name[key] = pk

    def resolve(self, datas: Iterable[dict[str, Any]]) -> None:
        """Set `reporting_org_id` on each activity data and `organisation_id` on each
        participating organisation that has an identifier."""
        datas = list(datas)
        refs: dict[str, dict[str, Any]] = {}
        names: dict[str, dict[str, Any]] = {}
        for data in datas:  # reporting organisations first: their names and type describe
            reporting = data.get("reporting_org")  # the publisher better than a partner's
            if reporting and reporting.get("ref"):
                refs.setdefault(reporting["ref"], reporting)
            elif reporting and reporting.get("names"):
                names.setdefault(_key_of(reporting["names"]), reporting)
        for data in datas:
            for item in data.get("participating_orgs") or []:
                if item.get("ref"):
                    refs.setdefault(item["ref"], item)
        names.pop("", None)
        self._load_refs(refs)
        self._load_names(names)
        for data in datas:
            data["reporting_org_id"] = self._reporting_id(data.get("reporting_org"))
            for item in data.get("participating_orgs") or []:
                item["organisation_id"] = self.by_ref.get(item["ref"]) if item.get("ref") else None

    def _reporting_id(self, org: dict[str, Any] | None) -> int | None:
        if not org:
            return None
        if org.get("ref"):
            return self.by_ref.get(org["ref"])
        return self.by_name.get(_key_of(org.get("names") or {}))
