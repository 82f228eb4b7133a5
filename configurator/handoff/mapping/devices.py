"""Racks, device types and devices: where each unit of a build stands and what it is.

A rack line is a NetBox rack; a component is a device type (with power-port and power-outlet
templates), created once per component; each unit of a line is a planned device at its rack
position and face, listed with its power ports so the cables have both ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from configurator.handoff.mapping.objects import (
    NAME_MAX,
    TAG_SLUG,
    CatalogueRow,
    HandoffInput,
    NetBoxObject,
    Ref,
    decimal,
    label,
    owned_fields,
    slugify,
    whole,
)
from configurator.handoff.mapping.ports import Outlet, Port, ports_of
from configurator.handoff.mapping.reference import ROLES
from rules.model import PlacedItem, RackInstance
from rules.specs import RackSpec

AIRFLOW = {
    "front_to_back": "front-to-rear",
    "back_to_front": "rear-to-front",
    "side_to_side": "left-to-right",
    "passive": "passive",
}


@dataclass(frozen=True)
class Unit:
    """One physical unit of a build line: a NetBox device."""

    key: str
    item: PlacedItem
    index: int  # 1-based within the line
    name: str
    position: float | None


@dataclass
class Units:
    """The units of every line, and the power ports and outlets of each unit (by unit key)."""

    by_line: dict[str, list[Unit]]
    ports: dict[str, list[Port]] = field(default_factory=dict)
    outlets: dict[str, list[Outlet]] = field(default_factory=dict)


def units_of(item: PlacedItem, build_id: int, row: CatalogueRow | None) -> list[Unit]:
    """The devices of one line: one per unit, stacked upwards from the line's position."""
    base = label(item.note or (row.model_name if row else item.component.name), NAME_MAX - 16)
    units = []
    for index in range(1, item.quantity + 1):
        suffix = item.id if item.quantity == 1 else f"{item.id}.{index}"
        position = None
        if item.position_u is not None and item.component.u_height > 0:
            position = item.position_u + (index - 1) * item.component.u_height
        units.append(
            Unit(f"b{build_id}/device/{suffix}", item, index, f"{base} ({suffix})", position)
        )
    return units


def rack_key(data: HandoffInput, rack_id: str | None) -> str:
    return f"b{data.build_id}/rack/{rack_id}"


def rack_object(data: HandoffInput, rack: RackInstance, site_key: str) -> NetBoxObject:
    """A rack line as a planned NetBox rack, its environment and loads in the comments."""
    spec = rack.component.spec
    if not isinstance(spec, RackSpec):
        raise ValueError(f"rack {rack.id} has no rack spec")
    key = rack_key(data, rack.id)
    row = data.rows.get(rack.component.ref)
    source = (row.netbox_type if row else None) or {}
    form_factor = source.get("form_factor") or (
        "wall-cabinet" if spec.wall_mount else "4-post-cabinet"
    )
    width = source.get("width") if source.get("width") in (10, 19, 21, 23) else 19
    comments = [
        f"IP rating {spec.ip_rating}, {spec.environment.value}, ambient "
        f"{spec.ambient_min_c:g}..{spec.ambient_max_c:g} °C"
    ]
    if spec.dynamic_load_kg is not None:
        comments.append(f"rolling (dynamic) load {spec.dynamic_load_kg:g} kg")
    if row is not None:
        comments.append(f"{row.manufacturer} {row.model_name} ({row.sku})")
    return NetBoxObject(
        key,
        "dcim.racks",
        f"rack {rack.name}",
        {
            "site": Ref(site_key),
            "name": label(f"{rack.name} ({rack.id})", 100),
            "status": "planned",
            "form_factor": form_factor,
            "width": width,
            "u_height": spec.u,
            "outer_width": whole(spec.width_mm),
            "outer_depth": whole(spec.depth_mm),
            "outer_unit": "mm",
            "mounting_depth": whole(spec.usable_depth_mm),
            "max_weight": whole(spec.static_load_kg),
            "weight": decimal(rack.component.weight_kg),
            "weight_unit": "kg",
            "comments": "; ".join(comments),
            **owned_fields(data, key),
        },
        match=({"site_id": Ref(site_key), "name": label(f"{rack.name} ({rack.id})", 100)},),
        owned=True,
    )


def device_type_key(row: CatalogueRow) -> str:
    return f"devicetype/{row.manufacturer_slug}/{slugify(row.sku)}"


def device_types(
    data: HandoffInput,
) -> tuple[list[NetBoxObject], dict[str, tuple[list[Port], list[Outlet]]]]:
    """Device types and their templates, once per component; and the ports of each type."""
    objects: list[NetBoxObject] = []
    type_ports: dict[str, tuple[list[Port], list[Outlet]]] = {}
    for item in data.spec.items:
        row = data.rows.get(item.component.ref)
        if row is None:
            continue
        type_key = device_type_key(row)
        if type_key in type_ports:
            continue
        ports, outlets = ports_of(item, row)
        type_ports[type_key] = (ports, outlets)
        objects.extend(_device_type(item, row, type_key, ports, outlets))
    return objects, type_ports


