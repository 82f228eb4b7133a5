"""NetBox device types mapped to catalogue component drafts, spec by kind.

Part of the NetBox importer (catalog.importers.netbox has the rules).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from catalog.importers.netbox_drafts import (
    Assumptions,
    ComponentDraft,
    assumed_note,
    comments_with_notes,
    identity,
    source_document,
)
from catalog.importers.netbox_kinds import (
    DeviceFacts,
    device_facts,
    infer_kind,
    is_video_recorder,
)
from catalog.importers.netbox_liquid import liquid_cooling
from catalog.importers.netbox_power import (
    THREE_PHASE_PLUGS,
    THREE_PHASE_RE,
    ModuleTypeInfo,
    electrical_figures,
    inlet_figures,
    it_power,
    mains_volts,
    outlet_counts,
    outlet_types,
    parse_kva,
    plug_amps,
)
from catalog.importers.netbox_read import (
    DEVICE_KEYS,
    DeviceTypeError,
    bool_field,
    ci_regex,
    decimal_places,
    log_unknown_keys,
    plain_text,
    text_field,
    u_height_of,
    weight_kg_of,
)

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


def _spec_note(assumed: Assumptions, notes: list[str]) -> None:
    notes.append(
        assumed_note(assumed.labels)
        if assumed.labels
        else "spec read from the text; check the datasheet"
    )


def _input_rating_note(input_w: float | None, notes: list[str]) -> None:
    if input_w:
        notes.append(f"inlet maximum_draw {input_w:g} W is an input rating; not used as nameplate")


# A UPS inlet stating less than this is the unit's own consumption, not its input rating.
MIN_UPS_INLET_W = 50.0


def _ups_kw(
    kva: float, kw: float | None, input_w: float | None, assumed: Assumptions, notes: list[str]
) -> float:
    """Real power: as stated, else kVA x output PF (C3), never above the inlet's rating."""
    inlet = input_w if input_w and input_w >= MIN_UPS_INLET_W else None
    if input_w and inlet is None:
        notes.append(
            f"inlet maximum_draw {input_w:g} W is too small to be the UPS's input rating; "
            "not used to bound kw"
        )
    if kw is not None and 0 < kw <= kva:
        if inlet is not None and kw * 1000 > inlet:
            notes.append(
                f"stated kw {kw:g} is above the inlet's maximum_draw {inlet:g} W; "
                "check the datasheet"
            )
        return kw
    pf_kw = round(kva * UPS_OUTPUT_PF, 4)
    if inlet is not None and inlet < pf_kw * 1000:
        # A UPS cannot deliver more real power than its inlet is rated to draw.
        capped = round(inlet / 1000, 4)
        assumed.add(
            "spec.kw",
            capped,
            f"kW not stated; {UPS_OUTPUT_PF} x kVA (C3 output power factor) = {pf_kw:g} kW is "
            f"above the inlet's maximum_draw of {inlet:g} W, so the inlet's figure is used",
            f"kw (= inlet maximum_draw {inlet:g} W, below {UPS_OUTPUT_PF} x kVA)",
        )
        return capped
    why = f"kW not stated; {UPS_OUTPUT_PF} x kVA (C3 output power factor)"
    if inlet is not None:
        why += f", within the inlet's maximum_draw of {inlet:g} W"
    assumed.add("spec.kw", pf_kw, why, f"kw (= {UPS_OUTPUT_PF} x kVA, C3 output PF assumption)")
    return pf_kw


def _ups_spec(
    data: Mapping[str, Any], ref: str, facts: DeviceFacts, notes: list[str], assumed: Assumptions
) -> dict[str, Any]:
    sources = [
        plain_text(text_field(data, key))
        for key in ("model", "description", "comments", "part_number")
    ]
    kva, kw = parse_kva(sources, facts.idents)
    if kva is None or kva <= 0:
        kva, kw = 1.0, None
        assumed.add(
            "spec.kva",
            kva,
            "kVA not in the model name, part number or text; 1 kVA assumed",
            "kva (1 kVA)",
        )
    else:
        notes.append(f"kva {kva:g} parsed from the model name, part number or text")
    types, input_w = inlet_figures(data, ref)
    kw = _ups_kw(kva, kw, input_w, assumed, notes)
    spec: dict[str, Any] = {"kind": "ups", "kva": round(kva, 4), "kw": kw}
    # The topology from what the data says about the unit, not from the slug: it carries the
    # manufacturer's name, and "ONLINE USV-Systeme" states nothing about double conversion.
    text = " ".join(sources)
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
        # Never online by default: the engine treats an unknown topology as unknown.
        notes.append("topology not stated: unknown")
    volts, where = mains_volts(text, types, outlet_types(data, ref))
    if volts is None:
        why = "voltage not in the text, the inlet plug or the outlets; 230 V assumed"
        assumed.add("spec.input_voltage_v", 230.0, why, "input/output voltage (230 V)")
        assumed.add("spec.output_voltage_v", 230.0, why)
    else:
        spec["input_voltage_v"] = spec["output_voltage_v"] = volts
        if where != "the text":
            notes.append(f"voltage {volts:g} V from {where}")
    amps = plug_amps(types)
    if amps is not None:
        # The plug bounds what the UPS may draw; the supply feeding it must carry this.
        spec["input_current_a"] = amps
        notes.append(f"input_current_a {amps:g} A from the inlet plug rating")
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


