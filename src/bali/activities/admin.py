"""Administrators' view of activities. Saving through the admin records the change history and
refreshes derived fields, like every other write path."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from bali.activities import models, snapshot
from bali.activities.actions import record_change
from bali.activities.signals import activities_changed
from bali.activities.writes import refresh_derived


class CountryInline(admin.TabularInline):
    model = models.RecipientCountry
    extra = 0
    autocomplete_fields = ["country"]


class SectorInline(admin.TabularInline):
    model = models.ActivitySector
    extra = 0


class ThemeInline(admin.TabularInline):
    model = models.ActivityTheme
    extra = 0


class ParticipatingOrgInline(admin.TabularInline):
    model = models.ParticipatingOrg
    extra = 0
    raw_id_fields = ["organisation"]


class BudgetInline(admin.TabularInline):
    model = models.Budget
    extra = 0


class TransactionInline(admin.TabularInline):
    model = models.Transaction
    extra = 0
    fields = ["type", "date", "value", "currency", "provider_org_ref", "receiver_org_ref"]


class DocumentInline(admin.TabularInline):
    model = models.DocumentLink
    extra = 0


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = [
        "iati_identifier",
        "display_title",
        "status",
        "source",
        "visibility",
        "updated_at",
    ]
    list_filter = ["source", "visibility", "status", "activity_type"]
    search_fields = ["iati_identifier"]
    raw_id_fields = ["reporting_org", "created_by"]
    readonly_fields = [
        "start_date",
        "end_date",
        "total_budget",
        "created_at",
        "updated_at",
        "version",
    ]
    filter_horizontal = ["meas"]
    inlines = [
        ParticipatingOrgInline,
        CountryInline,
        SectorInline,
        ThemeInline,
        BudgetInline,
        TransactionInline,
        DocumentInline,
    ]
    show_full_result_count = False

    def save_model(
        self, request: HttpRequest, obj: models.Activity, form: Any, change: bool
    ) -> None:
        if change:
            stored = snapshot.with_prefetch(models.Activity.objects.filter(pk=obj.pk)).get()
            request._activity_before = snapshot.snapshot(stored)  # type: ignore[attr-defined]
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        activity = form.instance
        refresh_derived(activity)
        after = snapshot.snapshot(
            snapshot.with_prefetch(models.Activity.objects.filter(pk=activity.pk)).get()
        )
        before = getattr(request, "_activity_before", {})
        changes = snapshot.diff(before, after)
        action = models.ChangeAction.UPDATE if change else models.ChangeAction.CREATE
        if changes or not change:
            record_change(activity, request.user, action, changes, "admin")  # type: ignore[arg-type]
        transaction.on_commit(
            lambda: activities_changed.send(__name__, ids=[activity.pk], deleted=False)
        )

    def delete_model(self, request: HttpRequest, obj: models.Activity) -> None:
        record_change(obj, request.user, models.ChangeAction.DELETE, {}, "admin")  # type: ignore[arg-type]
        pk = obj.pk
        super().delete_model(request, obj)
        transaction.on_commit(lambda: activities_changed.send(__name__, ids=[pk], deleted=True))


@admin.register(models.ActivityChange)
class ActivityChangeAdmin(admin.ModelAdmin):
    list_display = ["iati_identifier", "action", "at", "actor", "actor_label"]
    list_filter = ["action"]
    search_fields = ["iati_identifier"]
    raw_id_fields = ["activity", "actor"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history is append-only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
