"""The mapping of a build to NetBox objects: pure, no database, no NetBox."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from configurator.handoff.export import export_files, export_zip
from configurator.handoff.mapping import (
    ENDPOINT_ORDER,
    CatalogueRow,
    HandoffInput,
    Ref,
    map_build,
    slugify,
)
from rules.io import load_build
from rules.model import BuildSpec, PlacedItem, RackInstance
from rules.specs import ComponentSpec, Policy, Site

RACK = ComponentSpec(
    ref="1",
    name="Fjordrack S42",
    manufacturer="Fjordrack",
    sku="FR-S42",
    kind="rack",
    weight_kg=120,
    spec={"kind": "rack", "u": 42, "width_mm": 600, "depth_mm": 1200, "static_load_kg": 1200},
)
UPS = ComponentSpec(
    ref="2",
    name="Northbeam OX3000",
    manufacturer="Northbeam Power",
    sku="NB-OX3000",
    kind="ups",
    u_height=2,
    weight_kg=30,
    spec={"kind": "ups", "kva": 3, "outlets_c13": 2, "outlets_c19": 1, "input_current_a": 16},
)
PDU = ComponentSpec(
    ref="3",
    name="Northbeam PDU",
    manufacturer="Northbeam Power",
    sku="NB-PDU",
    kind="pdu",
    u_height=0,
    weight_kg=4,
    spec={"kind": "pdu", "voltage_v": 230, "input_current_a": 16, "outlets_c13": 3},
)
SERVER = ComponentSpec(
    ref="4",
    name="Helix R250",
    manufacturer="Helix Compute",
    sku="HX-R250",
    kind="server",
    u_height=2,
    weight_kg=20,
    nameplate_w=600,
    typical_w=400,
    airflow="front_to_back",
    spec={"kind": "it", "psu_count": 2, "redundant_psus": True, "psu_connector": "C14"},
)
COOLER = ComponentSpec(
    ref="5",
    name="Polarwind SD50",
    manufacturer="Polarwind Climate",
    sku="PW-SD50",
    kind="cooling",
    weight_kg=80,
    spec={
        "kind": "cooling",
        "cooling_type": "split_dx",
        "total_capacity_w": 5000,
        "shr": 0.9,
        "airflow_m3h": 1500,
        "power_draw_w": 1200,
    },
)
ROWS = {
    c.ref: CatalogueRow(
        component_id=int(c.ref),
        manufacturer=c.manufacturer,
        manufacturer_slug=slugify(c.manufacturer),
        model_name=c.name.split(" ", 1)[1],
        sku=c.sku,
    )
    for c in (RACK, UPS, PDU, SERVER, COOLER)
}


def _input(*, items: tuple[PlacedItem, ...] | None = None, **kwargs: Any) -> HandoffInput:
    spec = BuildSpec(
        name="Test build",
        site=Site(name="Lyon store", supply_phases=kwargs.pop("phases", 1), supply_breaker_a=32),
        racks=(RackInstance(id="L1", name="Main rack", component=RACK),),
        items=items
        if items is not None
        else (
            PlacedItem(id="L2", component=UPS, rack_id="L1", position_u=1),
            PlacedItem(id="L3", component=PDU, rack_id="L1", feed_a="L2"),
            PlacedItem(
                id="L4",
                component=SERVER,
                quantity=2,
                rack_id="L1",
                position_u=5,
                face="rear",
                feed_a="L3",
                feed_b="L2",
            ),
            PlacedItem(id="L5", component=COOLER),
        ),
        policy=Policy(),
    )
    values: dict[str, Any] = {
        "build_id": 7,
        "build_name": "Test build",
        "revision": 3,
        "site_name": "Lyon store",
        "spec": spec,
        "rows": kwargs.pop("rows", ROWS),
    }
    values.update(kwargs)
    return HandoffInput(**values)


def _fields(mapping: Any, key: str) -> dict[str, Any]:
    obj = mapping.get(key)
    assert obj is not None, key
    return obj.fields


def test_objects_come_in_dependency_order_and_every_reference_points_back() -> None:
    """Each Ref names an object listed earlier, so writing in list order always works."""
    mapping = map_build(_input())
    order = {endpoint: n for n, endpoint in enumerate(ENDPOINT_ORDER)}
    assert [order[o.endpoint] for o in mapping.objects] == sorted(
        order[o.endpoint] for o in mapping.objects
    )
    seen: set[str] = set()

    def refs(value: Any) -> list[str]:
        if isinstance(value, Ref):
            return [value.key]
        if isinstance(value, dict):
            return [k for v in value.values() for k in refs(v)]
        if isinstance(value, list):
            return [k for v in value for k in refs(v)]
        return []

    for obj in mapping.objects:
        for key in refs(obj.fields):
            assert key in seen, f"{obj.key} refers to {key} before it exists"
        seen.add(obj.key)
    assert len(seen) == len(mapping.objects), "keys are unique"


def test_rack_carries_units_dimensions_and_weight_limits() -> None:
    """The rack: U, outer size, mounting depth, static load, own weight, planned."""
    rack = _fields(map_build(_input()), "b7/rack/L1")
    assert rack["u_height"] == 42
    assert (rack["outer_width"], rack["outer_depth"], rack["outer_unit"]) == (600, 1200, "mm")
    assert rack["mounting_depth"] == 1050  # depth - 150 mm, the engine's default
    assert (rack["max_weight"], rack["weight"], rack["weight_unit"]) == (1200, 120.0, "kg")
    assert rack["status"] == "planned"
    assert rack["form_factor"] == "4-post-cabinet"
    assert rack["custom_fields"] == {
        "mdc_build_id": 7,
        "mdc_build_revision": 3,
        "mdc_key": "b7/rack/L1",
    }


def test_units_of_a_line_stack_upwards_with_face_and_status_planned() -> None:
    """Two 2U servers at U5 on the rear face become devices at U5 and U7."""
    mapping = map_build(_input())
    first = _fields(mapping, "b7/device/L4.1")
    second = _fields(mapping, "b7/device/L4.2")
    assert (first["position"], second["position"]) == (5, 7)
    assert first["face"] == second["face"] == "rear"
    assert first["status"] == "planned"
    assert first["rack"] == Ref("b7/rack/L1")
    assert first["role"] == Ref("role/server")
    assert first["name"] != second["name"]


def test_zero_u_and_unracked_devices_have_no_position_or_face() -> None:
    """A 0U PDU sits in the rack without a position; a floor cooler has no rack."""
    mapping = map_build(_input())
    pdu = _fields(mapping, "b7/device/L3")
    cooler = _fields(mapping, "b7/device/L5")
    assert (pdu["rack"], pdu["position"], pdu["face"]) == (Ref("b7/rack/L1"), None, None)
    assert (cooler["rack"], cooler["position"]) == (None, None)


def test_device_type_has_port_templates_with_one_port_draw_for_redundant_psus() -> None:
    """Redundant PSUs: each port states the whole draw (feed A/B), C14 plugs."""
    mapping = map_build(_input())
    key = "devicetype/helix-compute/hx-r250"
    device_type = _fields(mapping, key)
    assert device_type["part_number"] == "HX-R250"
    assert device_type["u_height"] == 2
    assert device_type["airflow"] == "front-to-rear"
    port = _fields(mapping, f"ppt/{key}/PSU1")
    assert (port["type"], port["maximum_draw"], port["allocated_draw"]) == (
        "iec-60320-c14",
        600,
        400,
    )
    assert mapping.get(f"ppt/{key}/PSU2") is not None


def test_device_type_comes_from_the_netbox_file_kept_at_import() -> None:
    """Ports, outlets, slug and model of the library file win over derived ones."""
    library = {
        "manufacturer": "Helix Compute",
        "model": "R250 Gen2",
        "slug": "helix-compute-r250-gen2",
        "part_number": "HX-R250",
        "power-ports": [
            {"name": "PS-A", "type": "iec-60320-c14", "maximum_draw": 550, "allocated_draw": 300},
            {"name": "PS-B", "type": "iec-60320-c14", "maximum_draw": 550, "allocated_draw": 300},
        ],
    }
    rows = {
        **ROWS,
        "4": CatalogueRow(
            4, "Helix Compute", "helix-compute", "R250", "HX-R250", netbox_type=library
        ),
    }
    mapping = map_build(_input(rows=rows))
    key = "devicetype/helix-compute/hx-r250"
    assert _fields(mapping, key)["slug"] == "helix-compute-r250-gen2"
    assert _fields(mapping, key)["model"] == "R250 Gen2"
    assert _fields(mapping, f"ppt/{key}/PS-A")["maximum_draw"] == 550
    cable = _fields(mapping, "b7/cable/L4.1/PS-B")
    assert cable["b_terminations"][0]["object_type"] == "dcim.poweroutlet"


def test_cords_follow_feed_a_and_b_to_outlets_of_the_named_sources() -> None:
    """PSU1 on the PDU (feed A), PSU2 on the UPS (feed B); C14 plugs take C13 outlets."""
    mapping = map_build(_input())
    a = _fields(mapping, "b7/cable/L4.1/PSU1")["b_terminations"][0]["object_id"]
    b = _fields(mapping, "b7/cable/L4.1/PSU2")["b_terminations"][0]["object_id"]
    assert a.key.startswith("outlet/b7/device/L3/")
    assert b.key.startswith("outlet/b7/device/L2/")
    assert _fields(mapping, b.key)["type"] == "iec-60320-c13"
    # The PDU's own inlet is on a UPS outlet; every outlet takes one cord only.
    ends = [
        o.fields["b_terminations"][0]["object_id"].key
        for o in mapping.by_endpoint("dcim.cables")
        if o.fields["b_terminations"][0]["object_type"] == "dcim.poweroutlet"
    ]
    assert len(ends) == len(set(ends))
    assert "b7/cable/L3/Input" in {o.key for o in mapping.by_endpoint("dcim.cables")}


def test_site_supply_gives_a_panel_and_one_feed_per_cord_it_feeds() -> None:
    """The UPS input and the cooler draw from the site: two feeds on one panel."""
    mapping = map_build(_input())
    feeds = mapping.by_endpoint("dcim.power_feeds")
    assert {f.key for f in feeds} == {"b7/feed/L2/Input", "b7/feed/L5/Power"}
    feed = _fields(mapping, "b7/feed/L2/Input")
    assert (feed["phase"], feed["voltage"], feed["amperage"], feed["max_utilization"]) == (
        "single-phase",
        230,
        32,
        80,
    )
    assert feed["power_panel"] == Ref("b7/panel")
    assert feed["status"] == "planned"


def test_three_phase_feed_states_line_to_line_voltage() -> None:
    """NetBox multiplies a three-phase feed's voltage by √3: it wants line to line."""
    ups3 = UPS.model_copy(
        update={
            "spec": UPS.spec.model_copy(update={"input_phases": 3}),  # type: ignore[union-attr]
        }
    )
    items = (PlacedItem(id="L2", component=ups3, rack_id="L1", position_u=1),)
    mapping = map_build(_input(items=items, phases=3))
    feed = _fields(mapping, "b7/feed/L2/Input")
    assert feed["phase"] == "three-phase"
    assert feed["voltage"] == round(230 * math.sqrt(3))
    assert any("line-to-line" in note for note in mapping.notes)


