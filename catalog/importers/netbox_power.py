"""Power figures of NetBox device types: PSU module bays, power ports and the electrical
figures stated in model names and descriptions (kVA, volts, amps, plugs, outlets).

Part of the NetBox importer (catalog.importers.netbox has the rules).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.importers.netbox_read import (
    MODULE_KEYS,
    DeviceTypeError,
    ci_regex,
    list_field,
    log_unknown_keys,
    optional_number,
    text_field,
)

# --------------------------------------------------------------------------- module types


@dataclass(frozen=True)
class ModuleTypeInfo:
    """A module type read as reference data: a PSU's rating, never a catalogue component."""

    path: str
    manufacturer: str
    model: str
    part_number: str
    psu_rating_w: float | None


def module_type_info(data: Mapping[str, Any], ref: str) -> ModuleTypeInfo:
    log_unknown_keys(data, MODULE_KEYS, ref)
    manufacturer = text_field(data, "manufacturer")
    if not manufacturer:
        raise DeviceTypeError(ref, "manufacturer", "required")
    ratings = [
        optional_number(port, "maximum_draw", ref, f"power-ports[{i}].maximum_draw")
        for i, port in enumerate(list_field(data, "power-ports", ref))
    ]
    known = [r for r in ratings if r]
    return ModuleTypeInfo(
        path=ref,
        manufacturer=manufacturer,
        model=text_field(data, "model"),
        part_number=text_field(data, "part_number"),
        psu_rating_w=max(known) if known else None,
    )


_PSU_BAY_RE = ci_regex(r"^\s*(psu|power[\s-]*supply|pwr|ps[\s-]*\d)")


def _psu_bays(data: Mapping[str, Any], ref: str) -> list[dict[str, Any]]:
    return [
        bay
        for bay in list_field(data, "module-bays", ref)
        if any(_PSU_BAY_RE.search(str(bay.get(key, ""))) for key in ("name", "label"))
    ]


def _linked_modules(
    data: Mapping[str, Any], ref: str, modules: Sequence[ModuleTypeInfo]
) -> list[ModuleTypeInfo]:
    """Module types of the same maker whose part number or model the device text names."""
    maker = text_field(data, "manufacturer").lower()
    pieces = [text_field(data, "comments"), text_field(data, "description")]
    for bay in list_field(data, "module-bays", ref):
        pieces += [str(bay.get(key, "")) for key in ("name", "label", "description")]
    haystack = " ".join(pieces).lower()
    linked = []
    for module in modules:
        if module.manufacturer.lower() != maker or module.psu_rating_w is None:
            continue
        for token in {module.part_number.lower(), module.model.lower()} - {""}:
            if re.search(rf"(?<![a-z0-9]){re.escape(token)}(?![a-z0-9])", haystack):
                linked.append(module)
                break
    return linked


# --------------------------------------------------------------------------- power


_CONNECTORS = {"iec-60320-c14": "C14", "iec-60320-c16": "C14", "iec-60320-c20": "C20"}


def _connector(types: Sequence[str]) -> str:
    if types and all(t == "dc-terminal" for t in types):
        return "dc"
    ac = [t for t in types if t != "dc-terminal"]
    return _CONNECTORS.get(ac[0], "other") if ac else "C14"


@dataclass
class PowerFigures:
    nameplate: float | None = None
    typical: float | None = None
    spec: dict[str, Any] = field(default_factory=dict)


def _port_figures(
    ports: Sequence[Mapping[str, Any]], ref: str, notes: list[str]
) -> list[tuple[float | None, float | None]]:
    figures = []
    for i, port in enumerate(ports):
        pair = []
        for key in ("maximum_draw", "allocated_draw"):
            value = optional_number(port, key, ref, f"power-ports[{i}].{key}")
            if value is not None and value < 0:
                raise DeviceTypeError(ref, f"power-ports[{i}].{key}", "must not be negative")
            if value == 0:
                # 0 W is how an empty field sometimes gets exported; it is not a real draw.
                notes.append(f"power-ports[{i}].{key} is 0 W; treated as unknown")
                value = None
            pair.append(value)
        figures.append((pair[0], pair[1]))
    return figures