def _battery_spec(facts: DeviceFacts, notes: list[str], assumed: Assumptions) -> dict[str, Any]:
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
        assumed.add(
            "spec.nominal_v", volts, "string voltage not stated; 48 V assumed", "nominal_v (48 V)"
        )
    spec: dict[str, Any] = {"kind": "battery", "nominal_v": volts}
    wh_match = ci_regex(r"(\d+(?:\.\d+)?)\s*wh\b").search(facts.text)
    ah_match = ci_regex(r"(\d+(?:\.\d+)?)\s*ah\b").search(facts.text)
    if wh_match:
        spec["wh"] = float(wh_match[1])
    elif ah_match:
        spec["wh"] = round(float(ah_match[1]) * volts, 1)
    else:
        spec["wh"] = round(9 * volts, 1)
        assumed.add(
            "spec.wh",
            spec["wh"],
            "energy not stated; a 9 Ah string at nominal_v assumed",
            "wh (a 9 Ah string at nominal_v)",
        )
    if re.search(r"li-?ion|lithium|lifepo", facts.text):
        spec["chemistry"] = "li_ion"
    elif not re.search(r"vrla|lead[\s-]acid|\bsla\b|\bagm\b", facts.text):
        assumed.add(
            "spec.chemistry", "vrla", "chemistry not stated; VRLA assumed", "chemistry (VRLA)"
        )
    _spec_note(assumed, notes)
    return spec


# Each assumed electrical figure of a PDU/ATS: its default and why (electrical_figures).
_ELECTRICAL_DEFAULTS = {
    "voltage_v": (
        230.0,
        "voltage not in the text, the inlet plug or the outlets; 230 V assumed",
        "voltage_v (230 V)",
    ),
    "phases": (1, "phases not in the text or the plug; single phase assumed", "phases (1)"),
    "input current": (
        16.0,
        "current rating not in the text, the plug or the inlet; 16 A assumed",
        "{field} (16 A)",
    ),
}


def _electrical_assumed(names: Sequence[str], current_field: str, assumed: Assumptions) -> None:
    for name in names:
        value, why, label = _ELECTRICAL_DEFAULTS[name]
        path = current_field if name == "input current" else name
        assumed.add(f"spec.{path}", value, why, label.format(field=path))


def _pdu_spec(
    data: Mapping[str, Any], ref: str, facts: DeviceFacts, notes: list[str], assumed: Assumptions
) -> dict[str, Any]:
    values, defaults, said, outlets, input_w = _power_gear(data, ref, facts)
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
    _electrical_assumed(defaults, "input_current_a", assumed)
    if not sum(outlets.values()):
        spec["outlets_other"] = 1
        assumed.add(
            "spec.outlets_other",
            1,
            "no power outlets listed; a PDU has at least one",
            "outlets (1 other)",
        )
    _close_notes(input_w, said, assumed, notes)
    return spec


def _ats_spec(
    data: Mapping[str, Any], ref: str, facts: DeviceFacts, notes: list[str], assumed: Assumptions
) -> dict[str, Any]:
    values, defaults, said, outlets, input_w = _power_gear(data, ref, facts)
    spec: dict[str, Any] = {
        "kind": "ats",
        "voltage_v": values["voltage_v"],
        "phases": values["phases"],
        "rated_a": values["amps"],
        "outlets_c13": outlets["c13"],
        "outlets_c19": outlets["c19"],
    }
    _electrical_assumed(defaults, "rated_a", assumed)
    assumed.add(
        "spec.transfer_time_ms",
        10.0,
        "transfer time is not in NetBox; 10 ms assumed",
        "transfer_time_ms (10 ms)",
    )
    _close_notes(input_w, said, assumed, notes)
    return spec