def test_existing_cables_keep_their_outlet() -> None:
    """A later revision leaves a cable on the outlet it ends on in NetBox today."""
    keep = {"b7/cable/L4.1/PSU1": "Outlet 3"}
    mapping = map_build(_input(), keep=keep)
    end = _fields(mapping, "b7/cable/L4.1/PSU1")["b_terminations"][0]["object_id"]
    assert end == Ref("outlet/b7/device/L3/Outlet 3")


def test_missing_manufacturer_must_exist_unless_the_connection_creates_them() -> None:
    """Manufacturers are operations' reference data: matched, created only when allowed."""
    strict = map_build(_input())
    assert {o.policy for o in strict.by_endpoint("dcim.manufacturers")} == {"must_exist"}
    lenient = map_build(_input(create_manufacturers=True))
    assert {o.policy for o in lenient.by_endpoint("dcim.manufacturers")} == {"create_only"}


def test_a_full_pdu_leaves_the_cord_uncabled_and_says_so() -> None:
    """More cords than outlets: the extra cord is named in the notes, never doubled up."""
    items = (
        PlacedItem(id="L3", component=PDU, rack_id="L1"),
        PlacedItem(id="L4", component=SERVER, quantity=2, rack_id="L1", position_u=5, feed_a="L3"),
    )
    mapping = map_build(_input(items=items))
    cables = [c for c in mapping.by_endpoint("dcim.cables") if "/L4." in c.key]
    assert len(cables) == 3  # 4 cords, 3 outlets
    assert any("no free outlet" in note for note in mapping.notes)


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Northbeam Power", "northbeam-power"), ("Ström & Co.", "strom-co"), ("", "x")],
)
def test_slugify_uses_netbox_alphabet(text: str, slug: str) -> None:
    """Slugs are lower-case ASCII letters, digits, hyphens."""
    assert slugify(text) == slug


