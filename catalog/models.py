"""Catalogue rows: manufacturers and their components, each with a spec of its kind."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import BaseConstraint, Q
from django.utils.text import slugify

from catalog.choices import (
    DEFAULT_CURRENCY,
    UNPOWERED_KINDS,
    AirflowDirection,
    Availability,
    ComponentKind,
    Lifecycle,
    Source,
)
from catalog.validation import validate_component_data

# The organisation model that owns private components and price books (tenancy's).
OWNER_MODEL = "configurator.Organisation"


class Manufacturer(models.Model):
    """A vendor whose components the catalogue lists."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    website = models.URLField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A manufacturer created by an importer only knows its name; derive a stable slug.
        if not self.slug:
            self.slug = slugify(self.name)[:100]
        super().save(*args, **kwargs)


class Component(models.Model):
    """A part that can be placed in a build: common figures plus a spec validated per kind."""

    manufacturer = models.ForeignKey(
        Manufacturer, on_delete=models.PROTECT, related_name="components"
    )
    sku = models.CharField("SKU", max_length=100)
    model_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=ComponentKind.choices)
    description = models.TextField(blank=True)

    list_price = models.DecimalField(max_digits=12, decimal_places=2)
    cost_price = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Purchase cost; empty when unknown. Never shown to customers or integrators.",
    )
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY, help_text="ISO 4217.")
    lead_time_days = models.PositiveIntegerField(default=0)
    lifecycle = models.CharField(max_length=16, choices=Lifecycle.choices, default=Lifecycle.ACTIVE)
    datasheet_url = models.URLField(max_length=500, blank=True)

    u_height = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal(0), help_text="Rack units; 0 = zero-U."
    )
    weight_kg = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Mass of one unit in kg; empty = unknown, never 0 for unknown.",
    )
    depth_mm = models.PositiveIntegerField(null=True, blank=True)
    is_full_depth = models.BooleanField(default=False)
    # NULL, not "", is unknown: the API, the engine (None) and weight_kg all say unknown the
    # same way, and "" would be a second spelling of it.
    airflow = models.CharField(  # noqa: DJ001
        max_length=16,
        choices=AirflowDirection.choices,
        null=True,
        blank=True,
        help_text="Direction air moves through the device; empty = unknown, never passive.",
    )
    nameplate_w = models.DecimalField(
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Nameplate (maximum) draw in W; empty = unknown, never 0 for unknown.",
    )
    typical_w = models.DecimalField(
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Typical draw in W; empty = unknown (the engine falls back to nameplate).",
    )

    spec = models.JSONField(default=dict, blank=True)
    assumed = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Figures the source did not state, each as {field, value, why}; an entry goes "
            "when its figure is changed (catalog.assumed)."
        ),
    )
    # Empty: the shared, vendor-neutral library, edited by platform staff and the importers.
    # Set: a seller's private component, visible to that organisation only. The catalogue
    # names the tenancy model by string only (it never imports the configurator).
    owner = models.ForeignKey(
        OWNER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="private_components",
        help_text="Empty for the shared library; a seller organisation for its private part.",
    )
    comments = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    source_ref = models.CharField(max_length=500, blank=True)
    netbox_type = models.JSONField(
        null=True,
        blank=True,
        help_text=(
            "The NetBox devicetype-library file (device type or rack type) this component was "
            "imported from, as parsed; empty for other sources. The NetBox hand-off recreates "
            "the device type from it."
        ),
    )

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["manufacturer__name", "sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "sku"],
                name="catalog_component_unique_sku",
                violation_error_message="This manufacturer already has a component with this SKU.",
            ),
            # The database backs the validator up for writes that bypass full_clean (update()).
            models.CheckConstraint(
                condition=Q(list_price__gte=0), name="catalog_component_list_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(cost_price__isnull=True) | Q(cost_price__gte=0),
                name="catalog_component_cost_price_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(u_height__gte=0), name="catalog_component_u_height_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=0),
                name="catalog_component_weight_kg_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(nameplate_w__isnull=True)
                | Q(typical_w__isnull=True)
                | Q(typical_w__lte=models.F("nameplate_w")),
                name="catalog_component_typical_lte_nameplate",
            ),
        ]
        indexes = [
            models.Index(fields=["kind"], name="catalog_comp_kind_idx"),
            models.Index(fields=["lifecycle"], name="catalog_comp_lifecycle_idx"),
        ]

    def __str__(self) -> str:
        manufacturer = self.manufacturer.name if self.manufacturer_id else "?"
        return f"{manufacturer} {self.sku} ({self.model_name})"

    @property
    def power_unknown(self) -> bool:
        """True for a kind that draws power when neither nameplate nor typical draw is known."""
        return (
            self.kind not in UNPOWERED_KINDS and self.nameplate_w is None and self.typical_w is None
        )

    def get_constraints(self) -> list[tuple[type[models.Model], Sequence[BaseConstraint]]]:
        # The check constraints back up rules that clean() already enforces through
        # validate_component_data; full_clean would evaluate each again with a query per
        # check per row (seeding the demo catalogue took seconds). The database keeps them.
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]

    def clean(self) -> None:
        """Run the shared component validator and keep its normalised spec, airflow and the
        assumed figures that still hold."""
        super().clean()
        data = {field: getattr(self, field) for field in VALIDATED_FIELDS}
        if not self.kind:
            # clean_fields already reports the missing kind; a spec cannot be judged without it.
            del data["kind"], data["spec"]
        normalised = validate_component_data(data)
        for field in ("spec", "airflow", "assumed"):
            if field in normalised:
                setattr(self, field, normalised[field])


