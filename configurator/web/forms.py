"""HTML forms of the web UI: they parse and label input; the services validate and write."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal

import pydantic
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from catalog.bounds import bound_form_fields
from catalog.choices import ComponentKind, Lifecycle
from catalog.models import Manufacturer
from configurator.builds import selectors
from configurator.builds.models import Build, BuildLine, Site
from configurator.builds.services.placement import AUTO
from configurator.tenancy.models import Organisation
from rules import specs as engine_specs

__all__ = [
    "ApplyBuildForm",
    "BuildCreateForm",
    "CatalogueFilterForm",
    "LineAddForm",
    "LineForm",
    "SitePickForm",
    "add_service_errors",
    "form_errors",
    "site_form_class",
]

# Labels carry the unit, so nobody has to guess whether a field wants °C or °F.
SITE_LABELS = {
    "name": "Site name",
    "description": "Description",
    "environment": "Environment",
    "ambient_min_c": "Lowest ambient temperature (°C)",
    "ambient_max_c": "Highest ambient temperature (°C)",
    "outdoor_min_c": "Outdoor design minimum (°C), for dry coolers and chillers",
    "outdoor_max_c": "Outdoor design maximum (°C), for dry coolers and chillers",
    "altitude_m": "Altitude (m)",
    "dusty": "Dusty environment",
    "humid": "Humid or condensing environment",
    "occupied": "People work in the protected space",
    "room_volume_m3": "Protected room volume (m³)",
    "room_cooling_w": "Room air conditioning for this build, sensible (W)",
    "relative_humidity_max_pct": "Highest relative humidity (%)",
    "dew_point_max_c": "Highest dew point (°C)",
    "floor_rating_kg_m2": "Floor load rating (kg/m²)",
    "supply_voltage_v": "Supply voltage, line to neutral (V)",
    "supply_phases": "Supply phases",
    "supply_breaker_a": "Supply breaker per phase (A)",
    "country": "Country (ISO code)",
    "grid_carbon_g_per_kwh": "Grid carbon intensity (gCO₂e/kWh)",
    "electricity_price_per_kwh": "Electricity price (per kWh)",
    "currency": "Currency (ISO code)",
}
# Fieldsets of the site form, in display order: (legend, field names).
SITE_FIELDSETS = (
    ("Site", ("name", "description")),
    (
        "Environment",
        (
            "environment",
            "ambient_min_c",
            "ambient_max_c",
            "outdoor_min_c",
            "outdoor_max_c",
            "altitude_m",
            "dusty",
            "humid",
            "relative_humidity_max_pct",
            "dew_point_max_c",
            "occupied",
        ),
    ),
    ("Room", ("room_volume_m3", "room_cooling_w", "floor_rating_kg_m2")),
    ("Utility supply", ("supply_voltage_v", "supply_phases", "supply_breaker_a")),
    (
        "Region and costs",
        ("country", "grid_carbon_g_per_kwh", "electricity_price_per_kwh", "currency"),
    ),
)
SITE_FORM_FIELDS = ("name", "description", *Site.ENGINE_FIELDS)


# "(ambient_min_c)" after words that already say it: the API's reader needs the key, a form's
# reader has the label.
_KEY_IN_PARENTHESES = re.compile(r" \((?:[a-z0-9]+_)+[a-z0-9]+\)")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the named field when it has one, in
    words (field keys in parentheses dropped: the field's label says it)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, [_KEY_IN_PARENTHESES.sub("", m) for m in exc.messages])
        return
    for field, errors in exc.message_dict.items():
        # Services name nested keys ("policy_override.required_runtime_min"): the head is the field.
        name = field.split(".", 1)[0]
        target = name if name in form.fields else None
        words = [_KEY_IN_PARENTHESES.sub("", m) for m in errors]
        label = form.fields[name].label if target else field
        messages = words if target or field == "__all__" else [f"{label}: {m}" for m in words]
        form.add_error(target, messages)


class LineForm(forms.Form):
    """Fields shared by adding and changing a line; choices are checked by the services."""

    quantity = forms.IntegerField(min_value=1, max_value=10_000, required=False)
    position = forms.CharField(max_length=32, required=False)
    face = forms.ChoiceField(choices=BuildLine.Face.choices, required=False)
    feed_a = forms.CharField(max_length=32, required=False)
    feed_b = forms.CharField(max_length=32, required=False)
    ups = forms.CharField(max_length=32, required=False)
    coolant_from = forms.CharField(max_length=32, required=False)
    phase = forms.TypedChoiceField(
        choices=[("", "Spread"), ("1", "L1"), ("2", "L2"), ("3", "L3")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(max_length=500, required=False)

    def clean_position(self) -> tuple[str, int | None, str | None]:
        """("auto"|"none"|"rack", rack pk, U) from "auto", "", "L12" or "L12@5"."""
        value = self.cleaned_data.get("position") or ""
        if value == "auto":
            return ("auto", None, None)
        if value in ("", "none"):
            return ("none", None, None)
        rack_ref, _, position = value.partition("@")
        rack_pk = selectors.line_id_from_ref(rack_ref)
        if rack_pk is None:
            raise ValidationError("Choose a position from the list.")
        if position:
            try:
                if float(position) < 1:
                    raise ValueError
            except ValueError as exc:
                raise ValidationError("Choose a position from the list.") from exc
        return ("rack", rack_pk, position or None)

    def line_ref(self, field: str) -> int | None:
        """The line pk an "L<pk>" select value names; empty means none."""
        value = self.cleaned_data.get(field) or ""
        if not value:
            return None
        pk = selectors.line_id_from_ref(value)
        if pk is None:
            raise ValidationError({field: ["Choose a line from the list."]})
        return pk


class LineAddForm(LineForm):
    """A new line of the build editor: the line's fields and its component."""

    component = forms.IntegerField(min_value=1)

    def feed_ref(self, field: str) -> int | Literal["auto"] | None:
        """Like `line_ref`, and "auto" (the rack's PDU or UPS) passes through."""
        if self.cleaned_data.get(field) == AUTO:
            return AUTO
        return self.line_ref(field)


