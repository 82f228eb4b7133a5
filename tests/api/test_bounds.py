"""Every numeric input has physical bounds, stated once in rules.specs and used everywhere.

Out-of-range, non-finite and vanishingly small numbers answer 400 naming the field and its
range, in sites, policy overrides, inline validation and catalogue components; the model
refuses them in full_clean; the OpenAPI schema publishes the same bounds.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.api import API, World, assert_envelope, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.mark.parametrize(
    ("field", "value", "range_text"),
    [
        ("grid_carbon_g_per_kwh", 1e308, "from 0 to 2000"),
        ("supply_voltage_v", 1e308, "from 48 to 1000"),
        ("supply_voltage_v", "Infinity", "from 48 to 1000"),
        ("supply_breaker_a", "NaN", None),
        ("room_volume_m3", 1e-320, None),
        ("room_volume_m3", 0, "from 0.001 to 1 000 000"),
        ("altitude_m", -1e308, "from -500 to 6000"),
        ("electricity_price_per_kwh", "1e308", None),
    ],
)
def test_customer_patching_its_site_out_of_range_gets_400(
    world: World, field: str, value: Any, range_text: str | None
) -> None:
    """The site stays readable: the write is refused, naming the field and its range."""
    client = world.client("customer")
    url = f"{API}/sites/{world.site.pk}/"
    body = assert_envelope(client.patch(url, {field: value}, format="json"), 400)
    assert field in body["details"], body
    if range_text is not None:
        assert range_text in " ".join(body["details"][field]), body
    assert client.get(f"{API}/builds/{world.build.pk}/validation/").status_code == 200


@pytest.mark.parametrize(
    ("key", "value", "range_text"),
    [
        ("required_runtime_min", "Infinity", "from 0 to 1440"),
        ("required_runtime_min", 1e308, "from 0 to 1440"),
        ("airflow_delta_t_k", 1e-320, "from 1 to 40"),
        ("utilisation_limit", 7, "from 0.3 to 1"),
    ],
)
def test_policy_override_out_of_range_answers_400_naming_the_key(
    world: World, key: str, value: Any, range_text: str
) -> None:
    """policy_override.<key> and its range are named; the build stays valid to read."""
    client = world.client("sales_engineer")
    url = f"{API}/builds/{world.build.pk}/"
    response = client.patch(url, {"policy_override": {key: value}}, format="json")
    body = assert_envelope(response, 400, "validation_error")
    messages = body["details"][f"policy_override.{key}"]
    assert range_text in " ".join(messages), body
    assert client.get(f"{url}validation/").status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"site": {"supply_voltage_v": 1e308}}, "site.supply_voltage_v"),
        ({"site": {"grid_carbon_g_per_kwh": "Infinity"}}, "site.grid_carbon_g_per_kwh"),
        ({"policy": {"airflow_delta_t_k": 1e-320}}, "policy.airflow_delta_t_k"),
    ],
)
def test_inline_validation_refuses_extreme_numbers(
    world: World, payload: dict[str, Any], field: str
) -> None:
    """/validate/ answers 400 for numbers outside their bounds, never 500."""
    body = {"name": "Inline", "racks": [], "items": [], **payload}
    response = world.client("integrator").post(f"{API}/validate/", body, format="json")
    details = assert_envelope(response, 400, "validation_error")["details"]
    assert field in details, details


def test_site_model_refuses_out_of_range_values_in_full_clean(world: World) -> None:
    """The Django field validators carry the same bounds."""
    site = world.site
    site.supply_voltage_v = 1e308
    site.grid_carbon_g_per_kwh = float("nan")
    with pytest.raises(ValidationError) as excinfo:
        site.full_clean()
    errors = excinfo.value.message_dict
    assert "Must be from 48 to 1000." in errors["supply_voltage_v"]
    assert "grid_carbon_g_per_kwh" in errors


def test_component_figures_out_of_range_answer_400_with_range(world: World) -> None:
    """Catalogue figures use the engine's ComponentSpec bounds."""
    client = world.client("superuser")
    component = world.components["server"]
    response = client.patch(
        f"{API}/components/{component.pk}/", {"u_height": "1e308"}, format="json"
    )
    body = assert_envelope(response, 400, "validation_error")
    assert "from 0 to 60" in " ".join(body["details"]["u_height"]), body


def test_openapi_publishes_the_bounds(world: World) -> None:
    """minimum and maximum in the schema match the pydantic fields (a physical floor, never a
    bare "above 0" that a subnormal 1e-320 would pass)."""
    schema = world.client("admin").get("/api/schema/?format=json").json()
    site = schema["components"]["schemas"]["Site"]["properties"]
    assert (site["supply_voltage_v"]["minimum"], site["supply_voltage_v"]["maximum"]) == (
        48,
        1000,
    )
    humidity = site["relative_humidity_max_pct"]
    assert humidity["minimum"] == 0.1
    assert "exclusiveMinimum" not in humidity
    assert humidity["maximum"] == 100
    component = schema["components"]["schemas"]["Component"]["properties"]
    assert (
        component["u_height"].get("maximum") in (60, "60", None)
        or "pattern" in component["u_height"]
    )


def test_openapi_documents_policy_override_bounds(world: World) -> None:
    """policy_override is documented as the Policy's keys, each with its range."""
    schema = world.client("admin").get("/api/schema/?format=json").json()
    schemas = schema["components"]["schemas"]
    build = schemas["Build"]["properties"]["policy_override"]
    ref = build.get("$ref") or build["allOf"][0]["$ref"]
    policy = schemas[ref.rsplit("/", 1)[-1]]
    assert policy["additionalProperties"] is False
    runtime = policy["properties"]["required_runtime_min"]
    assert (runtime["minimum"], runtime["maximum"]) == (0, 1440)
