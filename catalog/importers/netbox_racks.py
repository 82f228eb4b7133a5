"""NetBox rack types mapped to ``rack`` components, with defaults from the form factor.

Part of the NetBox importer (catalog.importers.netbox has the rules).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from catalog.importers.netbox_drafts import (
    Assumptions,
    ComponentDraft,
    assumed_note,
    comments_with_notes,
    identity,
    source_document,
)
from catalog.importers.netbox_power import IP_RE, LOAD_RE, parse_number
from catalog.importers.netbox_read import (
    LB_KG,
    LENGTH_UNITS,
    RACK_KEYS,
    DeviceTypeError,
    decimal_places,
    log_unknown_keys,
    number_field,
    optional_number,
    plain_text,
    text_field,
    weight_kg_of,
)

# EIA-310 era rating quoted for floor racks whose maker states none (reference 3).
EIA_STATIC_LOAD_KG = 680.0


def _length_mm(data: Mapping[str, Any], key: str, ref: str, unit: str) -> float | None:
    value = optional_number(data, key, ref)
    if value is None:
        return None
    if value <= 0:
        raise DeviceTypeError(ref, key, f"must be positive, got {value:g}")
    return value * LENGTH_UNITS[unit]


@dataclass(frozen=True)
class RackDefaults:
    """What a rack of one form factor is assumed to be where its file is silent.

    Each figure is the side that never overstates the rack (engineering reference 3): the
    fewest units, the narrowest and shallowest body (devices must fit, and the floor load per
    area is highest), the lowest static load rating. Every one used is listed as assumed.
    """

    label: str
    u: int
    u_why: str
    width_mm: float
    depth_mm: float
    depth_why: str
    static_load_kg: float
    load_why: str
    load_note: str  # the short reason in the comments ("680 kg assumed (EIA historic rating)")


FLOOR_RACK = RackDefaults(
    label="floor-standing rack",
    u=42,
    u_why="the usual floor rack (reference 3: 42U default)",
    width_mm=600.0,
    depth_mm=600.0,
    depth_why="the shallow end of the usual 600-1200 mm (reference 3)",
    static_load_kg=EIA_STATIC_LOAD_KG,
    load_why="EIA historic rating, the lower of 680 / 1,360 kg (reference 3)",
    load_note="EIA historic rating",
)
WALL_CABINET = RackDefaults(
    label="wall-mount cabinet",
    u=6,
    u_why="the small end of the usual 6-24U (reference 3)",
    width_mm=600.0,
    depth_mm=400.0,
    depth_why="the shallowest common wall cabinet (project convention)",
    static_load_kg=50.0,
    load_why="the low end of a wall cabinet's usual 50-100 kg (reference 3)",
    load_note="wall-mount cabinet, low end of the usual 50-100 kg",
)


def rack_defaults(form_factor: str) -> RackDefaults:
    """The defaults of a NetBox rack form factor: wall-* are wall cabinets, the rest (2- and
    4-post frames and cabinets, or none given) stand on the floor."""
    return WALL_CABINET if form_factor.lower().startswith("wall") else FLOOR_RACK


def map_rack_type(data: Mapping[str, Any], ref: str) -> ComponentDraft:
    """Map one rack-type file to a ``rack`` component with a RackSpec (pure).

    Figures the file does not give come from the form factor (``rack_defaults``) and are
    listed in ``assumed``; an outdoor enclosure's unstated IP rating and ambient range too.
    """
    log_unknown_keys(data, RACK_KEYS, ref)
    manufacturer, model, sku = identity(data, ref)
    notes: list[str] = []
    assumed = Assumptions()
    form_factor = text_field(data, "form_factor").lower()
    defaults = rack_defaults(form_factor)
    kind_of = f"a {defaults.label}" + (f" ({form_factor})" if form_factor else "")
    if data.get("u_height") is None:
        u_raw = float(defaults.u)
        assumed.add(
            "spec.u",
            defaults.u,
            f"u_height not in source; {defaults.u} U assumed for {kind_of}: {defaults.u_why}",
            f"u ({defaults.u} U)",
        )
    else:
        u_raw = number_field(data["u_height"], ref, "u_height")
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
        width = defaults.width_mm
        assumed.add(
            "spec.width_mm",
            width,
            f"outer_width not in source; {width:g} mm assumed for {kind_of}: "
            "the narrower of the usual 600 / 800 mm (reference 3)",
            f"width_mm ({width:g} mm)",
        )
    spec["width_mm"] = round(width, 1)
    if depth is None and mounting:
        # The enclosure is at least as deep as the rails inside it: a lower bound, said so.
        depth = mounting
        assumed.add(
            "spec.depth_mm",
            round(depth, 1),
            "outer_depth not in source; mounting_depth used (the body is at least that deep)",
            "depth_mm (= mounting_depth)",
        )
    if depth is None:
        depth = defaults.depth_mm
        assumed.add(
            "spec.depth_mm",
            depth,
            f"outer_depth not in source; {depth:g} mm assumed for {kind_of}: {defaults.depth_why}",
            f"depth_mm ({depth:g} mm)",
        )
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
            load = defaults.static_load_kg
            spec["static_load_kg"] = load
            why = (
                f"static load rating not in source; {load:g} kg assumed for {kind_of}: "
                f"{defaults.load_why}"
            )
            assumed.add("spec.static_load_kg", load, why)
            notes.append(
                f"static load rating not in source; {load:g} kg assumed ({defaults.load_note})"
            )
    if defaults is WALL_CABINET:
        spec["wall_mount"] = True
    ip = IP_RE.search(text)
    if ip:
        spec["ip_rating"] = "IP" + ip[1].upper()
    if re.search(r"\boutdoor", text):
        spec["environment"] = "outdoor"
        _outdoor_assumptions(spec, assumed)
    if re.search(r"\block", text):
        spec["lockable"] = True
    weight = weight_kg_of(data, "weight", ref)
    if not weight:
        notes.append("weight not in source: unknown (a weight entered by hand is kept)")
    if assumed.labels:
        notes.append(assumed_note(assumed.labels))

    fields: dict[str, Any] = {
        "model_name": model,
        "kind": "rack",
        "description": description,
        # A rack occupies no units of another rack; its own capacity is spec.u.
        "u_height": Decimal(0),
        "is_full_depth": False,
        # A rack moves no air of its own; what it holds is judged device by device.
        "airflow": "passive",
        "depth_mm": round(spec["depth_mm"]),
        "nameplate_w": None,
        "typical_w": None,
        "spec": spec,
        "assumed": assumed.entries,
        "comments": comments_with_notes(text_field(data, "comments"), notes),
        "netbox_type": source_document(data),
    }
    if weight:
        fields["weight_kg"] = decimal_places(weight, 2)
    return ComponentDraft(ref, manufacturer, sku, "rack", "rack-type file", fields, tuple(notes))


def _outdoor_assumptions(spec: dict[str, Any], assumed: Assumptions) -> None:
    """An outdoor enclosure's protection and climate rating, listed as assumed when unstated.

    NetBox carries neither; the vocabulary's defaults (IP20, 0-45 degC) then stand in, and the
    engine judges the site against them, so a catalogue manager must see they are not data.
    """
    if "ip_rating" not in spec:
        assumed.add(
            "spec.ip_rating",
            "IP20",
            "IP rating not in source; IP20 (no protection claimed) assumed for an outdoor "
            "enclosure, so the engine refuses it outdoors until the datasheet's rating is set",
            "ip_rating (IP20)",
        )
    why = "rated ambient range not in NetBox; the vocabulary's 0-45 degC stands in"
    assumed.add("spec.ambient_min_c", 0.0, why, "ambient range (0-45 degC)")
    assumed.add("spec.ambient_max_c", 45.0, why)
