"""The power chain: outlets, the site supply (a power panel and its feeds), and power cables.

Each power port of each unit is a cord. A cord on the site supply gets a power feed of its
own on the site's panel; a cord on a PDU, ATS or UPS takes a free outlet of that unit,
the one it ends on in NetBox today when its cable exists already.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from configurator.handoff.mapping.devices import Unit, Units, rack_key
from configurator.handoff.mapping.objects import (
    HandoffInput,
    NetBoxObject,
    Ref,
    label,
    owned_fields,
    whole,
)
from configurator.handoff.mapping.ports import LEGS, OUTLET_FOR_PLUG, Outlet, Port
from rules.model import PlacedItem
from rules.specs import AtsSpec, Kind, PduSpec, UpsSpec


@dataclass
class Cord:
    """One power port of one unit and the unit it plugs into (None: the site supply)."""

    unit: Unit
    port: Port
    source: Unit | None
    leg_b: bool
    outlet: str | None = None


def power_objects(
    data: HandoffInput, units: Units, site_key: str, keep: Mapping[str, str]
) -> tuple[list[NetBoxObject], list[str]]:
    """Outlets, the site's panel and feeds, and the cables; notes on cords left uncabled.

    ``keep`` maps a cable key to the outlet (or feed) name it ends on in NetBox today.
    """
    items = data.spec.items
    objects: list[NetBoxObject] = []
    # Cords: which source each power port of each unit plugs into.
    cords = _cords(items, units.by_line, units.ports)
    hardwired_extra = _hardwired_outputs(cords, units.by_line, units.outlets)
    for item in items:
        for unit in units.by_line.get(item.id, []):
            for outlet in units.outlets.get(unit.key, []):
                objects.append(
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
    objects.extend(_site_supply(data, [c for c in cords if c.source is None], site_key))
    cabled, uncabled = _source_cables(data, [c for c in cords if c.source is not None], units, keep)
    return objects + cabled, uncabled


def _cable_key(data: HandoffInput, cord: Cord) -> str:
    return f"b{data.build_id}/cable/{cord.unit.key.rsplit('/', 1)[-1]}/{cord.port.name}"


def _site_supply(data: HandoffInput, site_cords: list[Cord], site_key: str) -> list[NetBoxObject]:
    """One panel for the site supply, one feed per cord on it, and the cords' cables."""
    site = data.spec.site
    objects: list[NetBoxObject] = []
    panel_key = f"b{data.build_id}/panel"
    three_phase_ll = whole(site.supply_voltage_v * math.sqrt(3))
    if site_cords:
        objects.append(
            NetBoxObject(
                panel_key,
                "dcim.power_panels",
                "power panel of the site supply",
                {
                    "site": Ref(site_key),
                    "name": label(f"Site supply (build {data.build_id})", 100),
                    "description": label(
                        f"{site.supply_phases}-phase {site.supply_voltage_v:g} V L-N, "
                        f"{site.supply_breaker_a:g} A breaker per phase",
                        200,
                    ),
                    **owned_fields(data, panel_key),
                },
                owned=True,
            )
        )
    utilisation = max(1, min(100, round(data.spec.policy.utilisation_limit * 100)))
    for cord in site_cords:
        feed_key = f"b{data.build_id}/feed/{cord.unit.key.rsplit('/', 1)[-1]}/{cord.port.name}"
        phases = _input_phases(cord.unit.item)
        three = site.supply_phases == 3 and phases == 3
        objects.append(
            NetBoxObject(
                feed_key,
                "dcim.power_feeds",
                f"power feed to {cord.unit.name} {cord.port.name}",
                {
                    "power_panel": Ref(panel_key),
                    "rack": Ref(rack_key(data, cord.unit.item.rack_id))
                    if cord.unit.item.rack_id
                    else None,
                    "name": label(f"{cord.unit.name} {cord.port.name}", 100),
                    "status": "planned",
                    "type": "redundant" if cord.leg_b else "primary",
                    "supply": "ac",
                    "phase": "three-phase" if three else "single-phase",
                    "voltage": three_phase_ll if three else whole(site.supply_voltage_v),
                    "amperage": max(1, math.floor(site.supply_breaker_a)),
                    "max_utilization": utilisation,
                    **owned_fields(data, feed_key),
                },
                owned=True,
            )
        )
        objects.append(
            _cable(
                data,
                _cable_key(data, cord),
                cord,
                ("dcim.powerfeed", Ref(feed_key)),
                f"{cord.unit.name} {cord.port.name} to the site supply",
            )
        )
    return objects


def _source_cables(
    data: HandoffInput, source_cords: list[Cord], units: Units, keep: Mapping[str, str]
) -> tuple[list[NetBoxObject], list[str]]:
    """Cords on a PDU, ATS or UPS: a free outlet of the source unit, kept where it is."""
    taken: dict[str, set[str]] = {}
    notes: list[str] = []
    # Cables that exist keep their outlet first; new cords take what is left, in build order.
    for first_pass in (True, False):
        for cord in source_cords:
            if cord.outlet is not None or cord.source is None:
                continue
            outlets = units.outlets.get(cord.source.key, [])
            used = taken.setdefault(cord.source.key, set())
            wanted = keep.get(_cable_key(data, cord))
            if first_pass:
                if wanted and wanted not in used and any(o.name == wanted for o in outlets):
                    cord.outlet = wanted
                    used.add(wanted)
                continue
            choice = _free_outlet(outlets, used, cord.port.type, _leg(cord.unit.item))
            if choice is None:
                notes.append(
                    f"{cord.unit.name} {cord.port.name}: {cord.source.name} has no free outlet "
                    "left; the cord is not cabled in NetBox"
                )
                continue
            cord.outlet = choice.name
            used.add(choice.name)
    objects = [
        _cable(
            data,
            _cable_key(data, cord),
            cord,
            ("dcim.poweroutlet", Ref(f"outlet/{cord.source.key}/{cord.outlet}")),
            f"{cord.unit.name} {cord.port.name} to {cord.source.name} {cord.outlet}",
        )
        for cord in source_cords
        if cord.outlet is not None and cord.source is not None
    ]
    return objects, notes


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
    data: HandoffInput, key: str, cord: Cord, end: tuple[str, Ref], text: str
) -> NetBoxObject:
    return NetBoxObject(
        key,
        "dcim.cables",
        f"power cable {text}",
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
            **owned_fields(data, key),
        },
        owned=True,
    )
