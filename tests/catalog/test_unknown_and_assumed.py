"""Unknown is not zero (weight, airflow) and the per-component list of assumed figures.

The validator, the model, the engine's view, the API (fields, filters, errors), the admin and
the CSV sheet all speak of unknown and assumed figures the same way.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from catalog import selectors, services
from catalog.forms import ComponentAdminForm
from catalog.importers.tabular import catalog_export, catalog_import
from catalog.models import Component
from catalog.validation import validate_component_data
from configurator.tenancy.models import Organisation
from tests.factories import ComponentFactory, ManufacturerFactory, UserFactory

pytestmark = pytest.mark.django_db

COMPONENTS = "/api/v1/components/"
KW_ASSUMED = {"field": "spec.kw", "value": 2.7, "why": "kW not stated; 0.9 x kVA (C3)"}


def _ups(**fields: Any) -> Component:
    data: dict[str, Any] = {
        "model_name": "UPS",
        "kind": "ups",
        "list_price": Decimal(0),
        "u_height": Decimal(2),
        "spec": {"kva": 3, "kw": 2.7},
        "assumed": [KW_ASSUMED],
    }
    data.update(fields)
    component, _, _ = services.component_upsert(manufacturer_name="Acme", sku="UPS-3K", **data)
    return component


# --------------------------------------------------------------------------- unknown figures


def test_component_without_weight_or_airflow_is_unknown_not_zero_or_passive() -> None:
    """No weight is None (not 0 kg), no airflow is None (not passive), also for the engine."""
    component = services.component_create(
        manufacturer=ManufacturerFactory(),
        sku="SRV-1",
        model_name="Server",
        kind="server",
        list_price=Decimal(0),
        u_height=Decimal(1),
    )
    component.refresh_from_db()
    assert (component.weight_kg, component.airflow) == (None, None)
    engine = selectors.component_to_engine(component)
    assert (engine.weight_kg, engine.airflow) == (None, None)


def test_known_weight_and_airflow_reach_the_engine() -> None:
    """A stated figure is passed on as it is."""
    engine = selectors.component_to_engine(
        ComponentFactory(weight_kg=Decimal("18.50"), airflow="back_to_front")
    )
    assert engine.weight_kg == 18.5
    assert engine.airflow is not None
    assert engine.airflow.value == "back_to_front"


@pytest.mark.parametrize("empty", ["", None])
def test_empty_airflow_and_weight_are_unknown(empty: Any) -> None:
    """An empty cell or field means unknown; it is never refused as 'cannot be empty'."""
    values = validate_component_data({"airflow": empty, "weight_kg": empty})
    assert (values["airflow"], values["weight_kg"]) == (None, None)


def test_unknown_airflow_word_is_refused() -> None:
    """Only the engine's directions (or empty) are accepted."""
    with pytest.raises(ValidationError) as info:
        validate_component_data({"airflow": "top_to_bottom"})
    assert "Unknown airflow 'top_to_bottom'" in info.value.message_dict["airflow"][0]


def test_weight_of_zero_is_still_refused_below_zero() -> None:
    """Unknown is None; a negative mass is still an error."""
    with pytest.raises(ValidationError) as info:
        validate_component_data({"weight_kg": "-1"})
    assert info.value.message_dict["weight_kg"] == ["Must be greater than or equal to 0."]


# --------------------------------------------------------------------------- assumed list


def test_assumed_entry_is_kept_while_its_figure_holds() -> None:
    """The entry stays as long as the row still has the assumed value."""
    component = _ups()
    assert component.assumed == [KW_ASSUMED]
    component.description = "rack UPS"
    component.full_clean()
    assert component.assumed == [KW_ASSUMED]


def test_correcting_an_assumed_figure_removes_it_from_the_list() -> None:
    """A person who sets the datasheet's kW makes it data, not an assumption."""
    component = _ups()
    services.component_update(component=component, spec={**component.spec, "kw": 2.4})
    component.refresh_from_db()
    assert component.assumed == []