def form_errors(form: forms.Form) -> ValidationError:
    """A bound form's errors as the ValidationError a service would raise."""
    return ValidationError({field: list(errors) for field, errors in form.errors.items()})


class SiteFormBase(forms.Form):
    """Every engine field of a site, with units in the labels and the model's help text."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation",
        help_text="The organisation the site belongs to.",
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        if organisations is None:
            # Editing: a site stays in its organisation.
            del self.fields["organisation"]
        else:
            field.queryset = organisations  # type: ignore[attr-defined]
            if len(organisations) == 1:
                field.initial = organisations[0].pk
                field.widget = forms.HiddenInput()
        for name, bound in self.fields.items():
            if isinstance(bound.widget, forms.Textarea):
                bound.widget.attrs["rows"] = 2
            if name in SITE_LABELS:
                bound.label = SITE_LABELS[name]

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The visible fields grouped for display."""
        return [(legend, [self[name] for name in names]) for legend, names in SITE_FIELDSETS]

    def clean(self) -> dict[str, Any]:
        """Also judge the fields that passed with the engine, so every error shows at once."""
        cleaned = super().clean() or {}
        values = {
            name: cleaned[name]
            for name in Site.ENGINE_FIELDS
            if name in cleaned and name not in self.errors
        }
        try:
            engine_specs.Site(
                **{k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()}
            )
        except pydantic.ValidationError as exc:
            for error in exc.errors(include_url=False, include_input=False):
                name = str(error["loc"][0]) if error["loc"] else ""
                if name in values and name not in self.errors:
                    self.add_error(name, error["msg"].removeprefix("Value error, "))
        return cleaned

    def site_values(self) -> dict[str, Any]:
        """The cleaned values the site services take (no organisation)."""
        return {name: self.cleaned_data[name] for name in SITE_FORM_FIELDS}


