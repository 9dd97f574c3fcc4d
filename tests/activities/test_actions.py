"""Creating, changing and deleting activities through the services: validation, derived fields,
permissions and the recorded history."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from bali.accounts.models import User
from bali.activities import snapshot
from bali.activities.actions import (
    ConflictError,
    do_create_activity,
    do_delete_activity,
    do_update_activity,
)
from bali.activities.models import Activity, ActivityChange
from bali.activities.signals import activities_changed
from bali.core.permissions import PermissionDenied

pytestmark = pytest.mark.django_db


def test_create_derives_dates_budget_and_themes(
    hq_user: User, activity_data: Callable[..., dict]
) -> None:
    activity = do_create_activity(hq_user, activity_data())
    assert activity.source == "local"
    assert str(activity.start_date) == "2024-01-01"
    assert str(activity.end_date) == "2025-06-30"
    assert activity.total_budget == Decimal("150000.50")
    themes = {t.theme_id: t.origin for t in activity.themes.all()}
    # CC04 chosen by hand; 41020 biosphere protection maps to TH09 (pollution).
    assert themes == {"CC04": "manual", "TH09": "sector"}
    assert list(activity.meas.values_list("code", flat=True)) == ["MONTREAL"]
    assert activity.reporting_org.ref == "XM-DAC-41116"


def test_snapshot_round_trips_input(hq_user: User, activity_data: Callable[..., dict]) -> None:
    activity = do_create_activity(hq_user, activity_data())
    data = snapshot.snapshot(snapshot.with_prefetch(Activity.objects.filter(pk=activity.pk)).get())
    assert data["title"] == {
        "en": "Training on ozone-depleting substances",
        "fr": "Formation sur l'ozone",
    }
    assert data["countries"] == [{"code": "KE", "percentage": "100"}]
    assert data["budgets"][1]["value"] == "50000.5"
    assert data["planned_start"] == "2024-01-01"


def test_gender_marker_from_policy_marker(
    hq_user: User, activity_data: Callable[..., dict]
) -> None:
    activity = do_create_activity(
        hq_user,
        activity_data(policy_markers=[{"code": "1", "vocabulary": "1", "significance": "2"}]),
    )
    assert activity.gender_marker == 2
    assert activity.themes.filter(theme_id="CC13", origin="marker").exists()


def test_create_records_history_with_new_values(
    hq_user: User, activity_data: Callable[..., dict]
) -> None:
    activity = do_create_activity(hq_user, activity_data())
    change = ActivityChange.objects.get(activity=activity)
    assert change.action == "create" and change.actor == hq_user
    assert change.changes["title"][0] is None
    assert change.changes["title"][1]["en"] == "Training on ozone-depleting substances"


def test_update_records_old_and_new_values(
    hq_user: User, activity_data: Callable[..., dict]
) -> None:
    activity = do_create_activity(hq_user, activity_data())
    updated = do_update_activity(hq_user, activity, {"status": "3", "countries": [{"code": "TZ"}]})
    assert updated.version == 2
    change = ActivityChange.objects.filter(activity=activity, action="update").get()
    assert change.changes["status"] == ["2", "3"]
    assert change.changes["countries"] == [
        [{"code": "KE", "percentage": "100"}],
        [{"code": "TZ", "percentage": None}],
    ]
    assert set(change.changes) == {"status", "countries"}


def test_update_without_change_records_nothing(
    hq_user: User, activity_data: Callable[..., dict]
) -> None:
    activity = do_create_activity(hq_user, activity_data())
    do_update_activity(hq_user, activity, {"status": "2"})
    assert not ActivityChange.objects.filter(action="update").exists()
    activity.refresh_from_db()
    assert activity.version == 1


def test_changing_sectors_recomputes_derived_themes(
    hq_user: User, activity_data: Callable[..., dict]
) -> None:
    activity = do_create_activity(hq_user, activity_data())
    do_update_activity(hq_user, activity, {"sectors": [{"code": "23210"}]})
    themes = {t.theme_id: t.origin for t in activity.themes.all()}
    assert themes == {"CC04": "manual", "TH12": "sector"}


def test_stale_version_is_a_conflict(hq_user: User, activity_data: Callable[..., dict]) -> None:
    activity = do_create_activity(hq_user, activity_data())
    do_update_activity(hq_user, activity, {"status": "3"}, expected_version=1)
    with pytest.raises(ConflictError):
        do_update_activity(hq_user, activity, {"status": "4"}, expected_version=1)


def test_validation_reports_every_field(hq_user: User, activity_data: Callable[..., dict]) -> None:
    bad = activity_data(
        iati_identifier="has space",
        status="9",
        countries=[{"code": "XX"}],
        budgets=[{"value": "12,5", "period_start": "2024-13-01"}],
        themes=["TH99"],
        planned_start="2025-01-01",
        planned_end="2024-01-01",
        gender_marker=5,
    )
    with pytest.raises(ValidationError) as caught:
        do_create_activity(hq_user, bad)
    fields = set(caught.value.message_dict)
    assert {
        "iati_identifier",
        "status",
        "countries.0.code",
        "budgets.0.value",
        "budgets.0.period_start",
        "themes.0",
        "planned_end",
        "gender_marker",
    } <= fields
    assert not Activity.objects.exists()


def test_validation_messages_follow_language(
    hq_user: User, activity_data: Callable[..., dict]
) -> None:
    from django.utils import translation

    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        do_create_activity(hq_user, activity_data(title={}))
    assert caught.value.message_dict["title"] == ["Donnez un titre dans au moins une langue."]


def test_duplicate_identifier_refused(hq_user: User, activity_data: Callable[..., dict]) -> None:
    do_create_activity(hq_user, activity_data())
    with pytest.raises(ValidationError) as caught:
        do_create_activity(hq_user, activity_data())
    assert "iati_identifier" in caught.value.message_dict


def test_partner_editor_limited_to_own_organisation(
    make_user: Callable[..., User], activity_data: Callable[..., dict]
) -> None:
    editor = make_user("partner_editor", org="XM-DAC-41116")
    other = make_user("partner_editor", org="XM-DAC-41114")
    activity = do_create_activity(editor, activity_data())
    do_update_activity(editor, activity, {"status": "3"})
    with pytest.raises(PermissionDenied):
        do_update_activity(other, activity, {"status": "4"})
    with pytest.raises(PermissionDenied):
        do_create_activity(other, activity_data(iati_identifier="XM-DAC-41116-X"))
    with pytest.raises(PermissionDenied):
        do_update_activity(editor, activity, {"reporting_org": {"ref": "XM-DAC-41114"}})


def test_division_focal_point_keeps_division_activities(
    make_user: Callable[..., User], activity_data: Callable[..., dict], hq_user: User
) -> None:
    dtie = make_user("division_focal_point", division="DTIE")
    dewa = make_user("division_focal_point", division="DEWA")
    activity = do_create_activity(dtie, activity_data(division="DTIE"))
    do_update_activity(dtie, activity, {"status": "3"})
    with pytest.raises(PermissionDenied):
        do_update_activity(dewa, activity, {"status": "4"})
    with pytest.raises(PermissionDenied):
        do_create_activity(dewa, activity_data(iati_identifier="X-2", division="DTIE"))


@pytest.mark.parametrize(
    "role,scope",
    [
        ("national_focal_point", {"country": "KE"}),
        ("regional_officer", {"region": "AFR"}),
    ],
)
def test_roles_without_activity_rights(
    make_user: Callable[..., User],
    activity_data: Callable[..., dict],
    hq_user: User,
    role: str,
    scope: dict[str, str],
) -> None:
    user = make_user(role, **scope)
    activity = do_create_activity(hq_user, activity_data())
    with pytest.raises(PermissionDenied):
        do_create_activity(user, activity_data(iati_identifier="X-3"))
    with pytest.raises(PermissionDenied):
        do_update_activity(user, activity, {"status": "3"})
    with pytest.raises(PermissionDenied):
        do_create_activity(None, activity_data(iati_identifier="X-4"))


def test_private_activities_hidden_from_public(
    hq_user: User, make_user: Callable[..., User], activity_data: Callable[..., dict]
) -> None:
    activity = do_create_activity(hq_user, activity_data(visibility="private"))
    assert not Activity.objects.visible_to(None).filter(pk=activity.pk).exists()
    focal = make_user("national_focal_point", country="KE")
    assert not Activity.objects.visible_to(focal).filter(pk=activity.pk).exists()
    assert Activity.objects.visible_to(hq_user).filter(pk=activity.pk).exists()


def test_delete_keeps_history(hq_user: User, activity_data: Callable[..., dict]) -> None:
    activity = do_create_activity(hq_user, activity_data())
    do_delete_activity(hq_user, activity)
    assert not Activity.objects.exists()
    actions = list(
        ActivityChange.objects.filter(iati_identifier="XM-DAC-41116-TEST-0001").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "delete"]


def test_writes_send_the_changed_signal(
    hq_user: User, activity_data: Callable[..., dict], django_capture_on_commit_callbacks: Any
) -> None:
    received: list[dict[str, Any]] = []

    def listener(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    activities_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            activity = do_create_activity(hq_user, activity_data())
        with django_capture_on_commit_callbacks(execute=True):
            do_update_activity(hq_user, activity, {"status": "3"})
    finally:
        activities_changed.disconnect(listener)
    assert [r["ids"] for r in received] == [[activity.pk], [activity.pk]]