# The columns `validate_component_data` judges; everything else is plain field validation.
VALIDATED_FIELDS = (
    "kind",
    "spec",
    "list_price",
    "cost_price",
    "currency",
    "u_height",
    "weight_kg",
    "depth_mm",
    "is_full_depth",
    "airflow",
    "nameplate_w",
    "typical_w",
    "assumed",
)

# A component's own data, in the order people read it: the columns of a catalogue sheet, the
# fields of the admin form and of the API (each adds its own bookkeeping fields around them).
COMPONENT_FIELDS = (
    "manufacturer",
    "sku",
    "model_name",
    "kind",
    "description",
    "list_price",
    "cost_price",
    "currency",
    "lead_time_days",
    "lifecycle",
    "datasheet_url",
    "u_height",
    "weight_kg",
    "depth_mm",
    "is_full_depth",
    "airflow",
    "nameplate_w",
    "typical_w",
    "spec",
    "assumed",
    "comments",
)


class PriceBookEntry(models.Model):
    """One line of a seller's price book: what it charges, pays and promises for a component.

    The technical library is shared; prices are each seller's own. BOMs and quotes of a
    build price each component from the build's seller's entry, and fall back to the
    library's reference list price (cost unknown) where the seller has none.
    """

    seller = models.ForeignKey(OWNER_MODEL, on_delete=models.CASCADE, related_name="price_book")
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="prices")
    list_price = models.DecimalField(max_digits=12, decimal_places=2)
    cost_price = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What the seller pays; empty when unknown. Never shown to customers.",
    )
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY, help_text="ISO 4217.")
    lead_time_days = models.PositiveIntegerField(default=0)
    availability = models.CharField(
        max_length=16, choices=Availability.choices, default=Availability.AVAILABLE
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["seller_id", "component_id"]
        verbose_name = "price book entry"
        verbose_name_plural = "price book entries"
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "component"],
                name="catalog_price_unique_seller_component",
                violation_error_message="This seller already prices this component.",
            ),
            models.CheckConstraint(
                condition=Q(list_price__gte=0), name="catalog_price_list_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(cost_price__isnull=True) | Q(cost_price__gte=0),
                name="catalog_price_cost_price_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component_id} @ {self.seller_id}: {self.list_price} {self.currency}"


# The fields a price book entry overlays on a component when it prices a build.
PRICE_FIELDS = ("list_price", "cost_price", "currency", "lead_time_days")