def test_export_writes_import_files_in_dependency_order() -> None:
    """Numbered YAML files, references by name, custom fields as cf_*, device types with
    their ports and outlets; the zip adds a README with the order."""
    mapping = map_build(_input(), keep=None)
    files = export_files(mapping)
    names = list(files)
    assert names == sorted(names)
    assert names[0] == "01-tags.yaml"
    assert names[-1].endswith("-cables.yaml")
    devices = yaml.safe_load(files[next(n for n in names if n.endswith("-devices.yaml"))])
    server = next(d for d in devices if d["cf_mdc_key"] == "b7/device/L4.1")
    assert server["rack"] == "Main rack (L1)"
    assert server["site"] == "Lyon store"
    assert (server["position"], server["face"], server["status"]) == (5, "rear", "planned")
    types = list(
        yaml.safe_load_all(files[next(n for n in names if n.endswith("-device-types.yaml"))])
    )
    ups = next(t for t in types if t["part_number"] == "NB-OX3000")
    assert ups["manufacturer"] == "Northbeam Power"
    assert len(ups["power-outlets"]) == 3
    cables = yaml.safe_load(files[names[-1]])
    cable = next(c for c in cables if c["cf_mdc_key"] == "b7/cable/L4.1/PSU1")
    assert cable["side_a_type"] == "dcim.powerport"
    assert cable["side_a_name"] == "PSU1"
    assert cable["side_b_type"] == "dcim.poweroutlet"
    archive = zipfile.ZipFile(io.BytesIO(export_zip(mapping, build_name="Test", revision=3)))
    assert archive.namelist()[0] == "README.txt"
    assert "cannot hold" in archive.read("README.txt").decode()


