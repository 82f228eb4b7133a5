"""Sites, builds and build lines, and the partial engineering policy a build overrides."""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

import pydantic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from catalog.bounds import field_bounds
from configurator.tenancy.models import Organisation
from rules import specs as engine_specs


def plain_message(error: Any) -> str:
    """A pydantic error about one value in plain words ("Enter a number from -70 to 70.")."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
    words = {
        "greater_than_equal": f"Enter {limit:g} or more." if limit is not None else "",
        "greater_than": f"Enter more than {limit:g}." if limit is not None else "",
        "less_than_equal": f"Enter {limit:g} or less." if limit is not None else "",
        "less_than": f"Enter less than {limit:g}." if limit is not None else "",
        "float_parsing": "Enter a number.",
        "float_type": "Enter a number.",
        "int_parsing": "Enter a whole number.",
        "int_type": "Enter a whole number.",
        "missing": "This field is required.",
        "literal_error": f"Choose one of {ctx.get('expected', 'the listed values')}.",
    }
    if kind == "string_pattern_mismatch":
        return "Use capital letters only, in the standard code (for example DE, EUR)."
    return words.get(kind) or str(error.get("msg", "")).removeprefix("Value error, ")


def site_bounds(field: str) -> Any:
    """The range of a site figure, as `rules.specs.Site` states it (catalog.bounds)."""
    return field_bounds(engine_specs.Site, field)


def _site_validators(field: str) -> list[Any]:
    return list(site_bounds(field).validators())


# pydantic error types of a number outside its range, or not a finite number at all.
RANGE_ERRORS = frozenset(
    {
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "finite_number",
        "float_parsing",
        "int_parsing",
        "float_type",
        "int_type",
        "int_from_float",
    }
)


def _pydantic_messages(exc: pydantic.ValidationError, field: str) -> dict[str, list[str]]:
    """Django-style errors keyed `<field>.<location>` from a pydantic error.

    A number out of range (or not finite) says the range the Policy field states, e.g.
    ``policy_override.required_runtime_min: Must be from 0 to 1440.``
    """
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in error["loc"])
        key = f"{field}.{location}" if location else field
        name = str(error["loc"][0]) if error["loc"] else ""
        if error["type"] == "extra_forbidden":
            errors.setdefault(key, []).append(f"Unknown policy key {location!r}.")
        elif error["type"] in RANGE_ERRORS and name in engine_specs.Policy.model_fields:
            bounds = field_bounds(engine_specs.Policy, name)
            errors.setdefault(key, []).append(
                bounds.message() if len(error["loc"]) == 1 else error["msg"]
            )
        else:
            errors.setdefault(key, []).append(error["msg"])
    return errors


def _refuse_subnormal(value: dict[str, Any], field: str) -> None:
    """Refuse numbers too small to be a physical figure (subnormal floats such as 1e-320).

    They pass a `> 0` bound, then overflow the engine's divisions to infinity.
    """
    errors = {
        f"{field}.{key}": [
            f"Must be {field_bounds(engine_specs.Policy, key).describe()}, "
            "and not vanishingly small."
        ]
        for key, number in value.items()
        if isinstance(number, float)
        and number != 0
        and abs(number) < sys.float_info.min
        and key in engine_specs.Policy.model_fields
    }
    if errors:
        raise ValidationError(errors)


def validate_partial_policy(value: Any, *, field: str = "policy_override") -> dict[str, Any]:
    """Check a partial Policy (unknown keys refused by name) and return it as stored JSON."""
    if not isinstance(value, dict):
        raise ValidationError({field: ["A policy must be an object of policy keys."]})
    _refuse_subnormal(value, field)
    try:
        policy = engine_specs.Policy(**value)
    except pydantic.ValidationError as exc:
        raise ValidationError(_pydantic_messages(exc, field)) from exc
    # Store only the keys given, normalised (enums as values), so later engine defaults apply.
    return policy.model_dump(mode="json", include=set(value))


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
        validators=_site_validators("ambient_min_c"),
        default=18,
        help_text="Lowest ambient temperature, °C.",
    )
    ambient_max_c = models.FloatField(
        validators=_site_validators("ambient_max_c"),
        default=27,
        help_text="Highest ambient temperature, °C.",
    )
    # Dry coolers and chillers stand outdoors: an indoor room's air does not say what they see.
    outdoor_min_c = models.FloatField(
        validators=_site_validators("outdoor_min_c"),
        null=True,
        blank=True,
        help_text="Outdoor design minimum dry-bulb for plant outside the room, °C; empty = the "
        "ambient range for an outdoor site, unknown for an indoor one.",
    )
    outdoor_max_c = models.FloatField(
        validators=_site_validators("outdoor_max_c"),
        null=True,
        blank=True,
        help_text="Outdoor design maximum dry-bulb (e.g. ASHRAE 0.4 % or the 20-year extreme) "
        "for dry coolers and chillers, °C; empty = as the minimum.",
    )
    altitude_m = models.FloatField(
        validators=_site_validators("altitude_m"),
        default=0,
        help_text="Altitude above sea level, m (-500 to 6000).",
    )
    dusty = models.BooleanField(default=False, help_text="Dusty environment (IP rating needed).")
    humid = models.BooleanField(default=False, help_text="Humid or condensing environment.")
    occupied = models.BooleanField(default=True, help_text="People work in the protected space.")
    room_volume_m3 = models.FloatField(
        validators=_site_validators("room_volume_m3"),
        null=True,
        blank=True,
        help_text="Net protected room volume, m³; empty = unknown.",
    )
    room_cooling_w = models.FloatField(
        validators=_site_validators("room_cooling_w"),
        null=True,
        blank=True,
        help_text="Sensible capacity of the room's own air conditioning that carries the "
        "build's heat, W; empty = none stated.",
    )
    relative_humidity_max_pct = models.FloatField(
        validators=_site_validators("relative_humidity_max_pct"),
        null=True,
        blank=True,
        help_text="Highest relative humidity of the room air at the highest ambient, %; "
        "or give the dew point.",
    )
    dew_point_max_c = models.FloatField(
        validators=_site_validators("dew_point_max_c"),
        null=True,
        blank=True,
        help_text="Highest dew point of the room air, °C; empty = unknown.",
    )
    floor_rating_kg_m2 = models.FloatField(
        validators=_site_validators("floor_rating_kg_m2"),
        null=True,
        blank=True,
        help_text="Floor load rating, kg/m²; empty = unknown.",
    )
    supply_voltage_v = models.FloatField(
        validators=_site_validators("supply_voltage_v"),
        default=230,
        help_text="Line-to-neutral voltage of the utility supply, V.",
    )
    supply_phases = models.PositiveSmallIntegerField(
        choices=[(1, "Single phase"), (3, "Three phase")],
        default=1,
        help_text="Phases of the utility supply (1 or 3).",
    )
    supply_breaker_a = models.FloatField(
        validators=_site_validators("supply_breaker_a"),
        default=32,
        help_text="Rating of the supply breaker per phase, A.",
    )
    country = models.CharField(
        max_length=2, default="DE", help_text="ISO 3166-1 alpha-2 country code."
    )
    grid_carbon_g_per_kwh = models.FloatField(
        validators=_site_validators("grid_carbon_g_per_kwh"),
        default=381,
        help_text="Carbon intensity of the grid, gCO₂e/kWh.",
    )
    electricity_price_per_kwh = models.DecimalField(
        validators=_site_validators("electricity_price_per_kwh"),
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


class Build(models.Model):
    """One configuration of racks and components for one site."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        ARCHIVED = "archived", "Archived"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="builds")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    policy_override = models.JSONField(
        default=dict,
        blank=True,
        help_text="Policy keys that differ from the organisation's policy (partial Policy).",
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped by every write; clients send it back to detect stale edits."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="builds_created",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="builds_approved",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(revision__gte=1), name="build_revision_gte_1"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_read_only(self) -> bool:
        """Approved and archived builds take no line changes."""
        return self.status != self.Status.DRAFT

    def clean(self) -> None:
        """Validate and normalise the partial policy override."""
        super().clean()
        self.policy_override = validate_partial_policy(self.policy_override)


