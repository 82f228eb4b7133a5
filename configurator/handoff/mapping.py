"""A build as NetBox objects, in dependency order (pure: no Django, no network).

`map_build(HandoffInput)` turns the engine's snapshot of a build (`rules.BuildSpec`) and the
catalogue rows behind it into `NetBoxObject` descriptions: tag and custom fields, manufacturers,
device roles, the site, racks, device types with their power-port and power-outlet templates,
devices (status planned, rack, position, face), their power ports and outlets, a power panel
with one power feed per cord the site supply feeds, and one power cable per cord. Field
values name other objects with `Ref(key)`; the plan resolves them to NetBox ids.

docs/netbox-handoff.md is the long form, with what NetBox cannot hold.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from rules.model import BuildSpec, PlacedItem, RackInstance
from rules.specs import (
    AtsSpec,
    CoolingSpec,
    ItSpec,
    Kind,
    PduSpec,
    RackSpec,
    UpsSpec,
)

__all__ = [
    "CUSTOM_FIELDS",
    "ENDPOINT_ORDER",
    "TAG_SLUG",
    "CatalogueRow",
    "HandoffInput",
    "HandoffMapping",
    "NetBoxObject",
    "Ref",
    "map_build",
    "slugify",
]

TAG_SLUG = "mdc-configurator"
TAG_NAME = "MDC configurator"
CF_BUILD = "mdc_build_id"
CF_REVISION = "mdc_build_revision"
CF_KEY = "mdc_key"
# Object types that carry the hand-off's custom fields (NetBox "app_label.model").
OWNED_TYPES = ("dcim.rack", "dcim.device", "dcim.powerpanel", "dcim.powerfeed", "dcim.cable")
CUSTOM_FIELDS = {
    CF_BUILD: ("integer", "MDC build", "Id of the configurator build this object comes from."),
    CF_REVISION: (
        "integer",
        "MDC build revision",
        "Build revision that last wrote this object (unchanged objects keep their revision).",
    ),
    CF_KEY: ("text", "MDC key", "The object's identity in the configurator: build/kind/line."),
}

# Dependency order of the writes; deletes go the other way.
ENDPOINT_ORDER = (
    "extras.tags",
    "extras.custom_fields",
    "dcim.manufacturers",
    "dcim.device_roles",
    "dcim.sites",
    "dcim.racks",
    "dcim.device_types",
    "dcim.power_port_templates",
    "dcim.power_outlet_templates",
    "dcim.devices",
    "dcim.power_ports",
    "dcim.power_outlets",
    "dcim.power_panels",
    "dcim.power_feeds",
    "dcim.cables",
)

# kind -> (role name, slug, colour)
ROLES: dict[Kind, tuple[str, str, str]] = {
    Kind.SERVER: ("Server", "server", "2196f3"),
    Kind.GPU_SERVER: ("GPU server", "gpu-server", "673ab7"),
    Kind.SWITCH: ("Network switch", "network-switch", "4caf50"),
    Kind.ROUTER: ("Router / firewall", "router-firewall", "ff9800"),
    Kind.STORAGE: ("Storage", "storage", "795548"),
    Kind.MONITORING: ("Monitoring / security", "monitoring", "00bcd4"),
    Kind.UPS: ("UPS", "ups", "f44336"),
    Kind.PDU: ("PDU", "pdu", "9e9e9e"),
    Kind.ATS: ("ATS", "ats", "607d8b"),
    Kind.BATTERY: ("Battery pack", "battery-pack", "ffc107"),
    Kind.COOLING: ("Cooling", "cooling", "03a9f4"),
    Kind.CDU: ("Coolant distribution unit", "cdu", "0097a7"),
    Kind.FACILITY_WATER: ("Facility water source", "facility-water", "006064"),
    Kind.FIRE_SUPPRESSION: ("Fire suppression", "fire-suppression", "e91e63"),
    Kind.ACCESSORY: ("Rack accessory", "rack-accessory", "bdbdbd"),
    Kind.BUNDLE: ("Bundle", "bundle", "bdbdbd"),
}
IT_KINDS = frozenset(
    {Kind.SERVER, Kind.GPU_SERVER, Kind.SWITCH, Kind.ROUTER, Kind.STORAGE, Kind.MONITORING}
)
AIRFLOW = {
    "front_to_back": "front-to-rear",
    "back_to_front": "rear-to-front",
    "side_to_side": "left-to-right",
    "passive": "passive",
}
CONNECTORS = {"C14": "iec-60320-c14", "C20": "iec-60320-c20", "dc": "dc-terminal"}
# The outlet a plug goes into by preference.
OUTLET_FOR_PLUG = {"iec-60320-c14": "iec-60320-c13", "iec-60320-c20": "iec-60320-c19"}
LEGS = ("A", "B", "C")
NAME_MAX = 64


@dataclass(frozen=True)
class Ref:
    """Another object of the mapping, by key; the plan puts its NetBox id in its place."""

    key: str


@dataclass(frozen=True)
class NetBoxObject:
    """One NetBox object the hand-off wants to exist, and how to find it there.

    ``owned`` objects (racks, devices, power panel, feeds, cables) carry the tag and the custom
    fields; they are found by ``mdc_key`` and kept equal to ``fields``. Other objects are
    found by ``match`` (alternative filter sets, first hit wins): ``create_only`` ones are
    created when missing and otherwise left as operations keep them; ``must_exist`` ones
    (manufacturers, unless the connection may create them) stop the push when missing.
    """

    key: str
    endpoint: str
    label: str
    fields: dict[str, Any]
    match: tuple[dict[str, Any], ...] = ()
    policy: Literal["managed", "create_only", "must_exist"] = "managed"
    owned: bool = False
    note: str = ""


@dataclass(frozen=True)
class CatalogueRow:
    """What the hand-off needs of a catalogue component beyond the engine's view of it."""

    component_id: int
    manufacturer: str
    manufacturer_slug: str
    model_name: str
    sku: str
    description: str = ""
    is_full_depth: bool = False
    netbox_type: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class HandoffInput:
    """A build as the hand-off reads it: snapshot, identity, site and catalogue rows."""

    build_id: int
    build_name: str
    revision: int
    site_name: str
    spec: BuildSpec
    rows: Mapping[str, CatalogueRow]  # by ComponentSpec.ref (the component's pk as text)
    site_slug: str = ""
    create_manufacturers: bool = False


