"""The Django admin covers every model, renders in the interface languages, and reports bad input
field by field instead of failing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client

from bali.accounts.models import User
from bali.activities.actions import do_create_activity
from bali.activities.models import Activity, ActivityChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, admin_user_bali: User) -> Client:
    client.force_login(admin_user_bali)
    return client


def _admin_urls() -> list[str]:
    return [
        f"/en/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    ]


def test_every_domain_model_is_in_the_admin() -> None:
    registered = {model._meta.label for model in admin.site._registry}
    expected = {
        "reference.Country",
        "reference.Region",
        "reference.Division",
        "reference.Theme",
        "reference.MEA",
        "accounts.User",
        "organisations.Organisation",
        "activities.Activity",
        "activities.ActivityChange",
    }
    assert expected <= registered


def test_every_changelist_renders(admin_client: Client) -> None:
    for url in _admin_urls():
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_admin_speaks_the_interface_language(
    admin_client: Client, hq_user: User, activity_data: Callable[..., dict[str, Any]]
) -> None:
    do_create_activity(hq_user, activity_data())
    french = admin_client.get("/fr/admin/activities/activity/").content.decode()
    assert "activités" in french.lower()
    russian = admin_client.get("/ru/admin/reference/theme/").content.decode()
    assert "Изменение климата" in russian or "изменени" in russian.lower()


def test_admin_edit_records_history_and_reports_bad_dates(
    admin_client: Client, hq_user: User, activity_data: Callable[..., dict[str, Any]]
) -> None:
    activity = do_create_activity(hq_user, activity_data())
    url = f"/fr/admin/activities/activity/{activity.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        key: ("" if value is None else value)
        for key, value in form.initial.items()
        if key not in ("meas", "created_at", "updated_at")
    }
    data.update(
        {
            "iati_identifier": activity.iati_identifier,
            "title": '{"en": "A new title"}',
            "description": "{}",
            "other_descriptions": "{}",
            "planned_start": "not a date",
            "visibility": "public",
            "source": "local",
        }
    )
    for prefix in (
        "participating_orgs",
        "countries",
        "sectors",
        "themes",
        "budgets",
        "transactions",
        "documents",
    ):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert errors["planned_start"] == ["Saisissez une date valide."]
    assert ActivityChange.objects.filter(activity=activity).count() == 1  # only the creation

    data["planned_start"] = "2024-02-01"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    activity = Activity.objects.get(pk=activity.pk)
    assert activity.title == {"en": "A new title"}
    change = ActivityChange.objects.filter(activity=activity).order_by("-id").first()
    assert change is not None and change.action == "update"
    assert change.changes["title"][1] == {"en": "A new title"}