def test_entry_without_value_takes_the_current_figure() -> None:
    """A person marking a figure as assumed need not repeat it."""
    component = _ups(assumed=[{"field": "weight_kg", "why": "guessed from a similar unit"}])
    assert component.assumed == [
        {"field": "weight_kg", "value": None, "why": "guessed from a similar unit"}
    ]
    component = _ups(
        weight_kg=Decimal("31.5"),
        assumed=[{"field": "weight_kg", "why": "guessed from a similar unit"}],
    )
    assert component.assumed[0]["value"] == 31.5


@pytest.mark.parametrize(
    ("entries", "path", "message"),
    [
        ("not a list", "assumed", "Must be a list"),
        ([{"field": "spec.kw"}], "assumed.0.why", "Say why"),
        ([{"field": "list_price", "why": "x"}], "assumed.0.field", "cannot be assumed"),
        ([{"field": "spec.rated_a", "why": "x"}], "assumed.0.field", "not a figure of this"),
        ([{"field": "spec.kind", "why": "x"}], "assumed.0.field", "not a figure of this"),
        ([KW_ASSUMED, KW_ASSUMED], "assumed.1.field", "listed twice"),
        ([{**KW_ASSUMED, "source": "me"}], "assumed.0", "Unknown key(s) source"),
        ([{**KW_ASSUMED, "value": [1, 2]}], "assumed.0.value", "single figure"),
    ],
)
def test_malformed_assumed_entries_are_refused_with_their_path(
    entries: Any, path: str, message: str
) -> None:
    """Errors point at the entry and key, like spec errors do."""
    with pytest.raises(ValidationError) as info:
        validate_component_data({"kind": "ups", "spec": {"kva": 3, "kw": 2.7}, "assumed": entries})
    assert message in " ".join(info.value.message_dict[path])


# --------------------------------------------------------------------------- API


@pytest.fixture
def manager_api(
    api_client: APIClient, org: Organisation, user_with_role: Callable[..., Any]
) -> APIClient:
    """An API client acting as a catalogue manager."""
    api_client.force_authenticate(user_with_role("catalogue_manager", org))
    return api_client


def test_api_lists_assumed_figures_per_component(manager_api: APIClient) -> None:
    """`assumed` is part of every component, empty when nothing was assumed."""
    ups = _ups()
    plain = ComponentFactory()
    assert manager_api.get(f"{COMPONENTS}{ups.pk}/").json()["assumed"] == [KW_ASSUMED]
    assert manager_api.get(f"{COMPONENTS}{plain.pk}/").json()["assumed"] == []


