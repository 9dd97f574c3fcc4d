"""Creating people and issuing API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bali.accounts.models import ApiToken, User
from bali.accounts.roles import ROLE_SCOPE, Role
from bali.organisations.models import Organisation
from bali.reference.models import Country, Division, Region


@dataclass
class UserScope:
    country: str | None = None
    region: str | None = None
    division: str | None = None
    org: str | None = None


def _resolve_scope(role: str, scope: UserScope) -> dict[str, object]:
    if role not in Role.values:
        raise ValidationError(
            {
                "role": [
                    _("Unknown role %(role)s; choose one of %(roles)s.")
                    % {"role": role, "roles": ", ".join(Role.values)}
                ]
            }
        )
    values: dict[str, object] = {}
    if scope.country:
        country = Country.objects.filter(code=scope.country.upper()).first()
        if country is None:
            raise ValidationError(
                {"country": [_("Unknown country code %(code)s.") % {"code": scope.country}]}
            )
        values["country"] = country
    if scope.region:
        region = Region.objects.filter(code=scope.region.upper()).first()
        if region is None:
            raise ValidationError(
                {"region": [_("Unknown region code %(code)s.") % {"code": scope.region}]}
            )
        values["region"] = region
    if scope.division:
        division = Division.objects.filter(code=scope.division.upper()).first()
        if division is None:
            raise ValidationError(
                {"division": [_("Unknown division code %(code)s.") % {"code": scope.division}]}
            )
        values["division"] = division
    if scope.org:
        organisation, _created = Organisation.objects.get_or_create(
            ref=scope.org, defaults={"names": {"en": scope.org}}
        )
        values["organisation"] = organisation
    needed = ROLE_SCOPE[role]
    if needed and needed not in values:
        option = {"organisation": "org"}.get(needed, needed)
        raise ValidationError(
            {
                needed: [
                    _("The role %(role)s needs --%(option)s.") % {"role": role, "option": option}
                ]
            }
        )
    return values


@transaction.atomic
def do_create_user(
    email: str,
    role: str,
    scope: UserScope,
    *,
    password: str | None = None,
    full_name: str = "",
    language: str = "",
) -> User:
    """Create a person with a role and its scope. Administrators also get Django admin access."""
    email = (email or "").strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": [_("A user with this e-mail address exists.")]})
    values = _resolve_scope(role, scope)
    is_admin = role == Role.ADMIN
    return User.objects.create_user(
        email,
        password,
        role=role,
        full_name=full_name,
        language=language,
        is_staff=is_admin,
        is_superuser=is_admin,
        **values,
    )


def do_issue_token(user: User, name: str = "") -> str:
    """A new API token for the user; the raw value is shown once."""
    _token, raw = ApiToken.issue(user, name)
    return raw
