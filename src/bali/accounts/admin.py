from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from bali.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "role",
        "country",
        "region",
        "division",
        "organisation",
        "is_active",
    ]
    list_filter = ["role", "is_active", "region", "division"]
    search_fields = ["email", "full_name"]
    raw_id_fields = ["organisation"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name", "language")}),
        (
            _("Role and scope"),
            {"fields": ("role", "country", "region", "division", "organisation")},
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "password1",
                    "password2",
                    "role",
                    "country",
                    "region",
                    "division",
                    "organisation",
                ),
            },
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["key_hint", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["key_hint", "key_hash", "created_at", "last_used_at"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: Any, queryset: Any) -> None:
        for token in queryset:
            token.revoke()

    def has_add_permission(self, request: Any) -> bool:
        return False  # tokens are issued with `bali create-user --token` or the API