def it_power(
    data: Mapping[str, Any], ref: str, modules: Sequence[ModuleTypeInfo], notes: list[str]
) -> PowerFigures:
    """Nameplate/typical draw and the PSU part of ItSpec; see the module docstring."""
    ports = list_field(data, "power-ports", ref)
    figures = _port_figures(ports, ref, notes)
    power = PowerFigures()
    if ports:
        count = len(ports)
        power.spec["psu_connector"] = _connector([str(p.get("type", "")) for p in ports])
        if count >= 2 and len(set(figures)) == 1:
            maximum, allocated = figures[0]
            power.nameplate, power.typical = maximum, allocated
            power.spec["redundant_psus"] = True
            if maximum is not None:
                power.spec["psu_rating_w"] = maximum
            if maximum is not None or allocated is not None:
                notes.append(
                    f"{count} power ports with equal draw read as redundant supplies: "
                    "one port's figure is the device's draw"
                )
        else:
            maxima = [m for m, _ in figures if m is not None]
            allocs = [a for _, a in figures if a is not None]
            power.nameplate = sum(maxima) if maxima else None
            power.typical = sum(allocs) if allocs else None
            if count >= 2 and (maxima or allocs):
                notes.append(f"{count} power ports with different draws read as additive: summed")
                kinds = {p.get("type") == "dc-terminal" for p in ports}
                if len(kinds) == 2:
                    notes.append(
                        "the ports mix AC and DC inputs; if they are alternative feeds, "
                        "the sum overstates the draw"
                    )
            if 0 < len(maxima) < count:
                notes.append("some power ports state no maximum_draw; nameplate covers the others")
        if count > 8:
            notes.append(f"{count} power ports; psu_count capped at 8")
        power.spec["psu_count"] = min(count, 8)
    else:
        bays = _psu_bays(data, ref)
        if bays:
            count = min(len(bays), 8)
            power.spec["psu_count"] = count
            power.spec["redundant_psus"] = count >= 2
            names = ", ".join(str(b.get("name")) for b in bays)
            linked = _linked_modules(data, ref, modules)
            ratings = sorted({m.psu_rating_w for m in linked if m.psu_rating_w})
            if len(ratings) == 1:
                power.spec["psu_rating_w"] = ratings[0]
                parts = ", ".join(sorted({m.part_number or m.model for m in linked}))
                notes.append(
                    f"power unknown: PSUs sit in module bays ({names}); PSU rating "
                    f"{ratings[0]:g} W from module type {parts} (a rating, not a draw)"
                )
            elif ratings:
                notes.append(
                    f"power unknown: PSUs sit in module bays ({names}); the text names PSUs "
                    f"of {', '.join(f'{r:g}' for r in ratings)} W, so no rating was chosen"
                )
            else:
                notes.append(
                    f"power unknown: PSUs sit in module bays ({names}) and no module type "
                    "is linked to this device"
                )
        else:
            notes.append("no power ports in source; power unknown")
    if power.nameplate is None and power.typical is None and ports:
        notes.append("power ports state no draw; power unknown")
    if (
        power.nameplate is not None
        and power.typical is not None
        and power.typical > power.nameplate
    ):
        notes.append("allocated_draw exceeds maximum_draw; typical draw left unknown")
        power.typical = None
    return power


# --------------------------------------------------------------------------- text figures

_NUM = r"(\d+(?:[.,]\d+)?)"
_VA_W_RE = ci_regex(_NUM + r"\s*(k?)va\s*[/,]\s*" + _NUM + r"\s*(k?)w\b")
_VA_RE = ci_regex(_NUM + r"\s*(k?)va\b")
_IDENT_K_RE = ci_regex(r"(?<![\d.])(\d{1,2})k(?!w)")
_IDENT_VA_RE = ci_regex(r"(?<!\d)(\d{3,5})(?!\d)")
_AMPS_RE = ci_regex(r"(?<![\d.])(\d{1,3})\s?a\b")
_VOLT_RANGE_RE = ci_regex(r"(?<!\d)(\d{3})\s*v?\s*[-/\u2013]\s*(\d{3})\s*v")
_VOLT_RE = ci_regex(r"(?<!\d)(\d{3})\s*v(?:ac)?\b")
THREE_PHASE_RE = ci_regex(r"3[\s-]?ph|three[\s-]phase|\b3p\b|400\s*v|415\s*v")
_SINGLE_PHASE_RE = ci_regex(r"\b1[\s-]?ph|single[\s-]phase")
LOAD_RE = ci_regex(
    r"(?:load|capacity|max(?:imum)?\.?\s*weight)[^0-9]{0,25}(\d[\d.,]*)\s*(kg|lbs?)\b"
)
IP_RE = ci_regex(r"\bIP\s?([0-6X][0-9X])\b")

