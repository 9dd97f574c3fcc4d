from django.contrib import admin

from bali.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "ref", "type", "country", "is_publisher"]
    list_filter = ["is_publisher", "type"]
    search_fields = ["ref", "name_key", "acronym"]
    readonly_fields = ["name_key", "created_at"]
