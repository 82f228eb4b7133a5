"""Admin for catalogue managers (staff in the "Catalogue managers" group)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from catalog.forms import ComponentAdminForm
from catalog.models import Component, Manufacturer


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website", "updated"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    form = ComponentAdminForm
    list_display = [
        "manufacturer",
        "sku",
        "model_name",
        "kind",
        "list_price",
        "currency",
        "lifecycle",
        "u_height",
        "nameplate_w",
        "power_unknown",
    ]
    list_display_links = ["sku", "model_name"]
    list_filter = ["kind", "manufacturer", "lifecycle", "source"]
    list_select_related = ["manufacturer"]
    search_fields = ["sku", "model_name", "manufacturer__name"]
    autocomplete_fields = ["manufacturer"]
    readonly_fields = ["created", "updated"]
    list_per_page = 100
    fieldsets = [
        (None, {"fields": ["manufacturer", "sku", "model_name", "kind", "description"]}),
        (
            "Commercial",
            {
                "fields": [
                    "list_price",
                    "cost_price",
                    "currency",
                    "lead_time_days",
                    "lifecycle",
                    "datasheet_url",
                ]
            },
        ),
        (
            "Physical and power",
            {
                "fields": [
                    "u_height",
                    "weight_kg",
                    "depth_mm",
                    "is_full_depth",
                    "airflow",
                    "nameplate_w",
                    "typical_w",
                ]
            },
        ),
        ("Kind-specific spec", {"fields": ["spec"]}),
        ("Provenance", {"fields": ["source", "source_ref", "comments", "created", "updated"]}),
    ]

    @admin.display(boolean=True, description="Power unknown")
    def power_unknown(self, obj: Component) -> bool:
        return obj.power_unknown
