"""Who holds a request: a UNEP division, a regional office, or a partner organisation.

An assignee is written `division:<code>` (`division:DTIE`), `office:<region code>`
(`office:AFR`) or `org:<IATI organisation identifier>` (`org:XM-DAC-41114`) wherever the API,
the pages or the command line take one. This module is the one place that parses, checks and
formats that notation, and that knows which people stand behind an assignee.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bali.accounts.roles import Role
from bali.core.i18n import localized
from bali.reference import lookups

if TYPE_CHECKING:
    from bali.accounts.models import User
    from bali.requests.permissions import Actor

DIVISION = "division"
OFFICE = "office"
ORG = "org"
KINDS = (DIVISION, OFFICE, ORG)
MAX_CODE = 160  # the column holds 170 characters with the kind


@dataclass(frozen=True)
class Assignee:
    kind: str
    code: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"

    @property
    def label(self) -> str:
        """A readable name in the active language (`Division of Technology, …`)."""
        if self.kind == DIVISION:
            return lookups.division_name(self.code)
        if self.kind == OFFICE:
            return localized(_office_names().get(self.code)) or _(
                "Regional office for %(region)s"
            ) % {"region": lookups.region_name(self.code)}
        return _organisation_label(self.code)


@cache
def _office_names() -> dict[str, dict[str, str]]:
    """The regional offices' names in every language (reference data, read once per process
    and read again after a region is saved: `forget_office_names`)."""
    from bali.reference.models import Region

    return dict(Region.objects.values_list("code", "office_names"))


def forget_office_names(**_kwargs: object) -> None:
    """Receiver of `post_save`/`post_delete` of `Region` (connected in `RequestsConfig.ready`):
    `load_reference` and the admin save regions one by one, so a renamed office is seen at
    once, like the names `bali.reference.lookups` keeps."""
    _office_names.cache_clear()


def _organisation_label(ref: str) -> str:
    from bali.organisations.models import Organisation

    organisation = Organisation.objects.filter(ref=ref).first()
    return organisation.name if organisation is not None else ref


def parse_assignee(value: str | None) -> Assignee:
    """Read `kind:code`, normalising case; raises ValidationError on anything else."""
    text = (value or "").strip()
    kind, sep, code = text.partition(":")
    kind, code = kind.strip().lower(), code.strip()
    if not sep or kind not in KINDS or not _plain_code(code):
        raise ValidationError(
            {
                "assignee": [
                    _(
                        "Name the assignee as division:<code>, office:<region code> or "
                        "org:<IATI organisation identifier>, e.g. division:DTIE."
                    )
                ]
            }
        )
    if kind in (DIVISION, OFFICE):
        code = code.upper()
    return Assignee(kind, code)


def _plain_code(code: str) -> bool:
    """A code is printable, without spaces, and fits the assignee column."""
    return 0 < len(code) <= MAX_CODE and all(ch.isprintable() and not ch.isspace() for ch in code)


def check_assignee_exists(assignee: Assignee) -> None:
    """The division, region or organisation must be known to the clearinghouse."""
    from bali.organisations.models import Organisation
    from bali.reference.models import Division

    if assignee.kind == DIVISION:
        known = Division.objects.filter(code=assignee.code, active=True).exists()
    elif assignee.kind == OFFICE:
        known = assignee.code in lookups.reference_codes("Region")
    else:
        known = Organisation.objects.filter(ref=assignee.code).exists()
    if not known:
        raise ValidationError(
            {"assignee": [_("There is no assignee %(assignee)s.") % {"assignee": assignee}]}
        )


def assignee_keys_of(user: Actor) -> list[str]:
    """The assignee names a person answers for (`division:DTIE` for a DTIE focal point)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.role == Role.DIVISION_FOCAL_POINT and user.division_id:
        return [str(Assignee(DIVISION, user.division_id))]
    if user.role == Role.REGIONAL_OFFICER and user.region_id:
        return [str(Assignee(OFFICE, user.region_id))]
    organisation = user.organisation if user.role == Role.PARTNER_EDITOR else None
    if organisation is not None and organisation.ref:
        return [str(Assignee(ORG, organisation.ref))]
    return []


def people_of(assignee: Assignee) -> QuerySet[User]:
    """Active people who act for an assignee (for e-mail and queues)."""
    from bali.accounts.models import User

    if assignee.kind == DIVISION:
        condition = Q(role=Role.DIVISION_FOCAL_POINT, division_id=assignee.code)
    elif assignee.kind == OFFICE:
        condition = Q(role=Role.REGIONAL_OFFICER, region_id=assignee.code)
    else:
        condition = Q(role=Role.PARTNER_EDITOR, organisation__ref=assignee.code)
    return User.objects.filter(condition, is_active=True)


def assignee_label(value: str) -> str:
    """The readable name of a stored assignee string; empty for none."""
    if not value:
        return ""
    try:
        return parse_assignee(value).label
    except ValidationError:
        return value