class BuildLine(models.Model):
    """`quantity` units of one component in a build: where they sit and what feeds them."""

    class Face(models.TextChoices):
        FRONT = "front", "Front"
        REAR = "rear", "Rear"

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="lines")
    component = models.ForeignKey(
        "catalog.Component", on_delete=models.PROTECT, related_name="build_lines"
    )
    quantity = models.PositiveIntegerField(default=1)
    # RESTRICT between lines: deleting a whole build removes them together, while deleting
    # one referenced line (admin, shell) is refused; the services detach references first.
    rack = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="rack_lines",
        help_text="The rack line this line is mounted in.",
    )
    position_u = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Lowest rack unit taken (1-based, multiple of 0.5); empty = unplaced / zero-U.",
    )
    face = models.CharField(max_length=8, choices=Face.choices, default=Face.FRONT)
    feed_a = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="fed_a_lines",
        help_text="PDU, ATS or UPS line the A cords plug into; empty = site supply.",
    )
    feed_b = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="fed_b_lines",
        help_text="PDU, ATS or UPS line the B cords plug into.",
    )
    ups = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="battery_lines",
        help_text="For a battery pack: the UPS line whose string it extends.",
    )
    coolant_from = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="coolant_lines",
        help_text="For a cold-plate node, a CDU or a rear door: the CDU or facility water line "
        "whose loop it is on.",
    )
    phase = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(1, "L1"), (2, "L2"), (3, "L3")],
        help_text="Phase of a three-phase source the cords use; empty = spread evenly.",
    )
    note = models.CharField(max_length=500, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # Not a column: the line services and place_one set it to the blanking panels a write took
    # over, in words.
    made_way: list[str]

    # What a person sets on a line, in reading order: the admin inline and the API show these.
    EDITABLE_FIELDS = (
        "component",
        "quantity",
        "rack",
        "position_u",
        "face",
        "feed_a",
        "feed_b",
        "ups",
        "coolant_from",
        "phase",
        "note",
        "sort_order",
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="buildline_quantity_gte_1"),
            models.CheckConstraint(
                condition=Q(position_u__isnull=True) | Q(position_u__gte=1),
                name="buildline_position_u_gte_1",
            ),
            models.CheckConstraint(
                condition=Q(position_u__isnull=True) | Q(rack__isnull=False),
                name="buildline_position_needs_rack",
                violation_error_message="A position needs a rack.",
            ),
            models.CheckConstraint(
                condition=Q(phase__isnull=True) | Q(phase__gte=1, phase__lte=3),
                name="buildline_phase_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(feed_a__isnull=True) | ~Q(feed_a=F("feed_b")),
                name="buildline_feeds_differ",
                violation_error_message="Feed A and feed B must be different sources.",
            ),
        ]
        indexes = [
            models.Index(fields=["build", "sort_order"], name="buildline_build_order_idx"),
            # Which builds use a component, read from the index alone: catalogue-change impact
            # (configurator.fleet) lists them without scanning the lines of every build.
            models.Index(fields=["component", "build"], name="buildline_component_build_idx"),
        ]

    def __str__(self) -> str:
        return f"line {self.pk}: {self.quantity} x {self.component_id}"

    @property
    def ref(self) -> str:
        """The id of this line in the engine's BuildSpec."""
        return f"L{self.pk}"

    def clean(self) -> None:
        """Single-row placement checks; checks against other lines live in the services."""
        super().clean()
        errors: dict[str, str] = {}
        if self.position_u is not None:
            if self.position_u * 2 != int(self.position_u * 2):
                errors["position_u"] = "A position must be a multiple of 0.5 U."
            if self.rack_id is None:
                errors["position_u"] = "A position needs a rack."
        if self.feed_a_id is not None and self.feed_a_id == self.feed_b_id:
            errors["feed_b"] = "Feed A and feed B must be different sources."
        if errors:
            raise ValidationError(errors)