def test_api_patch_of_the_figure_drops_its_assumed_entry(manager_api: APIClient) -> None:
    """Sending the datasheet value through the API clears the assumption."""
    ups = _ups()
    response = manager_api.patch(
        f"{COMPONENTS}{ups.pk}/", {"spec": {"kva": 3, "kw": 2.4}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["assumed"] == []


def test_api_writes_unknown_weight_and_airflow_as_null(manager_api: APIClient) -> None:
    """null is unknown on input and output; the engine gets None."""
    maker = ManufacturerFactory()
    body = {
        "manufacturer": maker.slug,
        "sku": "SW-1",
        "model_name": "Switch",
        "kind": "switch",
        "list_price": "10.00",
        "weight_kg": None,
        "airflow": None,
    }
    response = manager_api.post(COMPONENTS, body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["weight_kg"], response.json()["airflow"]) == (None, None)


def test_api_assumed_errors_use_the_error_envelope(manager_api: APIClient) -> None:
    """A malformed entry answers 400 with details keyed by the entry's path."""
    ups = _ups()
    response = manager_api.patch(
        f"{COMPONENTS}{ups.pk}/", {"assumed": [{"field": "spec.kw"}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["details"] == {"assumed.0.why": ["Say why the figure is assumed."]}


@pytest.mark.parametrize(
    ("query", "skus"),
    [
        ("has_assumed=true", {"UPS-3K"}),
        ("has_assumed=false", {"KNOWN", "NO-KG"}),
        ("weight_unknown=true", {"NO-KG"}),
        ("airflow_unknown=true", {"NO-KG"}),
        ("weight_unknown=false", {"UPS-3K", "KNOWN"}),
    ],
)
def test_api_filters_unknown_and_assumed(
    manager_api: APIClient, query: str, skus: set[str]
) -> None:
    """Catalogue managers find the rows whose figures need a datasheet."""
    _ups(weight_kg=Decimal(30), airflow="front_to_back")
    ComponentFactory(sku="KNOWN")
    ComponentFactory(sku="NO-KG", weight_kg=None, airflow=None)
    results = manager_api.get(f"{COMPONENTS}?{query}").json()["results"]
    assert {row["sku"] for row in results} == skus


# --------------------------------------------------------------------------- admin


@pytest.fixture
def manager_client(client: Any) -> Any:
    """A staff user in the "Catalogue managers" group, logged in to the admin."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Catalogue managers"))
    client.force_login(user)
    return client


def test_admin_shows_the_assumed_figures_and_filters_on_them(manager_client: Any) -> None:
    """The change page lists each assumed figure and why; the list filters on them."""
    ups = _ups()
    ComponentFactory(sku="KNOWN")
    page = manager_client.get(f"/admin/catalog/component/{ups.pk}/change/")
    assert page.status_code == 200
    assert b"<code>spec.kw</code> = 2.7: kW not stated; 0.9 x kVA (C3)" in page.content
    listed = manager_client.get("/admin/catalog/component/?assumed=yes")
    assert b"UPS-3K" in listed.content
    assert b"KNOWN" not in listed.content


def test_admin_form_can_confirm_an_assumed_figure_by_emptying_the_list() -> None:
    """Deleting the entries says: checked against the datasheet, it is right."""
    ups = _ups()
    form = ComponentAdminForm(instance=ups)
    data = {name: form[name].value() for name in form.fields}
    data.update(assumed="[]", weight_kg="", airflow="")
    bound = ComponentAdminForm(data=data, instance=ups)
    assert bound.is_valid(), bound.errors
    saved = bound.save()
    assert (saved.assumed, saved.weight_kg, saved.airflow) == ([], None, None)


def test_admin_form_pins_assumed_errors_on_the_textarea() -> None:
    """The entry's path is shown in front of the message."""
    ups = _ups()
    form = ComponentAdminForm(instance=ups)
    data = {name: form[name].value() for name in form.fields}
    data["assumed"] = '[{"field": "spec.kw"}]'
    bound = ComponentAdminForm(data=data, instance=ups)
    assert not bound.is_valid()
    assert bound.errors["assumed"] == ["assumed.0.why: Say why the figure is assumed."]


# --------------------------------------------------------------------------- CSV sheet


def test_sheet_round_trips_assumed_and_unknown_figures() -> None:
    """Export then import into an empty catalogue keeps the list and the unknowns."""
    _ups()
    ComponentFactory(sku="NO-KG", weight_kg=None, airflow=None)
    data = catalog_export("csv")
    Component.objects.all().delete()
    result = catalog_import(io.BytesIO(data), "csv")
    assert result.ok, result.errors
    assert Component.objects.get(sku="UPS-3K").assumed == [KW_ASSUMED]
    unknown = Component.objects.get(sku="NO-KG")
    assert (unknown.weight_kg, unknown.airflow) == (None, None)


def test_sheet_with_an_empty_weight_cell_imports_it_as_unknown() -> None:
    """An empty weight cell is unknown, no longer an error."""
    sheet = (
        "manufacturer,sku,model_name,kind,list_price,u_height,weight_kg,airflow\n"
        "Acme,SRV-9,Server,server,100,1,,\n"
    )
    result = catalog_import(io.StringIO(sheet), "csv")
    assert result.ok, result.errors
    component = Component.objects.get(sku="SRV-9")
    assert (component.weight_kg, component.airflow) == (None, None)


def test_sheet_assumed_cell_must_be_a_json_list() -> None:
    """A malformed cell names the row and column."""
    sheet = 'manufacturer,sku,model_name,kind,list_price,assumed\nAcme,SRV-9,S,server,1,"{}"\n'
    result = catalog_import(io.StringIO(sheet), "csv")
    assert [str(e) for e in result.errors] == [
        "row 2: assumed: Must be a JSON list of {field, value, why} objects."
    ]
