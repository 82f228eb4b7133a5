"""The shared component validator: spec per kind, money, physical figures, power."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from catalog.choices import ComponentKind
from catalog.validation import validate_component_data, validate_spec
from tests.factories import COMPONENT_SPECS


def errors_of(data: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        validate_component_data(data)
    return info.value.message_dict


@pytest.mark.parametrize("kind", ComponentKind.values)
def test_validate_spec_accepts_a_good_spec_of_every_kind(kind: str) -> None:
    """Every kind has a valid spec; the normalised spec carries its discriminator."""
    spec = validate_spec(kind, COMPONENT_SPECS[kind])
    expected = (
        "it"
        if kind in {"server", "gpu_server", "switch", "router", "storage", "monitoring"}
        else kind
    )
    assert spec["kind"] == expected


# (kind, spec, error key, fragment of the message)
MALFORMED = [
    ("ups", {"kva": 0}, "spec.kva", "greater than or equal to 0.1"),
    ("ups", {}, "spec.kva", "Field required"),
    ("ups", {"kva": 3, "kw": 4}, "spec", "kw cannot exceed kva"),
    (
        "ups",
        {"kva": 3, "runtime_table": [{"load_w": 100, "minutes": -1}]},
        "spec.runtime_table.0.minutes",
        "greater than 0",
    ),
    ("battery", {"wh": 1000}, "spec.nominal_v", "Field required"),
    ("pdu", {"voltage_v": 230, "input_current_a": 16}, "spec", "at least one outlet"),
    (
        "pdu",
        {"voltage_v": 230, "input_current_a": 16, "outlets_c13": 4, "phases": 2},
        "spec.phases",
        "Input should be 1 or 3",
    ),
    ("ats", {"rated_a": "lots"}, "spec.rated_a", "valid number"),
    (
        "cooling",
        {**COMPONENT_SPECS["cooling"], "sensible_capacity_w": 5000},
        "spec",
        "sensible_capacity_w cannot exceed total_capacity_w",
    ),
    (
        "fire_suppression",
        {"agent": "aerosol", "agent_mass_kg": 1, "max_volume_m3": 2},
        "spec",
        "design_density_g_m3 is required",
    ),
    (
        "fire_suppression",
        {"agent": "water", "agent_mass_kg": 1, "max_volume_m3": 2},
        "spec.agent",
        "Input should be",
    ),
    (
        "rack",
        {"u": 42, "static_load_kg": 500, "dynamic_load_kg": 800},
        "spec",
        "dynamic_load_kg cannot exceed static_load_kg",
    ),
    ("rack", {"u": 70, "static_load_kg": 500}, "spec.u", "less than or equal to 60"),
    ("rack", {"u": 42, "static_load_kg": 500, "ip_rating": "IP9"}, "spec.ip_rating", "pattern"),
    ("server", {"redundant_psus": True, "psu_count": 1}, "spec", "psu_count of at least 2"),
    ("server", {"psu_count": 2, "colour": "red"}, "spec.colour", "Extra inputs"),
    ("gpu_server", {"gpu_count": -1}, "spec.gpu_count", "greater than or equal to 0"),
    ("switch", {"kind": "ups"}, "spec.kind", "Input should be 'it'"),
    ("accessory", {"accessory_type": "door"}, "spec.accessory_type", "Input should be"),
    ("bundle", {"members": [], "it_capacity_w": 1000}, "spec.members", "at least 1 item"),
    (
        "bundle",
        {"members": [{"manufacturer": "A", "sku": "B", "quantity": 0}], "it_capacity_w": 1000},
        "spec.members.0.quantity",
        "greater than or equal to 1",
    ),
    # Liquid cooling (reference 8): the field and its range are named.
    (
        "gpu_server",
        {**COMPONENT_SPECS["gpu_server"], "liquid_fraction": 1.2, "coolant_flow_lpm": 12},
        "spec.liquid_fraction",
        "less than or equal to 1",
    ),
    (
        "gpu_server",
        {**COMPONENT_SPECS["gpu_server"], "liquid_fraction": 0.8},
        "spec",
        "a liquid-cooled node needs coolant_flow_lpm and max_coolant_inlet_c",
    ),
    ("cdu", {**COMPONENT_SPECS["cdu"], "approach_k": -1}, "spec.approach_k", "0.5"),
    (
        "cdu",
        {**COMPONENT_SPECS["cdu"], "secondary_flow_min_lpm": 90},
        "spec",
        "secondary_flow_min_lpm must not exceed secondary_flow_max_lpm",
    ),
    (
        "cdu",
        {**COMPONENT_SPECS["cdu"], "facility_classes": ["W99"]},
        "spec.facility_classes.0",
        "W17",
    ),
    (
        "facility_water",
        {**COMPONENT_SPECS["facility_water"], "source_type": "river"},
        "spec.source_type",
        "dry_cooler",
    ),
    (
        "cooling",
        {**COMPONENT_SPECS["cooling"], "cooling_type": "rear_door", "warm_water_c": 26},
        "spec",
        "warm_water_c and warm_water_sensible_w go together",
    ),
]


@pytest.mark.parametrize(("kind", "spec", "key", "fragment"), MALFORMED)
def test_validate_component_data_names_the_spec_field_that_is_wrong(
    kind: str, spec: dict[str, Any], key: str, fragment: str
) -> None:
    """A malformed spec fails with the error keyed by its path inside the spec."""
    errors = errors_of({"kind": kind, "spec": spec})
    assert key in errors, errors
    assert any(fragment in message for message in errors[key]), errors[key]


def test_value_error_messages_lose_the_pydantic_prefix() -> None:
    """Messages from model validators read as sentences, without "Value error, "."""
    errors = errors_of({"kind": "ups", "spec": {"kva": 3, "kw": 4}})
    assert errors["spec"][0].startswith("kw cannot exceed kva")


def test_spec_is_normalised_with_defaults_and_kind() -> None:
    """Defaults are filled in and the own-kind discriminator is accepted for IT kinds."""
    values = validate_component_data({"kind": "server", "spec": {"kind": "server"}})
    assert values["spec"]["kind"] == "it"
    assert values["spec"]["psu_count"] == 1
    assert validate_component_data({"kind": "ups", "spec": {"kva": 3}})["spec"]["output_pf"] == 0.9


def test_missing_spec_counts_as_empty() -> None:
    """A kind whose spec is all defaults needs no spec at all."""
    assert validate_component_data({"kind": "accessory"})["spec"] == {
        "kind": "accessory",
        "accessory_type": "other",
    }


@pytest.mark.parametrize("spec", [[1, 2], "kva=3", 3])
def test_spec_must_be_an_object(spec: Any) -> None:
    """A spec that is not a JSON object is refused on the spec key."""
    assert errors_of({"kind": "ups", "spec": spec}) == {"spec": ["Must be a JSON object."]}


def test_unknown_kind_is_refused() -> None:
    """An unknown kind is refused on the kind key."""
    assert "kind" in errors_of({"kind": "toaster", "spec": {}})


def test_spec_without_kind_is_refused() -> None:
    """A spec cannot be judged without the kind."""
    assert "kind" in errors_of({"spec": {"kva": 3}})


@pytest.mark.parametrize(
    ("nameplate", "typical", "ok"),
    [("500", "500", True), ("500", "499.9", True), ("500", "500.1", False), (None, "900", True)],
)
def test_typical_draw_may_not_exceed_nameplate(
    nameplate: str | None, typical: str, ok: bool
) -> None:
    """typical_w <= nameplate_w whenever both are known."""
    data = {"nameplate_w": nameplate, "typical_w": typical}
    if ok:
        validate_component_data(data)
    else:
        assert "typical_w" in errors_of(data)


@pytest.mark.parametrize(
    ("currency", "ok"),
    [("EUR", True), ("USD", True), ("eur", False), ("EURO", False), ("XYZ", False), (None, False)],
)
def test_currency_must_be_a_supported_iso_code(currency: Any, ok: bool) -> None:
    """Three upper-case letters from the supported list."""
    if ok:
        validate_component_data({"currency": currency})
    else:
        assert "currency" in errors_of({"currency": currency})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("list_price", "-0.01"),
        ("cost_price", "-5"),
        ("weight_kg", -1),
        ("nameplate_w", "-1"),
        ("list_price", "abc"),
        ("list_price", "NaN"),
        ("list_price", True),
    ],
)
def test_numbers_must_be_valid_and_not_negative(field: str, value: Any) -> None:
    """Money, weight and power are numbers >= 0."""
    assert field in errors_of({field: value})


@pytest.mark.parametrize(
    ("u_height", "ok"),
    [
        ("0", True),
        ("0.5", True),
        ("2", True),
        ("60", True),
        ("1.3", False),
        ("-1", False),
        ("61", False),
    ],
)
def test_u_height_is_a_multiple_of_half_a_unit(u_height: str, ok: bool) -> None:
    """0 (zero-U) to 60 U in steps of 0.5 U."""
    if ok:
        assert validate_component_data({"u_height": u_height})["u_height"] == Decimal(u_height)
    else:
        assert "u_height" in errors_of({"u_height": u_height})


def test_all_errors_are_reported_at_once() -> None:
    """Every invalid field is reported, not only the first."""
    errors = errors_of({"kind": "ups", "spec": {"kva": -1}, "currency": "eur", "list_price": "-1"})
    assert {"spec.kva", "currency", "list_price"} <= set(errors)
