"""Admin of the catalogue: the shared library for platform staff, price books for sellers.

Platform staff (superusers, the "Platform staff" group) change manufacturers and shared
components. A seller's catalogue managers (staff in the "Catalogue managers" group) read the
library, and change only their organisation's price book entries and private components.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from catalog.access import can_edit_library, price_book_owners, private_component_owners
from catalog.choices import ComponentKind
from catalog.forms import SPEC_PREFIX, ComponentAdminForm
from catalog.models import COMPONENT_FIELDS, Component, Manufacturer, PriceBookEntry
from rules.specs import spec_model_for
from rules.specs.describe import describe_fields

SPEC_FIELDSET = "Kind-specific figures"


if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]  # what the mixin is mixed into, to mypy only
else:
    _ModelAdmin = object


class LibraryAdminMixin(_ModelAdmin):
    """Writes of shared rows for platform staff only."""

    def _library_editor(self, request: HttpRequest) -> bool:
        return can_edit_library(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._library_editor(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._library_editor(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._library_editor(request) and super().has_delete_permission(request, obj)


@admin.register(Manufacturer)
class ManufacturerAdmin(LibraryAdminMixin, admin.ModelAdmin):
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
    """The library (platform staff write it) and each seller's private components."""

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
    list_filter = ["kind", "manufacturer", "lifecycle", "source", "owner", AssumedFilter]
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
        ("Ownership", {"fields": ["owner"]}),
        ("Provenance", {"fields": ["source", "source_ref", "comments", "created", "updated"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}  # styles from a file: the CSP allows no inline style

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        # The spec figures are added by the form itself, per kind: only the model's fields here.
        fields = kwargs.get("fields") or [*COMPONENT_FIELDS, "source", "source_ref", "owner"]
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Component]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(owner__isnull=True) | Q(owner__in=private_component_owners(request.user))
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or can_edit_library(request.user):
            return True
        return obj.owner_id is not None and any(
            owner.pk == obj.owner_id for owner in price_book_owners(request.user, write=True)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj) and super().has_delete_permission(
            request, obj
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "owner" and not can_edit_library(request.user):
            # A seller's manager adds private components for its own organisation only.
            kwargs["queryset"] = price_book_owners(request.user, write=True)
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PriceBookEntry)
class PriceBookEntryAdmin(admin.ModelAdmin):
    """A seller's price book: its catalogue managers see and change their own entries only."""

    list_display = [
        "seller",
        "component",
        "list_price",
        "cost_price",
        "currency",
        "lead_time_days",
        "availability",
    ]
    list_filter = ["seller", "availability", "currency"]
    list_select_related = ["seller", "component__manufacturer"]
    search_fields = ["component__sku", "component__model_name", "component__manufacturer__name"]
    autocomplete_fields = ["component"]
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[PriceBookEntry]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(seller__in=price_book_owners(request.user))

    def _may_write(self, request: HttpRequest, obj: Any) -> bool:
        if request.user.is_superuser:
            return True
        sellers = price_book_owners(request.user, write=True)
        return any(s.pk == obj.seller_id for s in sellers) if obj is not None else bool(sellers)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and self._may_write(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "seller" and not request.user.is_superuser:
            kwargs["queryset"] = price_book_owners(request.user, write=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
