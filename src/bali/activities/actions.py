"""Every change to an activity goes through these functions: permission, validation, write,
history, search index.

Named `do_<verb>_activity` after Zulip's actions; views, the API, the admin and the demo call
them, so the rules hold whatever the entry point.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bali.accounts.models import User
from bali.activities import permissions, snapshot
from bali.activities.models import Activity, ActivityChange, ChangeAction
from bali.activities.signals import activities_changed
from bali.activities.validation import clean_activity_data
from bali.activities.writes import write_activity


class ConflictError(Exception):
    """The record changed since the caller read it (stale `version`)."""


def record_change(
    activity: Activity, actor: User | None, action: str, changes: dict[str, Any], label: str = ""
) -> ActivityChange:
    return ActivityChange.objects.create(
        activity=activity,
        iati_identifier=activity.iati_identifier,
        at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=label,
        action=action,
        changes=changes,
    )


def _full_snapshot(activity: Activity) -> dict[str, Any]:
    fresh = snapshot.with_prefetch(Activity.objects.filter(pk=activity.pk)).get()
    return snapshot.snapshot(fresh)


@transaction.atomic
def do_create_activity(actor: User | None, data: dict[str, Any], *, label: str = "") -> Activity:
    """Create an activity entered in this clearinghouse (source `local`)."""
    permissions.check_create_activity(actor, data)
    cleaned = clean_activity_data(data, creating=True)
    if Activity.objects.filter(iati_identifier=cleaned["iati_identifier"]).exists():
        raise ValidationError({"iati_identifier": [_("An activity with this identifier exists.")]})
    activity = Activity(
        source="local", created_by=actor if actor and actor.is_authenticated else None
    )
    write_activity(activity, cleaned)
    after = _full_snapshot(activity)
    changes = {key: [None, value] for key, value in snapshot.content(after).items() if value}
    record_change(activity, actor, ChangeAction.CREATE, changes, label)
    transaction.on_commit(
        lambda: activities_changed.send(__name__, ids=[activity.pk], deleted=False)
    )
    return activity


@transaction.atomic
def do_update_activity(
    actor: User | None,
    activity: Activity,
    data: dict[str, Any],
    *,
    expected_version: int | None = None,
    label: str = "",
) -> Activity:
    """Change some fields of an activity; keys absent from `data` stay as they are."""
    permissions.check_edit_activity(actor, activity, data)
    cleaned = clean_activity_data(data, creating=False)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _("This activity was changed by someone else; reload it and try again.")
        )
    if (
        "iati_identifier" in cleaned
        and cleaned["iati_identifier"] != locked.iati_identifier
        and (Activity.objects.filter(iati_identifier=cleaned["iati_identifier"]).exists())
    ):
        raise ValidationError({"iati_identifier": [_("An activity with this identifier exists.")]})
    before = _full_snapshot(locked)
    write_activity(locked, cleaned)
    after = _full_snapshot(locked)
    changes = snapshot.diff(before, after)
    if changes:
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        record_change(locked, actor, ChangeAction.UPDATE, changes, label)
        transaction.on_commit(
            lambda: activities_changed.send(__name__, ids=[locked.pk], deleted=False)
        )
    return locked


@transaction.atomic
def do_delete_activity(actor: User | None, activity: Activity, *, label: str = "") -> None:
    permissions.check_edit_activity(actor, activity, {})
    before = snapshot.content(_full_snapshot(activity))
    record_change(
        activity, actor, ChangeAction.DELETE, {k: [v, None] for k, v in before.items() if v}, label
    )
    pk = activity.pk
    activity.delete()
    transaction.on_commit(lambda: activities_changed.send(__name__, ids=[pk], deleted=True))