@dataclass
class HandoffMapping:
    """The objects in dependency order, and what NetBox cannot hold of this build."""

    objects: list[NetBoxObject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def by_endpoint(self, endpoint: str) -> list[NetBoxObject]:
        return [o for o in self.objects if o.endpoint == endpoint]

    def get(self, key: str) -> NetBoxObject | None:
        for obj in self.objects:
            if obj.key == key:
                return obj
        return None


def slugify(text: str, max_length: int = 100) -> str:
    """NetBox's slug alphabet: lower-case ASCII letters, digits, hyphens and underscores."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "x"


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _decimal(value: float | None, places: int = 2) -> float | None:
    if value is None:
        return None
    return float(round(Decimal(str(value)), places))


# --------------------------------------------------------------------------- cords and ports


@dataclass(frozen=True)
class Port:
    """A power port (inlet) of a device type: name, plug and per-port draw."""

    name: str
    type: str | None
    maximum_draw: int | None = None
    allocated_draw: int | None = None


@dataclass(frozen=True)
class Outlet:
    """A power outlet of a device type, fed by one of its ports."""

    name: str
    type: str | None
    port: str
    feed_leg: str | None = None


def _inlet_type(voltage_v: float, phases: int, amps: float | None) -> str | None:
    """The plug a power-chain inlet most likely has, from its voltage, phases and rating."""
    if amps is None:
        return None
    if phases == 3:
        if voltage_v < 150:
            return "nema-l21-30p" if amps <= 30 else None
        return "iec-60309-3p-n-e-6h"
    if voltage_v < 150:
        return "nema-5-15p" if amps <= 15 else "nema-5-20p" if amps <= 20 else "nema-l5-30p"
    if voltage_v < 220:
        return "nema-l6-20p" if amps <= 20 else "nema-l6-30p"
    if amps <= 10:
        return "iec-60320-c14"
    if amps <= 16:
        return "iec-60320-c20"
    return "iec-60309-p-n-e-6h"


def _spread_outlets(
    count_c13: int, count_c19: int, other: int, *, port: str, phases: int
) -> list[Outlet]:
    outlets: list[Outlet] = []
    kinds = ["iec-60320-c13"] * count_c13 + ["iec-60320-c19"] * count_c19 + [None] * other
    for n, kind in enumerate(kinds, start=1):
        leg = LEGS[(n - 1) % 3] if phases == 3 else None
        outlets.append(Outlet(f"Outlet {n}", kind, port, leg))
    return outlets


def _ports_from_yaml(data: Mapping[str, Any]) -> tuple[list[Port], list[Outlet]]:
    ports = [
        Port(
            str(p.get("name", f"PSU{n}")),
            p.get("type") or None,
            _whole(p.get("maximum_draw")),
            _whole(p.get("allocated_draw")),
        )
        for n, p in enumerate(data.get("power-ports") or [], start=1)
        if isinstance(p, Mapping)
    ]
    first = ports[0].name if ports else ""
    outlets = [
        Outlet(
            str(o.get("name", f"Outlet {n}")),
            o.get("type") or None,
            str(o.get("power_port") or first),
            o.get("feed_leg") or None,
        )
        for n, o in enumerate(data.get("power-outlets") or [], start=1)
        if isinstance(o, Mapping)
    ]
    return ports, outlets


def ports_of(item: PlacedItem, row: CatalogueRow | None) -> tuple[list[Port], list[Outlet]]:
    """The power ports and outlets of one unit: from the NetBox file kept at import, else
    from the component's own figures."""
    component = item.component
    if row is not None and row.netbox_type and component.kind is not Kind.RACK:
        ports, outlets = _ports_from_yaml(row.netbox_type)
        if ports or outlets:
            return ports, outlets
    spec = component.spec
    if isinstance(spec, ItSpec):
        count = spec.psu_count
        if count == 0:
            return [], []
        nameplate, typical = component.nameplate_w, component.typical_w
        if not spec.redundant_psus and count > 1:
            nameplate = None if nameplate is None else nameplate / count
            typical = None if typical is None else typical / count
        typical = nameplate if typical is None else typical
        plug = CONNECTORS.get(spec.psu_connector)
        return [
            Port(f"PSU{n}", plug, _whole(nameplate), _whole(typical)) for n in range(1, count + 1)
        ], []
    if isinstance(spec, UpsSpec):
        plug = _inlet_type(spec.input_voltage_v, spec.input_phases, spec.input_current_a)
        outlets = _spread_outlets(spec.outlets_c13, spec.outlets_c19, 0, port="Input", phases=1)
        return [Port("Input", plug)], outlets
    if isinstance(spec, PduSpec):
        plug = _inlet_type(spec.voltage_v, spec.phases, spec.input_current_a)
        outlets = _spread_outlets(
            spec.outlets_c13, spec.outlets_c19, spec.outlets_other, port="Input", phases=spec.phases
        )
        return [Port("Input", plug)], outlets
    if isinstance(spec, AtsSpec):
        plug = _inlet_type(spec.voltage_v, spec.phases, spec.rated_a)
        outlets = _spread_outlets(
            spec.outlets_c13, spec.outlets_c19, 0, port="Input A", phases=spec.phases
        )
        return [Port("Input A", plug), Port("Input B", plug)], outlets
    if isinstance(spec, CoolingSpec):
        if spec.power_draw_w <= 0:
            return [], []
        draw = _whole(spec.power_draw_w)
        return [Port("Power", "hardwired", draw, draw)], []
    return [], []


# --------------------------------------------------------------------------- the mapping


@dataclass(frozen=True)
class Unit:
    """One physical unit of a build line: a NetBox device."""

    key: str
    item: PlacedItem
    index: int  # 1-based within the line
    name: str
    position: float | None


def _label(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _units(item: PlacedItem, build_id: int, row: CatalogueRow | None) -> list[Unit]:
    base = _label(item.note or (row.model_name if row else item.component.name), NAME_MAX - 16)
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


def _owned_fields(data: HandoffInput, key: str) -> dict[str, Any]:
    return {
        "tags": [Ref(f"tag/{TAG_SLUG}")],
        "custom_fields": {CF_BUILD: data.build_id, CF_REVISION: data.revision, CF_KEY: key},
    }


def _device_type_key(row: CatalogueRow) -> str:
    return f"devicetype/{row.manufacturer_slug}/{slugify(row.sku)}"


def map_build(data: HandoffInput, *, keep: Mapping[str, str] | None = None) -> HandoffMapping:
    """The NetBox objects of a build in dependency order, and the notes on what is lost.

    ``keep`` maps a cable key to the outlet (or feed) name it ends on in NetBox today, so a
    later revision leaves existing cables where they are and only new cords take free outlets.
    """
    out = HandoffMapping()
    spec = data.spec
    site = spec.site
    owned_types = list(OWNED_TYPES)

    # Reference data: tag, custom fields, manufacturers, roles.
    out.objects.append(
        NetBoxObject(
            f"tag/{TAG_SLUG}",
            "extras.tags",
            f"tag {TAG_NAME}",
            {
                "name": TAG_NAME,
                "slug": TAG_SLUG,
                "color": "3f51b5",
                "description": "Pushed by the micro data center configurator",
            },
            match=({"slug": TAG_SLUG},),
            policy="create_only",
        )
    )
    for name, (cf_type, label, description) in CUSTOM_FIELDS.items():
        out.objects.append(
            NetBoxObject(
                f"cf/{name}",
                "extras.custom_fields",
                f"custom field {name}",
                {
                    "name": name,
                    "label": label,
                    "type": cf_type,
                    "object_types": owned_types,
                    "group_name": "MDC configurator",
                    "description": description,
                },
                match=({"name": name},),
            )
        )

    items = list(spec.items)
    rows = data.rows
    makers: dict[str, str] = {}
    kinds: list[Kind] = []
    for component in [r.component for r in spec.racks] + [i.component for i in items]:
        row = rows.get(component.ref)
        if row is not None:
            makers.setdefault(row.manufacturer_slug, row.manufacturer)
        if component.kind is not Kind.RACK and component.kind not in kinds:
            kinds.append(component.kind)
    for slug, name in makers.items():
        out.objects.append(
            NetBoxObject(
                f"manufacturer/{slug}",
                "dcim.manufacturers",
                f"manufacturer {name}",
                {"name": name, "slug": slug},
                match=({"slug": slug}, {"name": name}),
                policy="create_only" if data.create_manufacturers else "must_exist",
            )
        )
    for kind in kinds:
        role_name, role_slug, colour = ROLES[kind]
        out.objects.append(
            NetBoxObject(
                f"role/{role_slug}",
                "dcim.device_roles",
                f"device role {role_name}",
                {"name": role_name, "slug": role_slug, "color": colour, "vm_role": False},
                match=({"slug": role_slug}, {"name": role_name}),
                policy="create_only",
            )
        )

    # The site: matched by slug (operations may have it already), else created.
    site_slug = data.site_slug or slugify(data.site_name)
    site_key = f"site/{site_slug}"
    out.objects.append(
        NetBoxObject(
            site_key,
            "dcim.sites",
            f"site {data.site_name}",
            {
                "name": _label(data.site_name, 100),
                "slug": site_slug,
                "status": "planned",
                "description": _label(f"Edge site of build {data.build_name}", 200),
            },
            match=({"slug": site_slug}, {"name": _label(data.site_name, 100)}),
            policy="create_only",
        )
    )

    # Racks.
    for rack in spec.racks:
        out.objects.append(_rack(data, rack, site_key))

    # Device types and their templates, once per component.
    unit_lists = {
        item.id: _units(item, data.build_id, rows.get(item.component.ref)) for item in items
    }
    seen_types: set[str] = set()
    type_ports: dict[str, tuple[list[Port], list[Outlet]]] = {}
    for item in items:
        row = rows.get(item.component.ref)
        if row is None:
            continue
        type_key = _device_type_key(row)
        if type_key in seen_types:
            continue
        seen_types.add(type_key)
        ports, outlets = ports_of(item, row)
        type_ports[type_key] = (ports, outlets)
        out.objects.extend(_device_type(item, row, type_key, ports, outlets))

    # Devices, with their ports and outlets (created by NetBox from the templates; listed so
    # a device type that lacks them still ends up with what the cables need).
    unit_ports: dict[str, list[Port]] = {}
    unit_outlets: dict[str, list[Outlet]] = {}
    for item in items:
        row = rows.get(item.component.ref)
        if row is None:
            out.notes.append(f"{item.id}: component {item.component.ref} is not in the catalogue")
            continue
        type_key = _device_type_key(row)
        ports, outlets = type_ports[type_key]
        for unit in unit_lists[item.id]:
            out.objects.append(_device(data, unit, row, type_key, site_key))
            unit_ports[unit.key] = ports
            unit_outlets[unit.key] = list(outlets)
            for port in ports:
                out.objects.append(
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

    # Cords: which source each power port of each unit plugs into.
    cords = _cords(items, unit_lists, unit_ports)
    hardwired_extra = _hardwired_outputs(cords, unit_lists, unit_outlets, items)
    for item in items:
        for unit in unit_lists.get(item.id, []):
            for outlet in unit_outlets.get(unit.key, []):
                out.objects.append(
                    NetBoxObject(
                        f"outlet/{unit.key}/{outlet.name}",
                        "dcim.power_outlets",
                        f"power outlet {outlet.name} of {unit.name}",
                        {
                            "device": Ref(unit.key),
                            "name": outlet.name,
                            "type": outlet.type,
                            "power_port": Ref(f"port/{unit.key}/{outlet.port}"),
                            "feed_leg": outlet.feed_leg,
                        },
                        match=({"device_id": Ref(unit.key), "name": outlet.name},),
                        policy="create_only",
                        note="hardwired output" if outlet.name in hardwired_extra else "",
                    )
                )

    # Site supply: one panel, one feed per cord on it.
    site_cords = [c for c in cords if c.source is None]
    panel_key = f"b{data.build_id}/panel"
    three_phase_ll = _whole(site.supply_voltage_v * math.sqrt(3))
    if site_cords:
        out.objects.append(
            NetBoxObject(
                panel_key,
                "dcim.power_panels",
                "power panel of the site supply",
                {
                    "site": Ref(site_key),
                    "name": _label(f"Site supply (build {data.build_id})", 100),
                    "description": _label(
                        f"{site.supply_phases}-phase {site.supply_voltage_v:g} V L-N, "
                        f"{site.supply_breaker_a:g} A breaker per phase",
                        200,
                    ),
                    **_owned_fields(data, panel_key),
                },
                owned=True,
            )
        )
    utilisation = max(1, min(100, round(spec.policy.utilisation_limit * 100)))
    for cord in site_cords:
        feed_key = f"b{data.build_id}/feed/{cord.unit.key.rsplit('/', 1)[-1]}/{cord.port.name}"
        phases = _input_phases(cord.unit.item)
        three = site.supply_phases == 3 and phases == 3
        out.objects.append(
            NetBoxObject(
                feed_key,
                "dcim.power_feeds",
                f"power feed to {cord.unit.name} {cord.port.name}",
                {
                    "power_panel": Ref(panel_key),
                    "rack": Ref(_rack_key(data, cord.unit.item.rack_id))
                    if cord.unit.item.rack_id
                    else None,
                    "name": _label(f"{cord.unit.name} {cord.port.name}", 100),
                    "status": "planned",
                    "type": "redundant" if cord.leg_b else "primary",
                    "supply": "ac",
                    "phase": "three-phase" if three else "single-phase",
                    "voltage": three_phase_ll if three else _whole(site.supply_voltage_v),
                    "amperage": max(1, math.floor(site.supply_breaker_a)),
                    "max_utilization": utilisation,
                    **_owned_fields(data, feed_key),
                },
                owned=True,
            )
        )
        cable_key = f"b{data.build_id}/cable/{cord.unit.key.rsplit('/', 1)[-1]}/{cord.port.name}"
        out.objects.append(
            _cable(
                data,
                cable_key,
                cord,
                ("dcim.powerfeed", Ref(feed_key)),
                f"{cord.unit.name} {cord.port.name} to the site supply",
            )
        )

    # Cords on a PDU, ATS or UPS: a free outlet of the source unit, kept where it is.
    taken: dict[str, set[str]] = {}
    keep = keep or {}
    source_cords = [c for c in cords if c.source is not None]
    # Cables that exist keep their outlet first; new cords take what is left, in build order.
    for first_pass in (True, False):
        for cord in source_cords:
            cable_key = (
                f"b{data.build_id}/cable/{cord.unit.key.rsplit('/', 1)[-1]}/{cord.port.name}"
            )
            if cord.outlet is not None or cord.source is None:
                continue
            outlets = unit_outlets.get(cord.source.key, [])
            used = taken.setdefault(cord.source.key, set())
            wanted = keep.get(cable_key)
            if first_pass:
                if wanted and wanted not in used and any(o.name == wanted for o in outlets):
                    cord.outlet = wanted
                    used.add(wanted)
                continue
            choice = _free_outlet(outlets, used, cord.port.type, _leg(cord.unit.item))
            if choice is None:
                out.notes.append(
                    f"{cord.unit.name} {cord.port.name}: {cord.source.name} has no free outlet "
                    "left; the cord is not cabled in NetBox"
                )
                continue
            cord.outlet = choice.name
            used.add(choice.name)
    for cord in source_cords:
        if cord.outlet is None or cord.source is None:
            continue
        cable_key = f"b{data.build_id}/cable/{cord.unit.key.rsplit('/', 1)[-1]}/{cord.port.name}"
        out.objects.append(
            _cable(
                data,
                cable_key,
                cord,
                ("dcim.poweroutlet", Ref(f"outlet/{cord.source.key}/{cord.outlet}")),
                f"{cord.unit.name} {cord.port.name} to {cord.source.name} {cord.outlet}",
            )
        )

    out.notes.extend(_losses(data))
    order = {endpoint: n for n, endpoint in enumerate(ENDPOINT_ORDER)}
    out.objects.sort(key=lambda o: order[o.endpoint])  # stable: build order within a type
    return out


def _rack_key(data: HandoffInput, rack_id: str | None) -> str:
    return f"b{data.build_id}/rack/{rack_id}"


def _rack(data: HandoffInput, rack: RackInstance, site_key: str) -> NetBoxObject:
    spec = rack.component.spec
    if not isinstance(spec, RackSpec):
        raise ValueError(f"rack {rack.id} has no rack spec")
    key = _rack_key(data, rack.id)
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
            "name": _label(f"{rack.name} ({rack.id})", 100),
            "status": "planned",
            "form_factor": form_factor,
            "width": width,
            "u_height": spec.u,
            "outer_width": _whole(spec.width_mm),
            "outer_depth": _whole(spec.depth_mm),
            "outer_unit": "mm",
            "mounting_depth": _whole(spec.usable_depth_mm),
            "max_weight": _whole(spec.static_load_kg),
            "weight": _decimal(rack.component.weight_kg),
            "weight_unit": "kg",
            "comments": "; ".join(comments),
            **_owned_fields(data, key),
        },
        match=({"site_id": Ref(site_key), "name": _label(f"{rack.name} ({rack.id})", 100)},),
        owned=True,
    )


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
        "weight": _decimal(component.weight_kg),
        "weight_unit": "kg",
        "description": _label(row.description, 200),
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
            "rack": Ref(_rack_key(data, item.rack_id)) if in_rack else None,
            "position": unit.position,
            "face": item.face.value if unit.position is not None else None,
            "status": "planned",
            "comments": "; ".join(comments),
            **_owned_fields(data, unit.key),
        },
        match=({"site_id": Ref(site_key), "name": unit.name},),
        owned=True,
    )