def _power_gear(
    data: Mapping[str, Any], ref: str, facts: DeviceFacts
) -> tuple[dict[str, Any], list[str], list[str], Counter[str], float | None]:
    """Electrical figures of a PDU or ATS (values, assumed, stated), its outlets, its inlet."""
    types, input_w = inlet_figures(data, ref)
    values, assumed, said = electrical_figures(facts.text, types, input_w, outlet_types(data, ref))
    return values, assumed, said, outlet_counts(data, ref), input_w


def _close_notes(
    input_w: float | None, said: list[str], assumed: Assumptions, notes: list[str]
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


def map_device_type(
    data: Mapping[str, Any],
    ref: str,
    *,
    module_types: Sequence[ModuleTypeInfo] = (),
    kind: str | None = None,
) -> ComponentDraft:
    """Map one device-type file to a catalogue row (pure; raises DeviceTypeError)."""
    log_unknown_keys(data, DEVICE_KEYS, ref)
    manufacturer, model, sku = identity(data, ref)
    notes: list[str] = []
    facts = device_facts(data, ref)
    if kind:
        if kind not in IMPORTABLE_KINDS:
            raise DeviceTypeError(ref, "kind", f"cannot import a device type as {kind!r}")
        rule = "--kind"
    else:
        kind, rule = infer_kind(data, ref)

    assumed = Assumptions()
    fields: dict[str, Any] = {
        "model_name": model,
        "kind": kind,
        "description": text_field(data, "description"),
        "u_height": u_height_of(data, ref, notes),
        "is_full_depth": bool_field(data, "is_full_depth", ref, default=True),
    }
    if data.get("u_height") is None:
        assumed.add("u_height", fields["u_height"], "u_height not in source; NetBox default 1 U")
    if data.get("is_full_depth") is None:
        assumed.add(
            "is_full_depth", True, "is_full_depth not in source; NetBox default (full depth)"
        )
    _physical(data, ref, fields, notes)

    nameplate = typical = None
    liquid = ""
    if kind in IT_KINDS:
        liquid, liquid_notes = liquid_cooling(data, facts.text, kind)
        notes.extend(liquid_notes)
        power = it_power(data, ref, module_types, notes)
        nameplate, typical = power.nameplate, power.typical
        spec: dict[str, Any] = {"kind": "it", **power.spec}
        if kind == "monitoring" and re.search(r"monitoring|environmental|sensor", facts.text):
            spec["remote_monitoring"] = True
        if kind == "monitoring" and (
            re.search(r"\bcamera|door sensor|access control", facts.text)
            or is_video_recorder(facts)
        ):
            spec["physical_security"] = True
    elif kind == "ups":
        spec = _ups_spec(data, ref, facts, notes, assumed)
    elif kind == "battery":
        spec = _battery_spec(facts, notes, assumed)
    elif kind == "pdu":
        spec = _pdu_spec(data, ref, facts, notes, assumed)
    elif kind == "ats":
        spec = _ats_spec(data, ref, facts, notes, assumed)
    else:
        spec = _accessory_spec(facts)
    fields["nameplate_w"] = decimal_places(nameplate, 1)
    fields["typical_w"] = decimal_places(typical, 1)
    fields["spec"] = spec
    fields["assumed"] = assumed.entries
    fields["comments"] = comments_with_notes(text_field(data, "comments"), notes)
    fields["netbox_type"] = source_document(data)
    return ComponentDraft(ref, manufacturer, sku, kind, rule, fields, tuple(notes), liquid)


def _physical(data: Mapping[str, Any], ref: str, fields: dict[str, Any], notes: list[str]) -> None:
    """Weight and airflow: as the file states them, else unknown, never 0 kg or passive.

    An unknown figure is not sent at all, so a weight or airflow entered by hand survives a
    re-import, and a new row starts with it unknown.
    """
    weight = weight_kg_of(data, "weight", ref)
    if weight is None:
        notes.append("weight not in source: unknown (a weight entered by hand is kept)")
    elif weight == 0:
        # 0 is how an empty field sometimes gets exported; no rack equipment weighs 0 kg.
        notes.append("weight 0 in source read as unknown (a weight entered by hand is kept)")
    else:
        fields["weight_kg"] = decimal_places(weight, 2)

    raw_airflow = text_field(data, "airflow").lower()
    if raw_airflow in AIRFLOW:
        fields["airflow"] = AIRFLOW[raw_airflow]
    elif raw_airflow:
        notes.append(
            f"airflow {raw_airflow!r} has no equivalent: unknown "
            "(an airflow entered by hand is kept)"
        )
    else:
        notes.append("airflow not in source: unknown (an airflow entered by hand is kept)")