# Plug ratings from the NEMA / IEC designation: the plug bounds the input current, and NEMA
# configurations imply a North American voltage (5-xx/L5: 125 V -> 120 V; 6-xx/L6: 250 V
# -> 208 V nominal).
_PLUG_AMPS = {
    "iec-60320-c14": 10.0,
    "iec-60320-c20": 16.0,
    "nema-1-15p": 15.0,
    "nema-5-15p": 15.0,
    "nema-5-20p": 20.0,
    "nema-6-15p": 15.0,
    "nema-6-20p": 20.0,
    "nema-6-30p": 30.0,
    "nema-l5-20p": 20.0,
    "nema-l5-30p": 30.0,
    "nema-l6-20p": 20.0,
    "nema-l6-30p": 30.0,
    "nema-l21-20p": 20.0,
    "nema-l21-30p": 30.0,
    "cs8365c": 50.0,
}
_PLUG_VOLTS = {
    "nema-1": 120.0,
    "nema-5": 120.0,
    "nema-l5": 120.0,
    "nema-6": 208.0,
    "nema-l6": 208.0,
}
THREE_PHASE_PLUGS = ci_regex(r"^iec-60309-3p|^nema-l1[58]|^nema-l2[12]|^cs8365")
# Plugs that only exist for single-phase circuits.
_SINGLE_PHASE_PLUGS = ci_regex(r"^nema-(1|5|6|l5|l6|14|l14)-|^iec-60320-|^iec-60309-(p-n-e|2p-e)")


def parse_number(raw: str) -> float:
    return float(raw.replace(",", "."))


def parse_kva(sources: Sequence[str], idents: Sequence[str]) -> tuple[float | None, float | None]:
    """(kVA, kW) stated in the text, else kVA read from the model / part number."""
    for text in sources:
        match = _VA_W_RE.search(text)
        if match:
            kva = parse_number(match[1]) * (1 if match[2] else 0.001)
            kw = parse_number(match[3]) * (1 if match[4] else 0.001)
            return kva, kw
    for text in sources:
        match = _VA_RE.search(text)
        if match:
            return parse_number(match[1]) * (1 if match[2] else 0.001), None
    for ident in idents:
        match = _IDENT_K_RE.search(ident)
        if match:
            return float(match[1]), None
    for ident in idents:
        for match in _IDENT_VA_RE.finditer(ident):
            va = float(match[1])
            if 300 <= va <= 20000:
                return va / 1000, None
    return None, None


def parse_voltage(text: str) -> float | None:
    """The lowest voltage of a stated range (conservative: more amps per watt), else the first."""
    match = _VOLT_RANGE_RE.search(text)
    if match:
        in_range = [v for v in (float(match[1]), float(match[2])) if 90 <= v <= 480]
        if in_range:
            return min(in_range)
    for match in _VOLT_RE.finditer(text):
        if 90 <= float(match[1]) <= 480:
            return float(match[1])
    return None


