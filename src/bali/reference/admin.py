from typing import Any

from django.contrib import admin

from bali.reference import lookups, models


class ReferenceAdmin(admin.ModelAdmin):
    """Saving reference data clears the per-process caches built from it."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        lookups.clear_caches()


@admin.register(models.Country)
class CountryAdmin(ReferenceAdmin):
    list_display = ["code", "iso3", "name", "unep_region", "development_status", "ldc", "sids"]
    list_filter = ["unep_region", "development_status", "ldc", "lldc", "sids"]
    search_fields = ["code", "iso3", "names"]


@admin.register(models.Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ["code", "name", "office_city"]


@admin.register(models.Division)
class DivisionAdmin(ReferenceAdmin):
    list_display = ["code", "name", "active", "order"]
    list_editable = ["active", "order"]


@admin.register(models.Theme)
class ThemeAdmin(ReferenceAdmin):
    list_display = ["code", "kind", "name"]
    list_filter = ["kind"]


@admin.register(models.SectorTheme)
class SectorThemeAdmin(ReferenceAdmin):
    list_display = ["sector_code", "theme", "reason"]
    list_filter = ["theme"]
    search_fields = ["sector_code"]


@admin.register(models.PolicyMarkerTheme)
class PolicyMarkerThemeAdmin(ReferenceAdmin):
    list_display = ["policy_marker", "theme", "reason"]


@admin.register(models.MEA)
class MEAAdmin(ReferenceAdmin):
    list_display = ["code", "name", "secretariat", "year"]


@admin.register(models.CodelistItem)
class CodelistItemAdmin(ReferenceAdmin):
    list_display = ["codelist", "code", "name", "category", "withdrawn"]
    list_filter = ["codelist", "withdrawn"]
    search_fields = ["code"]