@dataclass
class Cord:
    """One power port of one unit and the unit it plugs into (None: the site supply)."""

    unit: Unit
    port: Port
    source: Unit | None
    leg_b: bool
    outlet: str | None = None


def _input_phases(item: PlacedItem) -> int:
    spec = item.component.spec
    if isinstance(spec, UpsSpec):
        return spec.input_phases
    if isinstance(spec, PduSpec | AtsSpec):
        return spec.phases
    return 1


def _leg(item: PlacedItem) -> str | None:
    return LEGS[item.phase - 1] if item.phase else None


def _cords(
    items: Iterable[PlacedItem],
    units: Mapping[str, list[Unit]],
    unit_ports: Mapping[str, list[Port]],
) -> list[Cord]:
    """Port n of a unit plugs into feed A when n is odd, feed B (or A without one) when even;
    unit k of a line uses unit k of a source line with several units, round robin."""
    cords: list[Cord] = []
    for item in items:
        for unit in units.get(item.id, []):
            for n, port in enumerate(unit_ports.get(unit.key, [])):
                on_b = n % 2 == 1 and item.feed_b is not None
                source_id = item.feed_b if on_b else item.feed_a
                source = None
                if source_id is not None and units.get(source_id):
                    pool = units[source_id]
                    source = pool[(unit.index - 1) % len(pool)]
                cords.append(Cord(unit, port, source, leg_b=on_b))
    return cords