def test_a_liquid_build_maps_its_cdu_and_facility_water_and_says_what_netbox_cannot_hold() -> None:
    """The liquid example: CDU and dry cooler become devices with their own roles; the loop
    (coolant_from) is written in each device's comments, and the notes say NetBox has no
    liquid cable nor capacity fields for it."""
    spec = load_build(Path("rules/examples/liquid_ai_inference_rack.json").read_bytes())
    components = {r.component.ref: r.component for r in spec.racks}
    components.update({i.component.ref: i.component for i in spec.items})
    rows = {
        ref: CatalogueRow(
            component_id=n,
            manufacturer=c.manufacturer,
            manufacturer_slug=slugify(c.manufacturer),
            model_name=c.name,
            sku=c.sku,
        )
        for n, (ref, c) in enumerate(sorted(components.items()), start=1)
    }
    mapping = map_build(
        HandoffInput(
            build_id=9,
            build_name=spec.name,
            revision=1,
            site_name=spec.site.name,
            spec=spec,
            rows=rows,
        )
    )
    roles = {o.key for o in mapping.objects if o.endpoint == "dcim.device_roles"}
    assert {"role/cdu", "role/facility-water"} <= roles
    devices = [o for o in mapping.objects if o.endpoint == "dcim.devices"]
    comments = {d.fields["comments"] for d in devices}
    assert any("coolant from line cdu1" in c for c in comments)
    assert any("coolant from line fw1" in c for c in comments)
    assert any("liquid loops" in note for note in mapping.notes)
