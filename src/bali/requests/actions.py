"""Creating and editing requests (the country's side before the office takes over).

`do_create_request` numbers the request and, with `submit=True`, submits it in the same
transaction, so an incomplete request sent with `"submit": true` leaves nothing behind.
`do_update_request` changes a draft, or a request the office sent back for information.
Every write records an event; workflow steps go through `workflow.do_transition_request`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bali.core.i18n import UN_LANGUAGES, active_iso_language, iso_language
from bali.reference.models import Country
from bali.requests import permissions
from bali.requests.locking import run_locked
from bali.requests.models import Request, Status
from bali.requests.numbering import next_reference
from bali.requests.permissions import Party
from bali.requests.validation import clean_request_data
from bali.requests.workflow import (
    RequestConflict,
    check_version,
    copy_fields,
    do_transition_request,
    lock_request,
    record_event,
)

if TYPE_CHECKING:
    from bali.accounts.models import User
    from bali.requests.permissions import Actor

EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.NEEDS_INFORMATION})
M2M_FIELDS = ("themes", "meas")


def default_language(actor: User) -> str:
    """The submitter's language: their profile's, else the language they use the site in."""
    code = iso_language(actor.language)
    return code if code in UN_LANGUAGES else active_iso_language()


def do_create_request(
    actor: Actor, data: dict[str, Any], *, submit: bool = False, now: datetime | None = None
) -> Request:
    """A national focal point opens a request for their country (a draft, or submitted)."""
    focal_point = permissions.check_create_request(actor)
    country, region = _eligible_country(focal_point.country_id)
    cleaned = clean_request_data(data, default_language=default_language(focal_point))
    if not cleaned.get("title"):
        raise ValidationError({"title": [_("Give the request a title.")]})
    when = now or timezone.now()
    return run_locked(lambda: _create(focal_point, country, region, cleaned, submit, when))


def _create(
    actor: User,
    country: Country,
    region: str,
    cleaned: dict[str, Any],
    submit: bool,
    now: datetime,
) -> Request:
    cleaned = dict(cleaned)  # may run again when the database was locked
    request = Request(
        reference=next_reference(now.year, region),
        country=country,
        entry_region_id=cleaned.pop("entry_point", "") or region,
        submitter=actor,
        language=cleaned.pop("language", default_language(actor)),
        created_at=now,
        status_changed_at=now,
    )
    _write_fields(request, cleaned)
    record_event(request, actor, "create", "", "", False, now)
    if submit:
        request = do_transition_request(actor, request, "submit", now=now)
    return request


def _eligible_country(country_id: str | None) -> tuple[Country, str]:
    """The country and its UNEP region; the plan serves developing countries and economies in
    transition (§1)."""
    country = Country.objects.select_related("unep_region").get(pk=country_id)
    region = country.unep_region_id
    if not country.eligible_for_support or region is None:
        raise ValidationError(
            {
                "country": [
                    _(
                        "The Bali Strategic Plan serves developing countries and countries with "
                        "economies in transition; %(country)s is not one of them."
                    )
                    % {"country": country.name}
                ]
            }
        )
    return country, region


def do_update_request(
    actor: Actor,
    request: Request,
    data: dict[str, Any],
    *,
    version: int | None = None,
    now: datetime | None = None,
) -> Request:
    """Change the fields named in `data`; only the country, only before the office acts."""
    when = now or timezone.now()
    locked = run_locked(lambda: _update(actor, request, data, version, when))
    copy_fields(locked, request)
    return locked


def _update(
    actor: Actor, request: Request, data: dict[str, Any], version: int | None, now: datetime
) -> Request:
    locked = lock_request(request)
    permissions.check_party(actor, locked, Party.COUNTRY)
    check_version(locked, version)
    if locked.status not in EDITABLE_STATUSES:
        raise RequestConflict(
            _(
                "Only drafts and requests sent back for information can be changed; this "
                "one is %(status)s."
            )
            % {"status": locked.get_status_display().lower()}
        )
    cleaned = clean_request_data(data, default_language=locked.language)
    if "entry_point" in cleaned:
        cleaned["entry_region_id"] = cleaned.pop("entry_point") or locked.country.unep_region_id
    changed = _write_fields(locked, cleaned)
    if changed:
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        record_event(locked, actor, "edit", locked.status, "", False, now, {"fields": changed})
    return locked


def _write_fields(request: Request, cleaned: dict[str, Any]) -> list[str]:
    """Set plain fields and many-to-many codes; returns the names of the fields that changed."""
    changed = []
    for name, value in cleaned.items():
        if name in M2M_FIELDS:
            continue
        if getattr(request, name) != value:
            setattr(request, name, value)
            changed.append(name)
    request.save()
    for name in M2M_FIELDS:
        if name in cleaned:
            manager = getattr(request, name)
            if sorted(manager.values_list("pk", flat=True)) != cleaned[name]:
                manager.set(cleaned[name])
                changed.append(name)
    return sorted(changed)