def outlet_counts(data: Mapping[str, Any], ref: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for outlet in list_field(data, "power-outlets", ref):
        kind = str(outlet.get("type", ""))
        counts[
            "c13" if kind == "iec-60320-c13" else "c19" if kind == "iec-60320-c19" else "other"
        ] += 1
    return counts


def inlet_figures(data: Mapping[str, Any], ref: str) -> tuple[list[str], float | None]:
    """Inlet plug types and the largest inlet maximum_draw (an input rating on power gear)."""
    ports = list_field(data, "power-ports", ref)
    types = [str(p.get("type", "")) for p in ports]
    draws = [
        optional_number(p, "maximum_draw", ref, f"power-ports[{i}].maximum_draw")
        for i, p in enumerate(ports)
    ]
    known = [d for d in draws if d]
    return types, (max(known) if known else None)


def plug_volts(types: Sequence[str]) -> float | None:
    for plug in types:
        for prefix, volts in _PLUG_VOLTS.items():
            if plug.startswith(prefix + "-"):
                return volts
    return None


# Outlets that exist for one mains voltage only (NetBox outlet types): NEMA as for plugs; the
# IEC 60083 "ita" types A and B are North American / Japanese (120 V, the higher of 100/120 V
# would overstate it but 100 V outlets are rare on rack gear), every other ita type (E/F
# Schuko, G British, I Australian, J Swiss, ...) is a 230 V mains socket. IEC 60320 outlets
# (C13, C19) carry whatever the inlet brings and say nothing.
_ITA_120 = frozenset({"ita-a", "ita-b"})


def outlet_volts(types: Sequence[str]) -> float | None:
    """The lowest mains voltage the outlet types imply (the safe side), None when none does."""
    found: list[float] = []
    for outlet in types:
        if outlet.startswith("nema-"):
            volts = plug_volts([outlet])
            if volts is not None:
                found.append(volts)
        elif outlet in _ITA_120:
            found.append(120.0)
        elif outlet.startswith("ita-") and outlet != "ita-multistandard":
            found.append(230.0)
    return min(found) if found else None


def outlet_types(data: Mapping[str, Any], ref: str) -> list[str]:
    return [str(o.get("type", "")) for o in list_field(data, "power-outlets", ref)]


def plug_amps(types: Sequence[str]) -> float | None:
    """The largest inlet rating the plug designations state."""
    amps = [_PLUG_AMPS[t] for t in types if t in _PLUG_AMPS]
    return max(amps) if amps else None


def mains_volts(
    text: str, inlets: Sequence[str], outlets: Sequence[str]
) -> tuple[float | None, str]:
    """Voltage stated by the text, else the inlet plug, else the outlets; and where it came
    from (for the import notes)."""
    volts = parse_voltage(text)
    if volts is not None:
        return volts, "the text"
    volts = plug_volts(inlets)
    if volts is not None:
        return volts, f"the {next(t for t in inlets if plug_volts([t]))} plug"
    volts = outlet_volts(outlets)
    if volts is not None:
        kinds = sorted({t for t in outlets if outlet_volts([t]) == volts})
        return volts, f"the {', '.join(kinds)} outlets"
    return None, ""


def electrical_figures(
    text: str, types: Sequence[str], input_w: float | None, outlets: Sequence[str] = ()
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Voltage, phases and input current of a PDU/ATS; returns (values, assumed, sources).

    The voltage comes from the text, else the inlet plug, else the outlets (a PDU with
    Schuko sockets is a 230 V PDU even when its inlet is an IEC C14).
    """
    values: dict[str, Any] = {}
    assumed: list[str] = []
    said: list[str] = []
    volts, where = mains_volts(text, types, outlets)
    if volts is not None:
        said.append(f"voltage_v {volts:g} V from {where}")
    if volts is None:
        volts = 230.0
        assumed.append("voltage_v")
        voltage_known = False
    else:
        voltage_known = True
    values["voltage_v"] = volts
    three_phase = bool(THREE_PHASE_RE.search(text)) or any(
        THREE_PHASE_PLUGS.search(t) for t in types
    )
    values["phases"] = 3 if three_phase else 1
    if three_phase:
        said.append("3 phases from the text or the plug")
    elif not (_SINGLE_PHASE_RE.search(text) or any(_SINGLE_PHASE_PLUGS.search(t) for t in types)):
        assumed.append("phases")
    amps_match = _AMPS_RE.search(text)
    plug_rating = plug_amps(types)
    if amps_match and 0 < float(amps_match[1]) <= 400:
        values["amps"] = float(amps_match[1])
        said.append(f"{values['amps']:g} A from the text")
    elif plug_rating is not None:
        values["amps"] = plug_rating
        said.append(f"{values['amps']:g} A from the {types[0]} plug rating")
    elif input_w and voltage_known and not three_phase:
        values["amps"] = round(input_w / volts, 1)
        said.append(f"{values['amps']:g} A = inlet maximum_draw {input_w:g} W / {volts:g} V")
    else:
        values["amps"] = 16.0
        assumed.append("input current")
    return values, assumed, said