def _hardwired_outputs(
    cords: Sequence[Cord],
    units: Mapping[str, list[Unit]],
    unit_outlets: dict[str, list[Outlet]],
    items: Sequence[PlacedItem],
) -> set[str]:
    """A UPS or ATS without outlets has a hardwired output: one outlet per cord it feeds."""
    names: set[str] = set()
    kinds = {unit.key: unit.item.component.kind for us in units.values() for unit in us}
    for source_key, kind in kinds.items():
        if kind not in (Kind.UPS, Kind.ATS) or unit_outlets.get(source_key):
            continue
        fed = [c for c in cords if c.source is not None and c.source.key == source_key]
        port = "Input" if kind is Kind.UPS else "Input A"
        unit_outlets[source_key] = [
            Outlet(f"Output {n}", "hardwired", port) for n in range(1, len(fed) + 1)
        ]
        names.update(o.name for o in unit_outlets[source_key])
    return names


def _free_outlet(
    outlets: Sequence[Outlet], used: set[str], plug: str | None, leg: str | None
) -> Outlet | None:
    free = [o for o in outlets if o.name not in used]
    wanted_type = OUTLET_FOR_PLUG.get(plug or "")
    for test in (
        lambda o: o.type == wanted_type and (leg is None or o.feed_leg in (None, leg)),
        lambda o: leg is None or o.feed_leg in (None, leg),
        lambda o: True,
    ):
        for outlet in free:
            if test(outlet):
                return outlet
    return None


