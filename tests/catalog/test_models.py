"""Catalogue models, services, selectors, admin form and the managers' group."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog import choices, selectors, services
from catalog.forms import ComponentAdminForm
from catalog.models import Component, Manufacturer
from rules import specs
from tests.factories import ComponentFactory, ManufacturerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_component_kind_choices_mirror_the_engine() -> None:
    """The catalogue speaks the engine's vocabulary, value for value."""
    assert set(choices.ComponentKind.values) == {kind.value for kind in specs.Kind}
    assert set(choices.AirflowDirection.values) == {d.value for d in specs.AirflowDirection}


def test_str_names_manufacturer_and_sku() -> None:
    """__str__ is readable in admin lists and error messages."""
    component = ComponentFactory(manufacturer__name="Acme", sku="X-1", model_name="Box")
    assert str(component.manufacturer) == "Acme"
    assert str(component) == "Acme X-1 (Box)"


def test_same_sku_twice_at_one_manufacturer_is_refused() -> None:
    """SKUs are unique per manufacturer, by validation and by the database."""
    first = ComponentFactory(sku="DUP-1")
    duplicate = ComponentFactory.build(manufacturer=first.manufacturer, sku="DUP-1")
    with pytest.raises(ValidationError) as info:
        duplicate.full_clean()
    assert "already has a component with this SKU" in str(info.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_same_sku_at_two_manufacturers_is_fine() -> None:
    """Two vendors may use the same SKU."""
    ComponentFactory(sku="SAME", manufacturer__name="A")
    other = ComponentFactory.build(sku="SAME", manufacturer=ManufacturerFactory(name="B"))
    other.full_clean()
    other.save()
    assert Component.objects.filter(sku="SAME").count() == 2


def test_clean_normalises_the_spec() -> None:
    """full_clean stores the spec with defaults and discriminator."""
    component = ComponentFactory.build(
        manufacturer=ManufacturerFactory(), kind="ups", spec={"kva": 3}
    )
    component.full_clean()
    assert component.spec["kind"] == "ups"
    assert component.spec["output_pf"] == 0.9


def test_clean_reports_spec_errors_by_sub_field() -> None:
    """Component.clean() runs the shared validator."""
    component = ComponentFactory.build(
        manufacturer=ManufacturerFactory(), kind="ups", spec={"kva": 3, "kw": 5}
    )
    with pytest.raises(ValidationError) as info:
        component.full_clean()
    assert "kw cannot exceed kva" in info.value.message_dict["spec"][0]


def test_database_refuses_typical_above_nameplate_on_update() -> None:
    """A bulk update cannot bypass the typical <= nameplate rule."""
    component = ComponentFactory(nameplate_w=Decimal(500), typical_w=Decimal(300))
    with pytest.raises(IntegrityError), transaction.atomic():
        Component.objects.filter(pk=component.pk).update(typical_w=Decimal(600))


@pytest.mark.parametrize(
    ("kind", "nameplate", "typical", "unknown"),
    [
        ("server", None, None, True),
        ("server", Decimal(100), None, False),
        ("server", None, Decimal(80), False),
        ("gpu_server", None, None, True),
        ("ups", None, None, False),
        ("pdu", None, None, False),
        ("rack", None, None, False),
        ("accessory", None, None, False),
        ("bundle", None, None, False),
        ("battery", None, None, False),
    ],
)
def test_power_unknown(
    kind: str, nameplate: Decimal | None, typical: Decimal | None, unknown: bool
) -> None:
    """Only consumers can have an unknown draw; the power chain's losses are derived."""
    component = ComponentFactory.build(kind=kind, nameplate_w=nameplate, typical_w=typical)
    assert component.power_unknown is unknown


def test_component_to_engine_gives_the_engine_view() -> None:
    """The selector maps Decimals to floats and parses the spec of the kind."""
    component = ComponentFactory(
        kind="ups",
        manufacturer__name="Acme",
        model_name="Acme 3000",
        u_height=Decimal(2),
        nameplate_w=Decimal(500),
    )
    engine = selectors.component_to_engine(component)
    assert engine.ref == str(component.pk)
    assert engine.name == "Acme Acme 3000"
    assert engine.kind is specs.Kind.UPS
    assert isinstance(engine.spec, specs.UpsSpec)
    assert engine.u_height == 2.0
    assert engine.nameplate_w == 500.0


def test_component_upsert_creates_updates_and_skips_unchanged() -> None:
    """Upsert on (manufacturer name, SKU); an unchanged row is not written again."""
    fields = {
        "model_name": "Acme 3000",
        "kind": "ups",
        "list_price": "1800.00",
        "currency": "EUR",
        "u_height": "2",
        "weight_kg": "28.5",
        "nameplate_w": "150",
        "typical_w": "90",
        "spec": {"kva": 3},
    }
    component, created, changed = services.component_upsert(
        manufacturer_name="Acme Power", sku="UPS-3K", **fields
    )
    assert (created, changed) == (True, False)
    assert Manufacturer.objects.get().slug == "acme-power"
    updated_at = component.updated

    again, created, changed = services.component_upsert(
        manufacturer_name="Acme Power", sku="UPS-3K", **fields
    )
    assert (again.pk, created, changed) == (component.pk, False, False)
    again.refresh_from_db()
    assert again.updated == updated_at

    _, created, changed = services.component_upsert(
        manufacturer_name="Acme Power", sku="UPS-3K", **{**fields, "list_price": "1700.00"}
    )
    assert (created, changed) == (False, True)
    assert Component.objects.get().list_price == Decimal("1700.00")


def test_component_upsert_saves_nothing_when_invalid() -> None:
    """An invalid row raises and leaves no manufacturer or component behind."""
    with pytest.raises(ValidationError) as info:
        services.component_upsert(
            manufacturer_name="New Vendor",
            sku="BAD",
            model_name="Bad",
            kind="ups",
            list_price="1",
            spec={"kva": 0},
        )
    assert "spec.kva" in info.value.message_dict
    assert not Manufacturer.objects.exists()


def test_bundle_members_must_exist() -> None:
    """A bundle may only reference components in the catalogue."""
    member = ComponentFactory(manufacturer__name="Acme Power", sku="UPS-3K", kind="ups")
    good = services.component_create(
        manufacturer=member.manufacturer,
        sku="KIT",
        model_name="Kit",
        kind="bundle",
        list_price=Decimal(1),
        spec={"members": [{"manufacturer": "Acme Power", "sku": "UPS-3K"}], "it_capacity_w": 1},
    )
    assert good.spec["members"][0]["quantity"] == 1
    with pytest.raises(ValidationError) as info:
        services.component_create(
            manufacturer=member.manufacturer,
            sku="KIT-2",
            model_name="Kit 2",
            kind="bundle",
            list_price=Decimal(1),
            spec={
                "members": [
                    {"manufacturer": "Acme Power", "sku": "UPS-3K"},
                    {"manufacturer": "Acme Power", "sku": "NOPE"},
                ],
                "it_capacity_w": 1,
            },
        )
    assert list(info.value.message_dict) == ["spec.members.1"]


def test_manufacturer_get_or_create_makes_unique_slugs() -> None:
    """Two names that slugify alike still get distinct slugs."""
    first, created = services.manufacturer_get_or_create(name="Acme Power")
    again, created_again = services.manufacturer_get_or_create(name="Acme Power")
    second, _ = services.manufacturer_get_or_create(name="Acme-Power")
    assert created
    assert not created_again
    assert first == again
    assert (first.slug, second.slug) == ("acme-power", "acme-power-2")


def test_admin_form_shows_spec_errors_on_the_figures_field() -> None:
    """A figure out of range is refused on its own field, with its bounds in words."""
    manufacturer = ManufacturerFactory()
    form = ComponentAdminForm(
        data={
            "manufacturer": manufacturer.pk,
            "sku": "UPS-1",
            "model_name": "UPS",
            "kind": "ups",
            "list_price": "100",
            "currency": "EUR",
            "lead_time_days": 0,
            "lifecycle": "active",
            "u_height": "2",
            "weight_kg": "10",
            "airflow": "passive",
            "spec__kva": "0",
            "source": "manual",
        }
    )
    assert not form.is_valid()
    assert form.errors["spec__kva"] == ["Ensure this value is greater than or equal to 0.1."]


def test_admin_form_has_a_field_per_figure_of_the_kind() -> None:
    """A UPS's figures are fields with units, bounds and defaults from its spec model; the
    runtime table is a small JSON box; no raw spec box, no null."""
    component = ComponentFactory(kind="ups")
    form = ComponentAdminForm(instance=component)
    assert form.fields["spec__kva"].label == "kVA"
    assert form["spec__kva"].value() == 3.0
    voltage = form.fields["spec__input_voltage_v"]
    assert voltage.label == "Input voltage (V)"
    assert "Range 48 to 1000 V." in voltage.help_text
    assert "Default: 230." in voltage.help_text
    assert form.fields["spec__battery_chemistry"].choices[1] == ("vrla", "vrla")
    assert form.fields["spec"].widget.is_hidden
    new = ComponentAdminForm()
    assert new.initial["spec"] == {}  # not null: the kind is not chosen yet
    assert "spec__kva" not in new.fields


def test_catalogue_managers_group_has_the_catalogue_permissions() -> None:
    """Migration 0002 gives the group add/change/delete/view on both models."""
    group = Group.objects.get(name="Catalogue managers")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {
        f"{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in ("manufacturer", "component")
    }


@pytest.fixture
def manager_client(client: Any) -> Any:
    """A staff user in the "Catalogue managers" group, logged in to the admin."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Catalogue managers"))
    client.force_login(user)
    return client


def test_catalogue_manager_can_use_the_component_admin(manager_client: Any) -> None:
    """The group's permissions open the changelist, search and the add form."""
    ComponentFactory(sku="UPS-3K", kind="ups")
    changelist = manager_client.get("/admin/catalog/component/?q=UPS&kind__exact=ups")
    assert changelist.status_code == 200
    assert b"UPS-3K" in changelist.content
    assert manager_client.get("/admin/catalog/component/add/").status_code == 200
    assert manager_client.get("/admin/catalog/manufacturer/").status_code == 200


def test_admin_add_shows_the_spec_error_and_saves_nothing(manager_client: Any) -> None:
    """A bad spec re-renders the form with the sub-field named."""
    manufacturer = ManufacturerFactory()
    response = manager_client.post(
        "/admin/catalog/component/add/",
        {
            "manufacturer": manufacturer.pk,
            "sku": "UPS-1",
            "model_name": "UPS",
            "kind": "ups",
            "list_price": "100",
            "currency": "EUR",
            "lead_time_days": 0,
            "lifecycle": "active",
            "u_height": "2",
            "weight_kg": "10",
            "airflow": "passive",
            "spec__kva": "3",
            "spec__kw": "4",
            "spec__input_phases": "1",
            "spec__output_phases": "1",
            "spec__battery_chemistry": "vrla",
            "source": "manual",
        },
    )
    assert response.status_code == 200
    assert "kW cannot exceed kVA: real power is at most apparent power" in response.content.decode()
    assert 'style="' not in response.content.decode().split("<body", 1)[1]  # the CSP refuses it
    assert not Component.objects.exists()


def test_admin_saves_a_ups_from_its_figures(manager_client: Any) -> None:
    """The figures typed in the fields become the stored spec, defaults filled in."""
    manufacturer = ManufacturerFactory()
    response = manager_client.post(
        "/admin/catalog/component/add/",
        {
            "manufacturer": manufacturer.pk,
            "sku": "UPS-2",
            "model_name": "UPS 2",
            "kind": "ups",
            "list_price": "100",
            "currency": "EUR",
            "lead_time_days": 0,
            "lifecycle": "active",
            "u_height": "2",
            "weight_kg": "10",
            "airflow": "passive",
            "spec__kva": "3",
            "spec__input_phases": "3",
            "spec__output_phases": "1",
            "spec__battery_chemistry": "li_ion",
            "spec__runtime_table": '[{"load_w": 1000, "minutes": 20}]',
            "source": "manual",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    spec = Component.objects.get(sku="UPS-2").spec
    assert (spec["kva"], spec["input_phases"], spec["battery_chemistry"]) == (3.0, 3, "li_ion")
    assert spec["runtime_table"] == [{"load_w": 1000.0, "minutes": 20.0}]
    assert spec["input_voltage_v"] == 230
    change = manager_client.get(
        f"/admin/catalog/component/{Component.objects.get(sku='UPS-2').pk}/change/"
    )
    assert "Input voltage (V)" in change.content.decode()
