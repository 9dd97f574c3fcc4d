"""Read-only admin views of requests: the workflow runs through the services (pages and API),
never through the admin, so that every change checks permission and writes an event."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bali.requests.models import Request, RequestAttachment, RequestEvent


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnly, admin.TabularInline):
    model = RequestEvent
    fields = ("at", "action", "from_status", "to_status", "actor_name", "actor_role", "note")
    readonly_fields = fields
    extra = 0


class AttachmentInline(ReadOnly, admin.TabularInline):
    model = RequestAttachment
    fields = ("original_name", "kind", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0


@admin.register(Request)
class RequestAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("reference", "display_title", "country", "status", "assignee", "due_on")
    list_filter = ("status", "entry_region")
    search_fields = ("reference",)
    inlines = (EventInline, AttachmentInline)
