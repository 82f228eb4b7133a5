"""An organisation's edge site: environment, room and utility supply."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pydantic
from django.core.exceptions import ValidationError
from django.db import models

from configurator.builds.validation import plain_message, site_validators
from configurator.tenancy.models import Organisation
from rules import specs as engine_specs


class Site(models.Model):
    """An edge site of an organisation: environment, room and utility supply.

    Field names, units and defaults mirror `rules.specs.Site`, which validates them.
    """

    class Environment(models.TextChoices):
        INDOOR = "indoor", "Indoor"
        OUTDOOR = "outdoor", "Outdoor"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    environment = models.CharField(
        max_length=16,
        choices=Environment.choices,
        default=Environment.INDOOR,
        help_text="Where the build stands: indoor room or outdoors (enclosure exposed).",
    )
    ambient_min_c = models.FloatField(
        validators=site_validators("ambient_min_c"),
        default=18,
        help_text="Lowest ambient temperature, °C.",
    )
    ambient_max_c = models.FloatField(
        validators=site_validators("ambient_max_c"),
        default=27,
        help_text="Highest ambient temperature, °C.",
    )
    # Dry coolers and chillers stand outdoors: an indoor room's air does not say what they see.
    outdoor_min_c = models.FloatField(
        validators=site_validators("outdoor_min_c"),
        null=True,
        blank=True,
        help_text="Outdoor design minimum dry-bulb for plant outside the room, °C; empty = the "
        "ambient range for an outdoor site, unknown for an indoor one.",
    )
    outdoor_max_c = models.FloatField(
        validators=site_validators("outdoor_max_c"),
        null=True,
        blank=True,
        help_text="Outdoor design maximum dry-bulb (e.g. ASHRAE 0.4 % or the 20-year extreme) "
        "for dry coolers and chillers, °C; empty = as the minimum.",
    )
    altitude_m = models.FloatField(
        validators=site_validators("altitude_m"),
        default=0,
        help_text="Altitude above sea level, m (-500 to 6000).",
    )
    dusty = models.BooleanField(default=False, help_text="Dusty environment (IP rating needed).")
    humid = models.BooleanField(default=False, help_text="Humid or condensing environment.")
    occupied = models.BooleanField(default=True, help_text="People work in the protected space.")
    room_volume_m3 = models.FloatField(
        validators=site_validators("room_volume_m3"),
        null=True,
        blank=True,
        help_text="Net protected room volume, m³; empty = unknown.",
    )
    room_cooling_w = models.FloatField(
        validators=site_validators("room_cooling_w"),
        null=True,
        blank=True,
        help_text="Sensible capacity of the room's own air conditioning that carries the "
        "build's heat, W; empty = none stated.",
    )
    relative_humidity_max_pct = models.FloatField(
        validators=site_validators("relative_humidity_max_pct"),
        null=True,
        blank=True,
        help_text="Highest relative humidity of the room air at the highest ambient, %; "
        "or give the dew point.",
    )
    dew_point_max_c = models.FloatField(
        validators=site_validators("dew_point_max_c"),
        null=True,
        blank=True,
        help_text="Highest dew point of the room air, °C; empty = unknown.",
    )
    floor_rating_kg_m2 = models.FloatField(
        validators=site_validators("floor_rating_kg_m2"),
        null=True,
        blank=True,
        help_text="Floor load rating, kg/m²; empty = unknown.",
    )
    supply_voltage_v = models.FloatField(
        validators=site_validators("supply_voltage_v"),
        default=230,
        help_text="Line-to-neutral voltage of the utility supply, V.",
    )
    supply_phases = models.PositiveSmallIntegerField(
        choices=[(1, "Single phase"), (3, "Three phase")],
        default=1,
        help_text="Phases of the utility supply (1 or 3).",
    )
    supply_breaker_a = models.FloatField(
        validators=site_validators("supply_breaker_a"),
        default=32,
        help_text="Rating of the supply breaker per phase, A.",
    )
    country = models.CharField(
        max_length=2, default="DE", help_text="ISO 3166-1 alpha-2 country code."
    )
    grid_carbon_g_per_kwh = models.FloatField(
        validators=site_validators("grid_carbon_g_per_kwh"),
        default=381,
        help_text="Carbon intensity of the grid, gCO₂e/kWh.",
    )
    electricity_price_per_kwh = models.DecimalField(
        validators=site_validators("electricity_price_per_kwh"),
        max_digits=8,
        decimal_places=4,
        default=Decimal("0.30"),
        help_text="Electricity price per kWh, in the site currency.",
    )
    currency = models.CharField(max_length=3, default="EUR", help_text="ISO 4217 currency code.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="site_unique_organisation_name",
                violation_error_message="This organisation already has a site with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # The fields `rules.specs.Site` takes, besides the name.
    ENGINE_FIELDS = (
        "environment",
        "ambient_min_c",
        "ambient_max_c",
        "outdoor_min_c",
        "outdoor_max_c",
        "altitude_m",
        "dusty",
        "humid",
        "occupied",
        "room_volume_m3",
        "room_cooling_w",
        "relative_humidity_max_pct",
        "dew_point_max_c",
        "floor_rating_kg_m2",
        "supply_voltage_v",
        "supply_phases",
        "supply_breaker_a",
        "country",
        "grid_carbon_g_per_kwh",
        "electricity_price_per_kwh",
        "currency",
    )

    # The figures among them, each bounded by the range rules.specs.Site states.
    BOUNDED_FIELDS = (
        "ambient_min_c",
        "ambient_max_c",
        "altitude_m",
        "room_volume_m3",
        "room_cooling_w",
        "relative_humidity_max_pct",
        "dew_point_max_c",
        "floor_rating_kg_m2",
        "supply_voltage_v",
        "supply_breaker_a",
        "grid_carbon_g_per_kwh",
        "electricity_price_per_kwh",
    )

    def engine_values(self) -> dict[str, Any]:
        """The keyword arguments of `rules.specs.Site` for this row (floats, no Decimals)."""
        values: dict[str, Any] = {"name": self.name or "Site"}
        for field in self.ENGINE_FIELDS:
            value = getattr(self, field)
            values[field] = float(value) if isinstance(value, Decimal) else value
        return values

    def clean(self) -> None:
        """Validate the engineering fields through the engine's own Site model."""
        super().clean()
        values = self.engine_values()
        try:
            engine_specs.Site(**values)
        except pydantic.ValidationError as exc:
            errors: dict[str, list[str]] = {}
            for error in exc.errors(include_url=False, include_input=False):
                key = ".".join(str(part) for part in error["loc"])
                if key:
                    errors.setdefault(key, []).append(plain_message(error))
                    continue
                # A rule between two fields: on the field to correct, in the engine's words.
                site = engine_specs.Site.model_construct(**values)
                for field, message in engine_specs.site_problems(site) or [("__all__", "")]:
                    errors.setdefault(field, []).append(message or plain_message(error))
            raise ValidationError(errors) from exc
