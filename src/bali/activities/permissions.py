"""Who may create and change activities (DESIGN §3).

Editors of the activity's reporting organisation (partner editors), the focal points of the
UNEP division that carries it out, HQ coordinators and administrators.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bali.accounts.models import User
from bali.accounts.roles import Role
from bali.activities.models import Activity, Visibility
from bali.core.permissions import PermissionDenied

EDITOR_ROLES = (Role.PARTNER_EDITOR, Role.DIVISION_FOCAL_POINT, Role.HQ_COORDINATOR, Role.ADMIN)


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def can_edit_activity(user: User | None, activity: Activity) -> bool:
    if not _active(user):
        return False
    assert user is not None
    if user.is_global:
        return True
    if user.role == Role.PARTNER_EDITOR:
        return (
            user.organisation_id is not None and activity.reporting_org_id == user.organisation_id
        )
    if user.role == Role.DIVISION_FOCAL_POINT:
        return user.division_id is not None and activity.division_id == user.division_id
    return False


def can_view_activity(user: User | None, activity: Activity) -> bool:
    return activity.visibility == Visibility.PUBLIC or can_edit_activity(user, activity)


def check_create_activity(user: User | None, data: dict[str, Any]) -> None:
    """A partner editor creates activities for its own organisation; a division focal point for
    its division; HQ and admins for anyone."""
    if (
        user is None
        or not _active(user)
        or (user.role not in EDITOR_ROLES and not user.is_superuser)
    ):
        raise PermissionDenied(_("You may not create activities."))
    if user.is_global:
        return
    if user.role == Role.PARTNER_EDITOR:
        org = data.get("reporting_org") or {}
        own = user.organisation
        if own is None or (org.get("ref") or "") != own.ref or not own.ref:
            raise PermissionDenied(
                _("You may only create activities reported by your organisation.")
            )
    elif user.role == Role.DIVISION_FOCAL_POINT and data.get("division") != user.division_id:
        raise PermissionDenied(_("You may only create activities of your division."))


def check_edit_activity(user: User | None, activity: Activity, data: dict[str, Any]) -> None:
    if not can_edit_activity(user, activity):
        raise PermissionDenied(_("You may not change this activity."))
    assert user is not None
    if user.is_global:
        return
    # An editor may not hand the record to someone else's organisation or division.
    if user.role == Role.PARTNER_EDITOR and "reporting_org" in data:
        org = data["reporting_org"] or {}
        if (org.get("ref") or "") != (user.organisation.ref if user.organisation else ""):
            raise PermissionDenied(_("You may only report activities for your organisation."))
    if (
        user.role == Role.DIVISION_FOCAL_POINT
        and "division" in data
        and data["division"] != user.division_id
    ):
        raise PermissionDenied(_("You may only keep activities of your division."))
