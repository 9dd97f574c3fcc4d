"""Who stands where in a request: the country, the entry-point office, the assignee.

A person's *parties* in a request decide what they may do (the table in `workflow.py`) and
what they may see (people with at least one party are "inside the request" and see internal
notes, contacts and attachments):

- `country`: a national focal point of the requesting country;
- `office`: a regional officer of the entry point's region; HQ coordinators and administrators;
- `assignee`: the people behind the assignee (`assignees.people_of`); HQ and administrators.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias, TypeGuard

from django.utils.translation import gettext as _

from bali.accounts.roles import Role
from bali.core.permissions import PermissionDenied
from bali.requests.assignees import assignee_keys_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from bali.accounts.models import User
    from bali.requests.models import Request

# Whoever acts or reads: a person, an anonymous visitor, or nobody (a system job).
Actor: TypeAlias = "User | AnonymousUser | None"


class Party(StrEnum):
    COUNTRY = "country"
    OFFICE = "office"
    ASSIGNEE = "assignee"


def _active(user: Actor) -> TypeGuard[User]:
    return user is not None and user.is_authenticated and user.is_active


def is_country_focal_point(user: Actor, country_id: str | None) -> bool:
    return (
        _active(user)
        and user.role == Role.NATIONAL_FOCAL_POINT
        and bool(country_id)
        and user.country_id == country_id
    )


def parties_of(user: Actor, request: Request) -> frozenset[Party]:
    """The parties a person holds in one request (empty for outsiders and anonymous)."""
    if not _active(user):
        return frozenset()
    parties: set[Party] = set()
    if is_country_focal_point(user, request.country_id):
        parties.add(Party.COUNTRY)
    if user.is_global:
        parties.update((Party.OFFICE, Party.ASSIGNEE))
    if user.role == Role.REGIONAL_OFFICER and user.region_id == request.entry_region_id:
        parties.add(Party.OFFICE)
    if request.assignee and request.assignee in assignee_keys_of(user):
        parties.add(Party.ASSIGNEE)
    return frozenset(parties)


def is_insider(user: Actor, request: Request) -> bool:
    """Inside the request: sees internal notes, contacts and attachments."""
    return bool(parties_of(user, request))


def person(user: Actor) -> User | None:
    """The signed-in, active person, or None (anonymous, inactive, a system job)."""
    return user if _active(user) else None


def check_create_request(user: Actor) -> User:
    """Only a national focal point creates requests, always for their own country."""
    if not _active(user) or user.role != Role.NATIONAL_FOCAL_POINT or not user.country_id:
        raise PermissionDenied(
            _("Only a national focal point may create a request for their country.")
        )
    return user


def check_party(user: Actor, request: Request, party: Party) -> None:
    if party not in parties_of(user, request):
        raise PermissionDenied(PARTY_REFUSALS[party]())


def check_attach(user: Actor, request: Request) -> User:
    """People inside the request may add documents while it is open."""
    if not _active(user) or not is_insider(user, request):
        raise PermissionDenied(_("You may not add documents to this request."))
    return user


PARTY_REFUSALS = {
    Party.COUNTRY: lambda: _("Only a national focal point of the requesting country may do this."),
    Party.OFFICE: lambda: _(
        "Only an officer of the entry point's regional office or an HQ coordinator may do this."
    ),
    Party.ASSIGNEE: lambda: _(
        "Only a focal point of the assigned division or organisation, or an HQ coordinator, "
        "may do this."
    ),
}
