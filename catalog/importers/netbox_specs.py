"""NetBox device and rack types mapped to catalogue component drafts, spec by kind.

Part of the NetBox importer (catalog.importers.netbox has the rules).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from catalog.importers.netbox_kinds import DeviceFacts, device_facts, infer_kind
from catalog.importers.netbox_power import (
    IP_RE,
    LOAD_RE,
    THREE_PHASE_PLUGS,
    THREE_PHASE_RE,
    ModuleTypeInfo,
    electrical_figures,
    inlet_figures,
    it_power,
    outlet_counts,
    parse_kva,
    parse_number,
    parse_voltage,
    plug_volts,
)
from catalog.importers.netbox_read import (
    DEVICE_KEYS,
    LB_KG,
    LENGTH_UNITS,
    RACK_KEYS,
    DeviceTypeError,
    bool_field,
    ci_regex,
    decimal_places,
    log_unknown_keys,
    number_field,
    optional_number,
    plain_text,
    text_field,
    u_height_of,
    weight_kg_of,
)

SOURCE_NETBOX = "netbox"

# EIA-310 era rating quoted for racks whose maker states none; used only with a note.
EIA_STATIC_LOAD_KG = 680.0
# C3 of the reference formulas: output power factor of a UPS whose kW is not stated.
UPS_OUTPUT_PF = 0.9

# Kinds a NetBox device type can become. Cooling, fire suppression and bundles need figures
# the NetBox schema does not carry, and racks come from rack-type files only.
IMPORTABLE_KINDS = (
    "ups",
    "battery",
    "pdu",
    "ats",
    "server",
    "gpu_server",
    "switch",
    "router",
    "storage",
    "monitoring",
    "accessory",
)
IT_KINDS = frozenset({"server", "gpu_server", "switch", "router", "storage", "monitoring"})
POWER_EQUIPMENT_KINDS = frozenset({"ups", "pdu", "ats"})

AIRFLOW = {
    "front-to-rear": "front_to_back",
    "rear-to-front": "back_to_front",
    "left-to-right": "side_to_side",
    "right-to-left": "side_to_side",
    "side-to-rear": "side_to_side",
    "rear-to-side": "side_to_side",
    "passive": "passive",
}


# --------------------------------------------------------------------------- specs per kind


def _assumed_note(assumed: Sequence[str]) -> str:
    return "spec assumed from import: " + ", ".join(assumed)


def _spec_note(assumed: Sequence[str], notes: list[str]) -> None:
    notes.append(
        _assumed_note(assumed) if assumed else "spec read from the text; check the datasheet"
    )


def _input_rating_note(input_w: float | None, notes: list[str]) -> None:
    if input_w:
        notes.append(f"inlet maximum_draw {input_w:g} W is an input rating; not used as nameplate")


def _ups_spec(
    data: Mapping[str, Any], ref: str, facts: DeviceFacts, notes: list[str]
) -> dict[str, Any]:
    sources = [
        plain_text(text_field(data, key))
        for key in ("model", "description", "comments", "part_number")
    ]
    kva, kw = parse_kva(sources, facts.idents)
    assumed: list[str] = []
    if kva is None or kva <= 0:
        kva, kw = 1.0, None
        assumed.append("kva (1 kVA)")
    else:
        notes.append(f"kva {kva:g} parsed from the model name, part number or text")
    if kw is None or kw <= 0 or kw > kva:
        kw = round(kva * UPS_OUTPUT_PF, 4)
        assumed.append(f"kw (= {UPS_OUTPUT_PF} x kVA, C3 output PF assumption)")
    spec: dict[str, Any] = {"kind": "ups", "kva": round(kva, 4), "kw": kw}
    text = facts.text
    if re.search(r"line[\s-]interactive", text):
        spec["topology"] = "line_interactive"
    elif re.search(r"on-?line|double[\s-]conversion", text):
        spec["topology"] = "online_double_conversion"
    elif re.search(r"standby|off-?line|back-ups", text):
        spec["topology"] = "standby"
    elif re.search(r"\bavr\b", text):
        # Automatic voltage regulation (a buck/boost transformer) is the line-interactive design.
        spec["topology"] = "line_interactive"
    else:
        assumed.append("topology (online double conversion)")
    types, input_w = inlet_figures(data, ref)
    volts = parse_voltage(text) or plug_volts(types)
    if volts is None:
        assumed.append("input/output voltage (230 V)")
    else:
        spec["input_voltage_v"] = spec["output_voltage_v"] = volts
    if THREE_PHASE_RE.search(text) or any(THREE_PHASE_PLUGS.search(t) for t in types):
        spec["input_phases"] = 3
    outlets = outlet_counts(data, ref)
    spec["outlets_c13"], spec["outlets_c19"] = outlets["c13"], outlets["c19"]
    if any("xl" in ident for ident in facts.idents):
        # APC/Tripp Lite/Vertiv "XL" models take external battery packs.
        spec["external_battery_support"] = True
    _input_rating_note(input_w, notes)
    _spec_note(assumed, notes)
    return spec


def _battery_spec(data: Mapping[str, Any], facts: DeviceFacts, notes: list[str]) -> dict[str, Any]:
    assumed: list[str] = []
    volts = None
    for ident in facts.idents:
        match = re.search(r"ebm(\d{2,3})", ident)
        if match:
            volts = float(match[1])
            break
    if volts is None:
        # Only a voltage tied to battery words; "120V External Battery Pack" names the UPS class.
        match = ci_regex(r"(\d{2,3})\s*v\s*(?:dc|battery|sealed|vrla|lead|li)").search(facts.text)
        volts = float(match[1]) if match else None
    if volts is None:
        volts = 48.0
        assumed.append("nominal_v (48 V)")
    spec: dict[str, Any] = {"kind": "battery", "nominal_v": volts}
    wh_match = ci_regex(r"(\d+(?:\.\d+)?)\s*wh\b").search(facts.text)
    ah_match = ci_regex(r"(\d+(?:\.\d+)?)\s*ah\b").search(facts.text)
    if wh_match:
        spec["wh"] = float(wh_match[1])
    elif ah_match:
        spec["wh"] = round(float(ah_match[1]) * volts, 1)
    else:
        spec["wh"] = round(9 * volts, 1)
        assumed.append("wh (a 9 Ah string at nominal_v)")
    if re.search(r"li-?ion|lithium|lifepo", facts.text):
        spec["chemistry"] = "li_ion"
    elif not re.search(r"vrla|lead[\s-]acid|\bsla\b|\bagm\b", facts.text):
        assumed.append("chemistry (VRLA)")
    _spec_note(assumed, notes)
    return spec


def _pdu_spec(
    data: Mapping[str, Any], ref: str, facts: DeviceFacts, notes: list[str]
) -> dict[str, Any]:
    values, assumed, said, outlets, input_w = _power_gear(data, ref, facts)
    spec: dict[str, Any] = {
        "kind": "pdu",
        "voltage_v": values["voltage_v"],
        "phases": values["phases"],
        "input_current_a": values["amps"],
        "outlets_c13": outlets["c13"],
        "outlets_c19": outlets["c19"],
        "outlets_other": outlets["other"],
        "metered": bool(re.search(r"\bmetered|power sensing|\bmonitored", facts.text)),
        "switched": bool(re.search(r"\bswitched", facts.text)),
    }
    if not sum(outlets.values()):
        spec["outlets_other"] = 1
        assumed.append("outlets (1 other)")
    _close_notes(input_w, said, _with_defaults(assumed, "input_current_a"), notes)
    return spec


def _ats_spec(
    data: Mapping[str, Any], ref: str, facts: DeviceFacts, notes: list[str]
) -> dict[str, Any]:
    values, assumed, said, outlets, input_w = _power_gear(data, ref, facts)
    spec: dict[str, Any] = {
        "kind": "ats",
        "voltage_v": values["voltage_v"],
        "phases": values["phases"],
        "rated_a": values["amps"],
        "outlets_c13": outlets["c13"],
        "outlets_c19": outlets["c19"],
    }
    assumed = _with_defaults(assumed, "rated_a")
    assumed.append("transfer_time_ms (10 ms)")
    _close_notes(input_w, said, assumed, notes)
    return spec


def _power_gear(
    data: Mapping[str, Any], ref: str, facts: DeviceFacts
) -> tuple[dict[str, Any], list[str], list[str], Counter[str], float | None]:
    """Electrical figures of a PDU or ATS (values, assumed, stated), its outlets, its inlet."""
    types, input_w = inlet_figures(data, ref)
    values, assumed, said = electrical_figures(facts.text, types, input_w)
    return values, assumed, said, outlet_counts(data, ref), input_w


def _with_defaults(assumed: list[str], current_field: str) -> list[str]:
    """Each assumed electrical figure named with the default the spec then carries."""
    named = {
        "input current": f"{current_field} (16 A)",
        "voltage_v": "voltage_v (230 V)",
        "phases": "phases (1)",
    }
    return [named.get(a, a) for a in assumed]


def _close_notes(
    input_w: float | None, said: list[str], assumed: list[str], notes: list[str]
) -> None:
    _input_rating_note(input_w, notes)
    if said:
        notes.append("; ".join(said))
    _spec_note(assumed, notes)


_ACCESSORY_TYPES = (
    (ci_regex(r"blank"), "blanking_panel"),
    (ci_regex(r"shelf|drawer"), "shelf"),
    (ci_regex(r"cable|brush|finger"), "cable_management"),
    (ci_regex(r"patch"), "patch_panel"),
)


def _accessory_spec(facts: DeviceFacts) -> dict[str, Any]:
    for pattern, accessory_type in _ACCESSORY_TYPES:
        if pattern.search(facts.text):
            return {"kind": "accessory", "accessory_type": accessory_type}
    return {"kind": "accessory", "accessory_type": "other"}


# --------------------------------------------------------------------------- drafts


@dataclass(frozen=True)
class ComponentDraft:
    """One catalogue row mapped from a library file, before it meets the database."""

    path: str
    manufacturer: str
    sku: str
    kind: str
    kind_rule: str
    fields: dict[str, Any]
    notes: tuple[str, ...] = ()


def source_document(data: Mapping[str, Any]) -> dict[str, Any]:
    """The file's mapping as JSON values, kept on the component for the NetBox hand-off.

    YAML may hold dates or other scalars JSON lacks; they are kept as text, so a re-import of
    an unchanged file stores an equal value and leaves the row unchanged.
    """
    return json.loads(json.dumps(dict(data), default=str, sort_keys=True))


def _comments(original: str, notes: Sequence[str]) -> str:
    if not notes:
        return original
    block = "Import notes (NetBox devicetype-library):\n" + "\n".join(f"- {n}" for n in notes)
    return f"{original}\n\n{block}" if original else block


def _identity(data: Mapping[str, Any], ref: str) -> tuple[str, str, str]:
    manufacturer = text_field(data, "manufacturer")
    model = text_field(data, "model")
    if not manufacturer:
        raise DeviceTypeError(ref, "manufacturer", "required")
    if not model:
        raise DeviceTypeError(ref, "model", "required")
    sku = text_field(data, "part_number") or model or text_field(data, "slug")
    if len(sku) > 100:
        raise DeviceTypeError(ref, "part_number", f"SKU longer than 100 characters: {sku!r}")
    return manufacturer, model, sku


def map_device_type(
    data: Mapping[str, Any],
    ref: str,
    *,
    module_types: Sequence[ModuleTypeInfo] = (),
    kind: str | None = None,
) -> ComponentDraft:
    """Map one device-type file to a catalogue row (pure; raises DeviceTypeError)."""
    log_unknown_keys(data, DEVICE_KEYS, ref)
    manufacturer, model, sku = _identity(data, ref)
    notes: list[str] = []
    facts = device_facts(data, ref)
    if kind:
        if kind not in IMPORTABLE_KINDS:
            raise DeviceTypeError(ref, "kind", f"cannot import a device type as {kind!r}")
        rule = "--kind"
    else:
        kind, rule = infer_kind(data, ref)

    fields: dict[str, Any] = {
        "model_name": model,
        "kind": kind,
        "description": text_field(data, "description"),
        "u_height": u_height_of(data, ref, notes),
        "is_full_depth": bool_field(data, "is_full_depth", ref, default=True),
    }
    weight = weight_kg_of(data, "weight", ref)
    if weight is None:
        # weight_kg cannot be null: leave it alone so a hand-entered weight survives re-imports.
        notes.append("weight not in source; weight_kg left as it is (0 on a new row)")
    else:
        fields["weight_kg"] = decimal_places(weight, 2)

    raw_airflow = text_field(data, "airflow").lower()
    fields["airflow"] = AIRFLOW.get(raw_airflow, "passive")
    if raw_airflow and raw_airflow not in AIRFLOW:
        notes.append(f"airflow {raw_airflow!r} has no equivalent; passive recorded")

    nameplate = typical = None
    if kind in IT_KINDS:
        power = it_power(data, ref, module_types, notes)
        nameplate, typical = power.nameplate, power.typical
        spec: dict[str, Any] = {"kind": "it", **power.spec}
        if kind == "monitoring" and re.search(r"monitoring|environmental|sensor", facts.text):
            spec["remote_monitoring"] = True
        if kind == "monitoring" and re.search(r"\bcamera|door sensor|access control", facts.text):
            spec["physical_security"] = True
    elif kind == "ups":
        spec = _ups_spec(data, ref, facts, notes)
    elif kind == "battery":
        spec = _battery_spec(data, facts, notes)
    elif kind == "pdu":
        spec = _pdu_spec(data, ref, facts, notes)
    elif kind == "ats":
        spec = _ats_spec(data, ref, facts, notes)
    else:
        spec = _accessory_spec(facts)
    fields["nameplate_w"] = decimal_places(nameplate, 1)
    fields["typical_w"] = decimal_places(typical, 1)
    fields["spec"] = spec
    fields["comments"] = _comments(text_field(data, "comments"), notes)
    fields["netbox_type"] = source_document(data)
    return ComponentDraft(ref, manufacturer, sku, kind, rule, fields, tuple(notes))


def _length_mm(data: Mapping[str, Any], key: str, ref: str, unit: str) -> float | None:
    value = optional_number(data, key, ref)
    if value is None:
        return None
    if value <= 0:
        raise DeviceTypeError(ref, key, f"must be positive, got {value:g}")
    return value * LENGTH_UNITS[unit]


def map_rack_type(data: Mapping[str, Any], ref: str) -> ComponentDraft:
    """Map one rack-type file to a ``rack`` component with a RackSpec (pure)."""
    log_unknown_keys(data, RACK_KEYS, ref)
    manufacturer, model, sku = _identity(data, ref)
    notes: list[str] = []
    assumed: list[str] = []
    u_raw = number_field(data.get("u_height", 42), ref, "u_height")
    if u_raw != int(u_raw) or not 1 <= u_raw <= 60:
        raise DeviceTypeError(ref, "u_height", f"a rack needs 1 to 60 whole units, got {u_raw:g}")
    unit = (text_field(data, "outer_unit") or "mm").lower()
    if unit not in LENGTH_UNITS:
        raise DeviceTypeError(ref, "outer_unit", f"unknown unit {unit!r}; expected mm or in")
    width = _length_mm(data, "outer_width", ref, unit)
    depth = _length_mm(data, "outer_depth", ref, unit)
    # NetBox states mounting_depth in mm whatever outer_unit says.
    mounting = optional_number(data, "mounting_depth", ref)
    description = text_field(data, "description")
    text = plain_text(" ".join([description, text_field(data, "comments")]))

    spec: dict[str, Any] = {"kind": "rack", "u": int(u_raw)}
    if width is None:
        assumed.append("width_mm (600 mm)")
    else:
        spec["width_mm"] = round(width, 1)
    if depth is None and mounting:
        # The enclosure is at least as deep as the rails inside it: a lower bound, said so.
        depth = mounting
        assumed.append("depth_mm (= mounting_depth)")
    if depth is None:
        assumed.append("depth_mm (1000 mm)")
    else:
        spec["depth_mm"] = round(depth, 1)
    if mounting:
        spec["max_device_depth_mm"] = mounting

    max_weight = weight_kg_of(data, "max_weight", ref)
    if max_weight:
        spec["static_load_kg"] = round(max_weight, 2)
    else:
        match = LOAD_RE.search(text)
        if match:
            load = parse_number(match[1]) * (LB_KG if match[2].lower().startswith("lb") else 1.0)
            spec["static_load_kg"] = round(load, 2)
            notes.append(f"static load rating {load:g} kg taken from the description")
        else:
            spec["static_load_kg"] = EIA_STATIC_LOAD_KG
            notes.append("static load rating not in source; 680 kg assumed (EIA historic rating)")
    form_factor = text_field(data, "form_factor").lower()
    if form_factor.startswith("wall"):
        spec["wall_mount"] = True
    ip = IP_RE.search(text)
    if ip:
        spec["ip_rating"] = "IP" + ip[1].upper()
    if re.search(r"\boutdoor", text):
        spec["environment"] = "outdoor"
    if re.search(r"\block", text):
        spec["lockable"] = True
    if assumed:
        notes.append(_assumed_note(assumed))

    fields: dict[str, Any] = {
        "model_name": model,
        "kind": "rack",
        "description": description,
        # A rack occupies no units of another rack; its own capacity is spec.u.
        "u_height": Decimal(0),
        "is_full_depth": False,
        "airflow": "passive",
        "depth_mm": round(spec.get("depth_mm", 1000)),
        "nameplate_w": None,
        "typical_w": None,
        "spec": spec,
        "comments": _comments(text_field(data, "comments"), notes),
        "netbox_type": source_document(data),
    }
    weight = weight_kg_of(data, "weight", ref)
    if weight is not None:
        fields["weight_kg"] = decimal_places(weight, 2)
    return ComponentDraft(ref, manufacturer, sku, "rack", "rack-type file", fields, tuple(notes))
