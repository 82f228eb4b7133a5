"""Admin for catalogue managers (staff in the "Catalogue managers" group)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from catalog.choices import ComponentKind
from catalog.forms import SPEC_PREFIX, ComponentAdminForm
from catalog.models import COMPONENT_FIELDS, Component, Manufacturer
from rules.specs import spec_model_for
from rules.specs.describe import describe_fields

SPEC_FIELDSET = "Kind-specific figures"


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website", "updated"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class AssumedFilter(admin.SimpleListFilter):
    """Components with or without figures the source did not state."""

    title = "assumed figures"
    parameter_name = "assumed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Some figures assumed"), ("no", "No figure assumed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Component]) -> QuerySet[Component]:
        if self.value() == "yes":
            return queryset.exclude(assumed=[])
        if self.value() == "no":
            return queryset.filter(assumed=[])
        return queryset


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
        "assumed_count",
    ]
    list_display_links = ["sku", "model_name"]
    list_filter = ["kind", "manufacturer", "lifecycle", "source", AssumedFilter]
    list_select_related = ["manufacturer"]
    search_fields = ["sku", "model_name", "manufacturer__name"]
    autocomplete_fields = ["manufacturer"]
    readonly_fields = ["created", "updated", "assumed_figures"]
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
        (SPEC_FIELDSET, {"fields": ["spec"]}),
        (
            "Assumed figures",
            {
                "fields": ["assumed_figures", "assumed"],
                "description": (
                    "Figures the source did not state and that had to be assumed. Check them "
                    "against the datasheet: correcting a figure removes it from this list."
                ),
            },
        ),
        ("Provenance", {"fields": ["source", "source_ref", "comments", "created", "updated"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}  # styles from a file: the CSP allows no inline style

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        # The spec figures are added by the form itself, per kind: only the model's fields here.
        fields = kwargs.get("fields") or [*COMPONENT_FIELDS, "source", "source_ref"]
        kwargs["fields"] = [name for name in fields if not name.startswith(SPEC_PREFIX)]
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """The fieldsets, with a field per spec figure of the component's kind."""
        kind = request.POST.get("kind") or (obj.kind if obj else "") or request.GET.get("kind")
        if kind not in ComponentKind.values:
            return self.fieldsets
        names = [SPEC_PREFIX + spec.name for spec in describe_fields(spec_model_for(kind))]
        return [
            (name, {"fields": ["spec", *names]} if name == SPEC_FIELDSET else options)
            for name, options in self.fieldsets
        ]

    @admin.display(boolean=True, description="Power unknown")
    def power_unknown(self, obj: Component) -> bool:
        return obj.power_unknown

    @admin.display(description="Assumed")
    def assumed_count(self, obj: Component) -> int:
        return len(obj.assumed or ())

    @admin.display(description="Assumed figures")
    def assumed_figures(self, obj: Component) -> str:
        entries = obj.assumed or ()
        if not entries:
            return "None: every figure comes from the source or was entered by hand."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{}</code> = {}: {}</li>",
                ((e.get("field"), e.get("value"), e.get("why")) for e in entries),
            ),
        )