def _cable(
    data: HandoffInput, key: str, cord: Cord, end: tuple[str, Ref], label: str
) -> NetBoxObject:
    return NetBoxObject(
        key,
        "dcim.cables",
        f"power cable {label}",
        {
            "a_terminations": [
                {
                    "object_type": "dcim.powerport",
                    "object_id": Ref(f"port/{cord.unit.key}/{cord.port.name}"),
                }
            ],
            "b_terminations": [{"object_type": end[0], "object_id": end[1]}],
            "type": "power",
            "status": "planned",
            "label": "B" if cord.leg_b else "A",
            **_owned_fields(data, key),
        },
        owned=True,
    )


def _losses(data: HandoffInput) -> list[str]:
    """What the build says that NetBox has no place for (docs/netbox-handoff.md)."""
    notes = []
    spec = data.spec
    if spec.site.supply_phases == 3:
        notes.append(
            "three-phase feeds carry the line-to-line voltage (NetBox's convention); the "
            "site's line-to-neutral figure is in the power panel's description"
        )
    if any(i.component.kind is Kind.BATTERY for i in spec.items):
        notes.append("battery packs are devices; the UPS whose string they extend is in comments")
    if any(i.component.kind in (Kind.COOLING, Kind.FIRE_SUPPRESSION) for i in spec.items):
        notes.append(
            "cooling and fire suppression are devices: their capacities (sensible W, airflow, "
            "agent mass, protected volume) have no NetBox field"
        )
    if any(i.coolant_from for i in spec.items):
        notes.append(
            "liquid loops (which CDU or facility water source each part takes coolant from) "
            "have no NetBox cable type: they are in each device's comments, and CDU and "
            "facility water capacities, flows and temperatures have no NetBox field"
        )
    notes.append(
        "every feed carries the site breaker's rating: the shared upstream breaker and the "
        "engine's failover scenarios are not NetBox concepts"
    )
    return notes