def _device_type(
    item: PlacedItem,
    row: CatalogueRow,
    type_key: str,
    ports: Sequence[Port],
    outlets: Sequence[Outlet],
) -> list[NetBoxObject]:
    component = item.component
    source = row.netbox_type or {}
    maker = Ref(f"manufacturer/{row.manufacturer_slug}")
    model = str(source.get("model") or row.model_name)[:100]
    slug = slugify(str(source.get("slug") or f"{row.manufacturer_slug}-{row.sku}"))
    fields: dict[str, Any] = {
        "manufacturer": maker,
        "model": model,
        "slug": slug,
        "part_number": str(source.get("part_number") or row.sku)[:50],
        "u_height": component.u_height,
        "is_full_depth": bool(source.get("is_full_depth", row.is_full_depth)),
        "airflow": source.get("airflow") or AIRFLOW.get(str(component.airflow or "")),
        "weight": decimal(component.weight_kg),
        "weight_unit": "kg",
        "description": label(row.description, 200),
        "tags": [Ref(f"tag/{TAG_SLUG}")],
    }
    objects = [
        NetBoxObject(
            type_key,
            "dcim.device_types",
            f"device type {row.manufacturer} {model}",
            fields,
            match=(
                {"manufacturer_id": maker, "slug": slug},
                {"manufacturer_id": maker, "model": model},
            ),
            policy="create_only",
        )
    ]
    for port in ports:
        objects.append(
            NetBoxObject(
                f"ppt/{type_key}/{port.name}",
                "dcim.power_port_templates",
                f"power port template {port.name} of {model}",
                {
                    "device_type": Ref(type_key),
                    "name": port.name,
                    "type": port.type,
                    "maximum_draw": port.maximum_draw,
                    "allocated_draw": port.allocated_draw,
                },
                match=({"device_type_id": Ref(type_key), "name": port.name},),
                policy="create_only",
            )
        )
    for outlet in outlets:
        objects.append(
            NetBoxObject(
                f"pot/{type_key}/{outlet.name}",
                "dcim.power_outlet_templates",
                f"power outlet template {outlet.name} of {model}",
                {
                    "device_type": Ref(type_key),
                    "name": outlet.name,
                    "type": outlet.type,
                    "power_port": Ref(f"ppt/{type_key}/{outlet.port}"),
                    "feed_leg": outlet.feed_leg,
                },
                match=({"device_type_id": Ref(type_key), "name": outlet.name},),
                policy="create_only",
            )
        )
    return objects


def devices(
    data: HandoffInput,
    site_key: str,
    type_ports: dict[str, tuple[list[Port], list[Outlet]]],
) -> tuple[list[NetBoxObject], Units, list[str]]:
    """Devices with their power ports, the units behind them, and the lines left out.

    Ports are created by NetBox from the templates; they are listed here too, so a device
    type that lacks them still ends up with what the cables need.
    """
    items = data.spec.items
    rows = data.rows
    units = Units({i.id: units_of(i, data.build_id, rows.get(i.component.ref)) for i in items})
    objects: list[NetBoxObject] = []
    notes: list[str] = []
    for item in items:
        row = data.rows.get(item.component.ref)
        if row is None:
            notes.append(f"{item.id}: component {item.component.ref} is not in the catalogue")
            continue
        type_key = device_type_key(row)
        ports, outlets = type_ports[type_key]
        for unit in units.by_line[item.id]:
            objects.append(_device(data, unit, row, type_key, site_key))
            units.ports[unit.key] = ports
            units.outlets[unit.key] = list(outlets)
            for port in ports:
                objects.append(
                    NetBoxObject(
                        f"port/{unit.key}/{port.name}",
                        "dcim.power_ports",
                        f"power port {port.name} of {unit.name}",
                        {
                            "device": Ref(unit.key),
                            "name": port.name,
                            "type": port.type,
                            "maximum_draw": port.maximum_draw,
                            "allocated_draw": port.allocated_draw,
                        },
                        match=({"device_id": Ref(unit.key), "name": port.name},),
                        policy="create_only",
                    )
                )
    return objects, units, notes


def _device(
    data: HandoffInput, unit: Unit, row: CatalogueRow, type_key: str, site_key: str
) -> NetBoxObject:
    item = unit.item
    _, role_slug, _ = ROLES[item.component.kind]
    comments = [f"{row.manufacturer} {row.model_name} ({row.sku}), build line {item.id}"]
    if item.ups_id:
        comments.append(f"battery string of UPS line {item.ups_id}")
    if item.phase:
        comments.append(f"cords on phase L{item.phase}")
    if item.coolant_from:
        # NetBox has no liquid loop to cable: the plumbing is recorded in words.
        comments.append(f"coolant from line {item.coolant_from}")
    if item.note:
        comments.append(item.note)
    in_rack = item.rack_id is not None
    return NetBoxObject(
        unit.key,
        "dcim.devices",
        f"device {unit.name}",
        {
            "name": unit.name,
            "device_type": Ref(type_key),
            "role": Ref(f"role/{role_slug}"),
            "site": Ref(site_key),
            "rack": Ref(rack_key(data, item.rack_id)) if in_rack else None,
            "position": unit.position,
            "face": item.face.value if unit.position is not None else None,
            "status": "planned",
            "comments": "; ".join(comments),
            **owned_fields(data, unit.key),
        },
        match=({"site_id": Ref(site_key), "name": unit.name},),
        owned=True,
    )