# Named at module level for drf-spectacular's ENUM_NAME_OVERRIDES (an import path).
BuildStatus = Build.Status


class BuildReport(models.Model):
    """The engine's last report on a build, stored under the fingerprint of its inputs.

    One row per build: the report cache that the API, the editor, lists and fleet jobs share
    (configurator.builds.services.reports), and the build's latest result in a fleet (verdict,
    worst finding, key figures, when). The row is current while its `fingerprint` equals the
    fingerprint of the build's inputs now (configurator.builds.fingerprints); a row with an
    empty fingerprint holds no report yet (a fleet job locks it while it validates).
    """

    class Verdict(models.TextChoices):
        PASS = "pass", "Pass"
        WARNING = "warning", "Warnings"
        FAIL = "fail", "Fail"

    build = models.OneToOneField(
        Build, on_delete=models.CASCADE, primary_key=True, related_name="stored_report"
    )
    fingerprint = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of every input of the report; empty: none."
    )
    verdict = models.CharField(max_length=8, choices=Verdict.choices, blank=True)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    worst = models.JSONField(
        null=True, blank=True, help_text="The worst finding (rules.Finding as JSON), or none."
    )
    figures = models.JSONField(
        default=dict, blank=True, help_text="Key figures of the report, copied from its metrics."
    )
    # The figures a fleet sums, as columns so the database adds them up.
    it_load_w = models.FloatField(null=True, blank=True)
    annual_kwh = models.FloatField(null=True, blank=True)
    co2_kg_per_year = models.FloatField(null=True, blank=True)
    energy_cost_per_year = models.FloatField(null=True, blank=True)
    bill_total = models.FloatField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    report = models.JSONField(null=True, blank=True, help_text="rules.Report as JSON.")
    evaluation_ms = models.FloatField(null=True, blank=True, help_text="Engine time, ms.")
    validated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["build_id"]
        indexes = [models.Index(fields=["verdict"], name="buildreport_verdict_idx")]

    def __str__(self) -> str:
        return f"report of build {self.build_id}: {self.verdict or 'none'}"
