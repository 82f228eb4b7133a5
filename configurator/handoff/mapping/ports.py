"""The power ports (inlets) and outlets of a unit, as NetBox device types list them.

From the NetBox device-type file kept when the component was imported, else from the
component's own figures: PSUs of IT equipment, the inlet and outlets of UPSs, PDUs and ATSs,
the hardwired supply of cooling units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from configurator.handoff.mapping.objects import CatalogueRow, whole
from rules.model import PlacedItem
from rules.specs import AtsSpec, CoolingSpec, ItSpec, Kind, PduSpec, UpsSpec

CONNECTORS = {"C14": "iec-60320-c14", "C20": "iec-60320-c20", "dc": "dc-terminal"}
# The outlet a plug goes into by preference.
OUTLET_FOR_PLUG = {"iec-60320-c14": "iec-60320-c13", "iec-60320-c20": "iec-60320-c19"}
LEGS = ("A", "B", "C")


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
            whole(p.get("maximum_draw")),
            whole(p.get("allocated_draw")),
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
            Port(f"PSU{n}", plug, whole(nameplate), whole(typical)) for n in range(1, count + 1)
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
        draw = whole(spec.power_draw_w)
        return [Port("Power", "hardwired", draw, draw)], []
    return [], []