def site_form_class() -> type[SiteFormBase]:
    """The site form: fields, defaults and help text generated from the Site model."""
    fields = forms.fields_for_model(Site, fields=SITE_FORM_FIELDS)
    # Django offers a blank choice for choice fields with a default; a site always has one.
    phases = fields["supply_phases"]
    phases.choices = [(1, "Single phase"), (3, "Three phase")]
    phases.coerce = int
    # The ranges of rules.specs.Site: the same validators and messages as the model and API.
    bound_form_fields(fields, engine_specs.Site, Site.BOUNDED_FIELDS)
    return type("SiteForm", (SiteFormBase,), dict(fields))


SiteForm = site_form_class()


class SitePickForm(forms.Form):
    """Self-service step 1: an existing site of the customer's organisation."""

    site = forms.ModelChoiceField(queryset=Site.objects.none(), label="Existing site")

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        _preselect_only(self, "site", sites)


def _preselect_only(form: forms.Form, field: str, choices: QuerySet[Any]) -> None:
    """Choose the only choice for the person, when there is exactly one and none is chosen."""
    if form.initial.get(field):
        return
    first_two = list(choices[:2])
    if len(first_two) == 1:
        form.initial[field] = first_two[0].pk


class BuildCreateForm(forms.Form):
    """A new, empty draft build on one of the visible sites."""

    site = forms.ModelChoiceField(queryset=Site.objects.none(), label="Site")
    name = forms.CharField(max_length=200, label="Build name")

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["site"].label_from_instance = (  # type: ignore[attr-defined]
            lambda site: f"{site.name} ({site.organisation.name})"
        )
        _preselect_only(self, "site", sites)


class ApplyBuildForm(forms.Form):
    """Copy an existing build of a visible organisation onto this site."""

    build = forms.ModelChoiceField(
        queryset=Build.objects.none(),
        label="Build to apply",
        help_text="A copy of the build, with its lines and placements, is created on this site.",
    )

    def __init__(self, *args: Any, builds: QuerySet[Build], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["build"].queryset = builds  # type: ignore[attr-defined]
        self.fields["build"].label_from_instance = (  # type: ignore[attr-defined]
            lambda build: f"{build.name} — {build.site.name}"
        )


class CatalogueFilterForm(forms.Form):
    """Catalogue filters; names match `catalog.api.filters.ComponentFilterSet` parameters."""

    q = forms.CharField(required=False, label="Search", max_length=100)
    kind = forms.ChoiceField(
        required=False, label="Kind", choices=[("", "All kinds"), *ComponentKind.choices]
    )
    manufacturer = forms.ChoiceField(required=False, label="Manufacturer")
    lifecycle = forms.ChoiceField(
        required=False, label="Lifecycle", choices=[("", "Any lifecycle"), *Lifecycle.choices]
    )
    power_min = forms.DecimalField(required=False, min_value=0, label="Nameplate from (W)")
    power_max = forms.DecimalField(required=False, min_value=0, label="Nameplate to (W)")
    u_height_min = forms.DecimalField(required=False, min_value=0, label="Height from (U)")
    u_height_max = forms.DecimalField(required=False, min_value=0, label="Height to (U)")

    def __init__(self, *args: Any, manufacturers: QuerySet[Manufacturer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manufacturer"].choices = [  # type: ignore[attr-defined]
            ("", "All manufacturers"),
            *((m.slug, m.name) for m in manufacturers),
        ]

    def clean(self) -> dict[str, Any]:
        """Refuse ranges whose lower bound exceeds the upper one."""
        super().clean()
        data = self.cleaned_data
        for low, high in (("power_min", "power_max"), ("u_height_min", "u_height_max")):
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, "Must not be below the lower bound.")
        return data
