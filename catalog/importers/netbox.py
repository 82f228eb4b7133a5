"""Import NetBox devicetype-library YAML (device, module and rack types) into the catalogue.

The NetBox schema describes ports and shapes, not engineering ratings, so the mapping has to
decide what each figure means. The rules, in short (docs/importing.md has the long form):

* Identity: ``manufacturer``; ``model`` -> ``model_name``; ``part_number`` -> ``sku`` (else
  ``model``, else ``slug``). Re-imports upsert on (manufacturer, SKU). Commercial fields
  (prices, currency, lead time, lifecycle, datasheet URL) are never written, except
  ``list_price = 0`` (unpriced) when a component is created.
* Physical: ``u_height`` (int, float or "2.0"; 0 and halves allowed); ``is_full_depth``
  (NetBox default true when absent); ``weight`` in kg/g/lb/oz -> kg (left untouched when absent,
  with a note); airflow front-to-rear -> front_to_back, rear-to-front -> back_to_front,
  left-to-right / right-to-left / side-to-rear / rear-to-side -> side_to_side, passive ->
  passive, anything else (``mixed``, ...) -> passive with a note.
* Kind: ``--kind`` wins; otherwise the first matching rule of ``KIND_RULES`` (see
  ``infer_kind``). Rack types are always ``rack``; module types are never imported.
* Draw of IT devices (``power-ports``): two or more ports that all state the same
  ``maximum_draw`` / ``allocated_draw`` are redundant supplies (feeds A/B): nameplate = one
  port's ``maximum_draw``, typical = one port's ``allocated_draw``, ``psu_count`` = ports,
  ``redundant_psus`` = true, ``psu_rating_w`` = that figure. Otherwise the ports are additive:
  the figures are summed and ``redundant_psus`` is false. DC ports -> ``psu_connector = "dc"``.
* Devices without power ports but with PSU module bays (PSU-1, PSU Bay 2, ...): ``psu_count``
  = bays, power stays unknown (None). ``psu_rating_w`` comes from a module type of the same
  manufacturer only when the device text names its part number or model; a PSU rating is
  not a draw, so nameplate/typical stay None. Unknown power is never stored as 0 W.
* UPS, PDU, ATS: an inlet ``maximum_draw`` is an input rating, so it is never the nameplate.
  Their specs are parsed from the text (kVA, amps, volts, outlets); every figure that had to
  be assumed is listed in ``comments`` ("spec assumed from import: ...").
* Rack types: ``u`` = u_height, width/depth from ``outer_*`` (inches converted), usable depth
  = ``mounting_depth``, static load = ``max_weight``; without it a load stated in the
  description ("load rating 800 kg") is used, else 680 kg is assumed and said so in comments.

Everything is parsed and mapped before the database is touched; one bad file stops the run
with ``<path>: <field>: <message>`` and the writes happen in one transaction.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import Component
from catalog.services import component_upsert

log = logging.getLogger(__name__)

__all__ = [
    "IMPORTABLE_KINDS",
    "ComponentChange",
    "ComponentDraft",
    "DeviceTypeError",
    "DeviceTypeImportResult",
    "LibraryParse",
    "ModuleTypeInfo",
    "import_devicetypes",
    "infer_kind",
    "map_device_type",
    "map_rack_type",
    "parse_library",
]

LIBRARY_FOLDERS = ("device-types", "module-types", "rack-types")
YAML_SUFFIXES = (".yaml", ".yml")
SOURCE_NETBOX = "netbox"

LB_KG = 0.45359237
OZ_KG = 0.028349523125
WEIGHT_UNITS = {"kg": 1.0, "g": 0.001, "lb": LB_KG, "oz": OZ_KG}
LENGTH_UNITS = {"mm": 1.0, "in": 25.4}

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

# Keys of each file type this importer reads or knowingly skips; others get a debug log.
_DEVICE_KEYS = frozenset(
    {
        "manufacturer", "model", "slug", "part_number", "u_height", "is_full_depth",
        "subdevice_role", "airflow", "weight", "weight_unit", "comments", "description",
        "front_image", "rear_image", "is_powered", "exclude_from_utilization",
        "console-ports", "console-server-ports", "power-ports", "power-outlets", "interfaces",
        "front-ports", "rear-ports", "module-bays", "device-bays", "inventory-items",
    }
)  # fmt: skip
_MODULE_KEYS = frozenset(
    {
        "manufacturer", "model", "part_number", "comments", "description", "weight",
        "weight_unit", "airflow", "power-ports", "console-ports", "interfaces", "front-ports",
        "rear-ports", "module-bays", "power-outlets", "profile",
    }
)  # fmt: skip
_RACK_KEYS = frozenset(
    {
        "manufacturer", "model", "slug", "form_factor", "description", "comments", "width",
        "u_height", "starting_unit", "outer_width", "outer_height", "outer_depth",
        "outer_unit", "mounting_depth", "weight", "max_weight", "weight_unit", "desc_units",
    }
)  # fmt: skip


class DeviceTypeError(ValueError):
    """A library file cannot be imported; the message names the file and the field."""

    def __init__(self, path: str, field_name: str, message: str) -> None:
        self.path = path
        self.field = field_name
        self.message = message
        where = f"{path}: {field_name}" if field_name else path
        super().__init__(f"{where}: {message}")


# --------------------------------------------------------------------------- YAML reading


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader that keeps identifying scalars as written (``part_number: 0123`` stays text)."""


_TEXT_KEYS = frozenset({"manufacturer", "model", "slug", "part_number"})


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in _TEXT_KEYS and isinstance(value_node, yaml.ScalarNode):
            # YAML 1.1 would read 037332151513 as an octal int and 4016514014446 as an int.
            mapping[key] = value_node.value
        else:
            mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(path: Path, ref: str) -> dict[str, Any]:
    try:
        # Comments before "---" and a document start marker are both fine for PyYAML.
        # _Loader is a SafeLoader subclass: no arbitrary Python objects are built.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise DeviceTypeError(ref, "", f"invalid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise DeviceTypeError(ref, "", f"not UTF-8 text: {exc}") from exc
    if not isinstance(data, dict):
        raise DeviceTypeError(ref, "", "expected a YAML mapping (key: value) at the top level")
    return data


# --------------------------------------------------------------------------- value parsing


def _number(raw: Any, ref: str, name: str) -> float:
    """A finite number from an int, a float or a numeric string ("2.0")."""
    if isinstance(raw, bool) or raw is None:
        raise DeviceTypeError(ref, name, f"could not convert {raw!r}")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            raise DeviceTypeError(ref, name, f"could not convert {raw!r}") from None
    else:
        raise DeviceTypeError(ref, name, f"could not convert {raw!r}")
    if not math.isfinite(value):
        raise DeviceTypeError(ref, name, f"could not convert {raw!r}")
    return value


def _optional_number(data: Mapping[str, Any], key: str, ref: str, name: str = "") -> float | None:
    raw = data.get(key)
    if raw is None or raw == "":
        return None
    return _number(raw, ref, name or key)


def _text(data: Mapping[str, Any], key: str) -> str:
    raw = data.get(key)
    # Some files carry Windows line ends inside strings; store plain LF.
    return "" if raw is None else str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()


def _bool(data: Mapping[str, Any], key: str, ref: str, *, default: bool) -> bool:
    raw = data.get(key)
    if raw is None:
        return default
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in {"true", "false"}:
        return raw.strip().lower() == "true"
    raise DeviceTypeError(ref, key, f"expected true or false, got {raw!r}")


def _list(data: Mapping[str, Any], key: str, ref: str) -> list[dict[str, Any]]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise DeviceTypeError(ref, key, "expected a list of mappings")
    return raw


def _dec(value: float | None, places: int) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(value, places)))


def _weight_kg(data: Mapping[str, Any], key: str, ref: str) -> float | None:
    value = _optional_number(data, key, ref)
    if value is None:
        return None
    unit = _text(data, "weight_unit").lower()
    if not unit:
        raise DeviceTypeError(ref, "weight_unit", f"required when {key} is given")
    if unit not in WEIGHT_UNITS:
        raise DeviceTypeError(
            ref, "weight_unit", f"unknown unit {unit!r}; expected one of kg, g, lb, oz"
        )
    if value < 0:
        raise DeviceTypeError(ref, key, f"must not be negative, got {value:g}")
    return value * WEIGHT_UNITS[unit]


def _u_height(data: Mapping[str, Any], ref: str, notes: list[str]) -> Decimal:
    if data.get("u_height") is None:
        notes.append("u_height not in source; NetBox default 1 U assumed")
        return Decimal(1)
    value = _number(data["u_height"], ref, "u_height")
    if value < 0 or value > 60:
        raise DeviceTypeError(ref, "u_height", f"must be between 0 and 60, got {value:g}")
    if (value * 2) % 1:
        raise DeviceTypeError(ref, "u_height", f"must be a multiple of 0.5 U, got {value:g}")
    return Decimal(str(value))


_URL_RE = re.compile(r"https?://\S+")


def _plain(text: str) -> str:
    """Lower-case text with URLs removed (a URL path says nothing reliable about the device)."""
    return _URL_RE.sub(" ", text).lower()


# --------------------------------------------------------------------------- kind inference


@dataclass(frozen=True)
class _Facts:
    """What the kind rules look at, computed once per device type."""

    text: str  # model, part number, slug, comments, description; lower case, no URLs
    idents: tuple[str, ...]  # model, part number, slug; lower case
    manufacturer: str
    outlets: int
    power_ports: int
    interfaces: int  # data interfaces (mgmt_only ones excluded)
    console_server_ports: int
    other_ports: int  # console, front/rear ports, module and device bays
    is_powered: bool

    def ident(self, pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(ident) for ident in self.idents)


def _facts(data: Mapping[str, Any], ref: str) -> _Facts:
    model, part, slug = _text(data, "model"), _text(data, "part_number"), _text(data, "slug")
    words = " ".join([model, part, slug, _text(data, "comments"), _text(data, "description")])
    interfaces = [i for i in _list(data, "interfaces", ref) if not i.get("mgmt_only")]
    other = sum(
        len(_list(data, key, ref))
        for key in ("console-ports", "front-ports", "rear-ports", "module-bays", "device-bays")
    )
    return _Facts(
        text=_plain(words),
        idents=tuple(s.lower() for s in (model, part, slug) if s),
        manufacturer=_text(data, "manufacturer").lower(),
        outlets=len(_list(data, "power-outlets", ref)),
        power_ports=len(_list(data, "power-ports", ref)),
        interfaces=len(interfaces),
        console_server_ports=len(_list(data, "console-server-ports", ref)),
        other_ports=other,
        is_powered=_bool(data, "is_powered", ref, default=True),
    )


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_BATTERY_TEXT = _re(r"battery pack|external battery|battery module|battery cabinet|ebm(\d|\b)")
_BATTERY_IDENT = _re(r"\d+bp\b|ebm\d")
_ATS_TEXT = _re(r"\bats\b|transfer switch")
_UPS_TEXT = _re(r"\bups\b|\busv\b|uninterruptible|battery[- ]backed")
_UPS_IDENT = _re(
    r"^(smt|smc|smx|sua|srt|surt|sumx|smv)\d|^(5px|5sx|9px|9sx|93px)|^smart\d|^or\d{3,4}"
    r"|^cp\d{3,4}avr|^gxt\d|innova|^(ri)?sdh\b|^risdh|^fdc-|^x\d{3,4}r\b|xanto"
)
_PDU_TEXT = _re(r"\bpdu|power distribution|power strip|power socket|socket strip")
_MONITORING_TEXT = _re(
    r"console server|terminal server|\bkvm\b|\bntp\b|time server|\bptp\b|grandmaster"
    r"|monitoring|environmental|\bcamera|\bsensor\b|out-of-band"
)
_MONITORING_IDENT = _re(r"lantime|portserver|^dsr\d|^dsx\d|^acs\s?\d|^(cm|im|om|acm)\d{4}")
_GPU_TEXT = _re(r"\bgpu|\bhgx\b|\bdgx\b")
_GPU_IDENT = _re(r"\d{4}gr-|-\d{3}ge-|\bsys-\d{3}g[a-z]?-")
_STORAGE_TEXT = _re(
    r"\bmsa\b|\bnas\b|powervault|storage|disk enclosure|drive enclosure|disk shelf|\btape\b"
    r"|storeever|\blto\b|\bjbod\b|\bsan\b"
)
_STORAGE_IDENT = _re(r"^(ts|tvs|tds|ts-h)-|^rs\d|^ds\d{3,4}")
_STORAGE_MAKERS = frozenset({"qnap", "synology", "netapp", "pure storage"})
_ROUTER_TEXT = _re(
    r"router|firewall|gateway|\bngfw\b|sd-wan|\bvpn\b|security appliance|edge platform"
    r"|radio unit|fortigate|meraki mx"
)
_ROUTER_IDENT = _re(
    r"^isr|\bisr[\s-]?\d|^asr|^srx\d|^fg-\d|^pa-\d|^mx\d|^fpr\d|^asa\s?\d|^nfx\d|^rutx?\d"
    r"|^apu\d|^c8\d00|^iru\d|meraki-mx|meraki mx"
)
_SWITCH_TEXT = _re(r"switch|catalyst|nexus|powerconnect|aruba|infiniband")
_SWITCH_IDENT = _re(
    r"^ex\d{4}|^(dcs|ccs)-|^ms\d{3}|meraki-ms|^crs\d|^sx\d{4}|^sb\d{4}|^qfx|^n\d{4}|^s\d{4}f"
)
# A device with this many data ports and no better clue is a switch.
SWITCH_MIN_INTERFACES = 16
# Console servers carry many console-server ports; PDUs and UPSs sometimes have one or two.
CONSOLE_SERVER_MIN_PORTS = 4


def _is_passive(f: _Facts) -> bool:
    if not f.is_powered:
        return True
    return not (f.power_ports or f.outlets or f.interfaces or f.console_server_ports) and (
        f.other_ports == 0
    )


def _battery(f: _Facts) -> bool:
    return not f.outlets and bool(_BATTERY_TEXT.search(f.text) or f.ident(_BATTERY_IDENT))


def _ats(f: _Facts) -> bool:
    return bool(_ATS_TEXT.search(f.text))


def _ups(f: _Facts) -> bool:
    return bool(_UPS_TEXT.search(f.text) or f.ident(_UPS_IDENT))


def _pdu(f: _Facts) -> bool:
    return bool(f.outlets or _PDU_TEXT.search(f.text))


def _monitoring(f: _Facts) -> bool:
    return f.console_server_ports >= CONSOLE_SERVER_MIN_PORTS or bool(
        _MONITORING_TEXT.search(f.text) or f.ident(_MONITORING_IDENT)
    )


def _gpu_server(f: _Facts) -> bool:
    return bool(_GPU_TEXT.search(f.text) or f.ident(_GPU_IDENT))


def _storage(f: _Facts) -> bool:
    return f.manufacturer in _STORAGE_MAKERS or bool(
        _STORAGE_TEXT.search(f.text) or f.ident(_STORAGE_IDENT)
    )


def _router(f: _Facts) -> bool:
    return bool(_ROUTER_TEXT.search(f.text) or f.ident(_ROUTER_IDENT))


def _switch(f: _Facts) -> bool:
    return f.interfaces >= SWITCH_MIN_INTERFACES or bool(
        _SWITCH_TEXT.search(f.text) or f.ident(_SWITCH_IDENT)
    )


# Ordered: the first rule that matches decides. Order matters where words overlap:
# batteries before UPSs ("Smart-UPS X ... External Battery Pack"), ATSs before PDUs
# ("Transfer Switch PDU"), UPSs before PDUs (both have outlets), monitoring before storage
# and switches ("PortServer TS", "KVM switch"), routers before switches ("Catalyst 8200").
KIND_RULES: tuple[tuple[str, str, Callable[[_Facts], bool]], ...] = (
    ("accessory", "is_powered: false, or no ports of any kind", _is_passive),
    ("battery", "battery words and no outlets", _battery),
    ("ats", "ATS / transfer switch words", _ats),
    ("ups", "UPS words or UPS model names", _ups),
    ("pdu", "power outlets or PDU words", _pdu),
    ("monitoring", "console server / KVM / timing / monitoring words", _monitoring),
    ("gpu_server", "GPU words or GPU server models", _gpu_server),
    ("storage", "storage words, models or makers", _storage),
    ("router", "router / firewall / gateway words or models", _router),
    ("switch", "switch words, switch models or many data interfaces", _switch),
)


def infer_kind(data: Mapping[str, Any], ref: str = "") -> tuple[str, str]:
    """The kind of a device type and the rule that decided it (first match of ``KIND_RULES``)."""
    facts = _facts(data, ref)
    for kind, reason, matches in KIND_RULES:
        if matches(facts):
            return kind, reason
    return "server", "default"


# --------------------------------------------------------------------------- module types


@dataclass(frozen=True)
class ModuleTypeInfo:
    """A module type read as reference data: a PSU's rating, never a catalogue component."""

    path: str
    manufacturer: str
    model: str
    part_number: str
    psu_rating_w: float | None


def _module_type(data: Mapping[str, Any], ref: str) -> ModuleTypeInfo:
    _log_unknown_keys(data, _MODULE_KEYS, ref)
    manufacturer = _text(data, "manufacturer")
    if not manufacturer:
        raise DeviceTypeError(ref, "manufacturer", "required")
    ratings = [
        _optional_number(port, "maximum_draw", ref, f"power-ports[{i}].maximum_draw")
        for i, port in enumerate(_list(data, "power-ports", ref))
    ]
    known = [r for r in ratings if r]
    return ModuleTypeInfo(
        path=ref,
        manufacturer=manufacturer,
        model=_text(data, "model"),
        part_number=_text(data, "part_number"),
        psu_rating_w=max(known) if known else None,
    )


_PSU_BAY_RE = _re(r"^\s*(psu|power[\s-]*supply|pwr|ps[\s-]*\d)")


def _psu_bays(data: Mapping[str, Any], ref: str) -> list[dict[str, Any]]:
    return [
        bay
        for bay in _list(data, "module-bays", ref)
        if any(_PSU_BAY_RE.search(str(bay.get(key, ""))) for key in ("name", "label"))
    ]


def _linked_modules(
    data: Mapping[str, Any], ref: str, modules: Sequence[ModuleTypeInfo]
) -> list[ModuleTypeInfo]:
    """Module types of the same maker whose part number or model the device text names."""
    maker = _text(data, "manufacturer").lower()
    pieces = [_text(data, "comments"), _text(data, "description")]
    for bay in _list(data, "module-bays", ref):
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
class _Power:
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
            value = _optional_number(port, key, ref, f"power-ports[{i}].{key}")
            if value is not None and value < 0:
                raise DeviceTypeError(ref, f"power-ports[{i}].{key}", "must not be negative")
            if value == 0:
                # 0 W is how an empty field sometimes gets exported; it is not a real draw.
                notes.append(f"power-ports[{i}].{key} is 0 W; treated as unknown")
                value = None
            pair.append(value)
        figures.append((pair[0], pair[1]))
    return figures


def _it_power(
    data: Mapping[str, Any], ref: str, modules: Sequence[ModuleTypeInfo], notes: list[str]
) -> _Power:
    """Nameplate/typical draw and the PSU part of ItSpec; see the module docstring."""
    ports = _list(data, "power-ports", ref)
    figures = _port_figures(ports, ref, notes)
    power = _Power()
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
_VA_W_RE = _re(_NUM + r"\s*(k?)va\s*[/,]\s*" + _NUM + r"\s*(k?)w\b")
_VA_RE = _re(_NUM + r"\s*(k?)va\b")
_IDENT_K_RE = _re(r"(?<![\d.])(\d{1,2})k(?!w)")
_IDENT_VA_RE = _re(r"(?<!\d)(\d{3,5})(?!\d)")
_AMPS_RE = _re(r"(?<![\d.])(\d{1,3})\s?a\b")
_VOLT_RANGE_RE = _re(r"(?<!\d)(\d{3})\s*v?\s*[-/\u2013]\s*(\d{3})\s*v")
_VOLT_RE = _re(r"(?<!\d)(\d{3})\s*v(?:ac)?\b")
_THREE_PHASE_RE = _re(r"3[\s-]?ph|three[\s-]phase|\b3p\b|400\s*v|415\s*v")
_SINGLE_PHASE_RE = _re(r"\b1[\s-]?ph|single[\s-]phase")
_LOAD_RE = _re(r"(?:load|capacity|max(?:imum)?\.?\s*weight)[^0-9]{0,25}(\d[\d.,]*)\s*(kg|lbs?)\b")
_IP_RE = _re(r"\bIP\s?([0-6X][0-9X])\b")

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
_THREE_PHASE_PLUGS = _re(r"^iec-60309-3p|^nema-l1[58]|^nema-l2[12]|^cs8365")
# Plugs that only exist for single-phase circuits.
_SINGLE_PHASE_PLUGS = _re(r"^nema-(1|5|6|l5|l6|14|l14)-|^iec-60320-|^iec-60309-(p-n-e|2p-e)")


def _num(raw: str) -> float:
    return float(raw.replace(",", "."))


def _parse_kva(sources: Sequence[str], idents: Sequence[str]) -> tuple[float | None, float | None]:
    """(kVA, kW) stated in the text, else kVA read from the model / part number."""
    for text in sources:
        match = _VA_W_RE.search(text)
        if match:
            kva = _num(match[1]) * (1 if match[2] else 0.001)
            kw = _num(match[3]) * (1 if match[4] else 0.001)
            return kva, kw
    for text in sources:
        match = _VA_RE.search(text)
        if match:
            return _num(match[1]) * (1 if match[2] else 0.001), None
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


def _parse_voltage(text: str) -> float | None:
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


def _outlet_counts(data: Mapping[str, Any], ref: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for outlet in _list(data, "power-outlets", ref):
        kind = str(outlet.get("type", ""))
        counts[
            "c13" if kind == "iec-60320-c13" else "c19" if kind == "iec-60320-c19" else "other"
        ] += 1
    return counts


def _inlet(data: Mapping[str, Any], ref: str) -> tuple[list[str], float | None]:
    """Inlet plug types and the largest inlet maximum_draw (an input rating on power gear)."""
    ports = _list(data, "power-ports", ref)
    types = [str(p.get("type", "")) for p in ports]
    draws = [
        _optional_number(p, "maximum_draw", ref, f"power-ports[{i}].maximum_draw")
        for i, p in enumerate(ports)
    ]
    known = [d for d in draws if d]
    return types, (max(known) if known else None)


def _plug_volts(types: Sequence[str]) -> float | None:
    for plug in types:
        for prefix, volts in _PLUG_VOLTS.items():
            if plug.startswith(prefix + "-"):
                return volts
    return None


def _electrical(
    text: str, types: Sequence[str], input_w: float | None
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Voltage, phases and input current of a PDU/ATS; returns (values, assumed, sources)."""
    values: dict[str, Any] = {}
    assumed: list[str] = []
    said: list[str] = []
    volts = _parse_voltage(text)
    if volts is not None:
        said.append(f"voltage_v {volts:g} V from the text")
    else:
        volts = _plug_volts(types)
        if volts is not None:
            said.append(f"voltage_v {volts:g} V from the {types[0]} plug")
    if volts is None:
        volts = 230.0
        assumed.append("voltage_v")
        voltage_known = False
    else:
        voltage_known = True
    values["voltage_v"] = volts
    three_phase = bool(_THREE_PHASE_RE.search(text)) or any(
        _THREE_PHASE_PLUGS.search(t) for t in types
    )
    values["phases"] = 3 if three_phase else 1
    if three_phase:
        said.append("3 phases from the text or the plug")
    elif not (_SINGLE_PHASE_RE.search(text) or any(_SINGLE_PHASE_PLUGS.search(t) for t in types)):
        assumed.append("phases")
    amps_match = _AMPS_RE.search(text)
    plug_amps = [_PLUG_AMPS[t] for t in types if t in _PLUG_AMPS]
    if amps_match and 0 < float(amps_match[1]) <= 400:
        values["amps"] = float(amps_match[1])
        said.append(f"{values['amps']:g} A from the text")
    elif plug_amps:
        values["amps"] = max(plug_amps)
        said.append(f"{values['amps']:g} A from the {types[0]} plug rating")
    elif input_w and voltage_known and not three_phase:
        values["amps"] = round(input_w / volts, 1)
        said.append(f"{values['amps']:g} A = inlet maximum_draw {input_w:g} W / {volts:g} V")
    else:
        values["amps"] = 16.0
        assumed.append("input current")
    return values, assumed, said


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


def _ups_spec(data: Mapping[str, Any], ref: str, facts: _Facts, notes: list[str]) -> dict[str, Any]:
    sources = [
        _plain(_text(data, key)) for key in ("model", "description", "comments", "part_number")
    ]
    kva, kw = _parse_kva(sources, facts.idents)
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
    types, input_w = _inlet(data, ref)
    volts = _parse_voltage(text) or _plug_volts(types)
    if volts is None:
        assumed.append("input/output voltage (230 V)")
    else:
        spec["input_voltage_v"] = spec["output_voltage_v"] = volts
    if _THREE_PHASE_RE.search(text) or any(_THREE_PHASE_PLUGS.search(t) for t in types):
        spec["input_phases"] = 3
    outlets = _outlet_counts(data, ref)
    spec["outlets_c13"], spec["outlets_c19"] = outlets["c13"], outlets["c19"]
    if any("xl" in ident for ident in facts.idents):
        # APC/Tripp Lite/Vertiv "XL" models take external battery packs.
        spec["external_battery_support"] = True
    _input_rating_note(input_w, notes)
    _spec_note(assumed, notes)
    return spec


def _battery_spec(data: Mapping[str, Any], facts: _Facts, notes: list[str]) -> dict[str, Any]:
    assumed: list[str] = []
    volts = None
    for ident in facts.idents:
        match = re.search(r"ebm(\d{2,3})", ident)
        if match:
            volts = float(match[1])
            break
    if volts is None:
        # Only a voltage tied to battery words; "120V External Battery Pack" names the UPS class.
        match = _re(r"(\d{2,3})\s*v\s*(?:dc|battery|sealed|vrla|lead|li)").search(facts.text)
        volts = float(match[1]) if match else None
    if volts is None:
        volts = 48.0
        assumed.append("nominal_v (48 V)")
    spec: dict[str, Any] = {"kind": "battery", "nominal_v": volts}
    wh_match = _re(r"(\d+(?:\.\d+)?)\s*wh\b").search(facts.text)
    ah_match = _re(r"(\d+(?:\.\d+)?)\s*ah\b").search(facts.text)
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


def _pdu_spec(data: Mapping[str, Any], ref: str, facts: _Facts, notes: list[str]) -> dict[str, Any]:
    types, input_w = _inlet(data, ref)
    values, assumed, said = _electrical(facts.text, types, input_w)
    outlets = _outlet_counts(data, ref)
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
    assumed = ["input_current_a (16 A)" if a == "input current" else a for a in assumed]
    assumed = ["voltage_v (230 V)" if a == "voltage_v" else a for a in assumed]
    assumed = ["phases (1)" if a == "phases" else a for a in assumed]
    _input_rating_note(input_w, notes)
    if said:
        notes.append("; ".join(said))
    _spec_note(assumed, notes)
    return spec


def _ats_spec(data: Mapping[str, Any], ref: str, facts: _Facts, notes: list[str]) -> dict[str, Any]:
    types, input_w = _inlet(data, ref)
    values, assumed, said = _electrical(facts.text, types, input_w)
    outlets = _outlet_counts(data, ref)
    spec: dict[str, Any] = {
        "kind": "ats",
        "voltage_v": values["voltage_v"],
        "phases": values["phases"],
        "rated_a": values["amps"],
        "outlets_c13": outlets["c13"],
        "outlets_c19": outlets["c19"],
    }
    assumed = ["rated_a (16 A)" if a == "input current" else a for a in assumed]
    assumed = ["voltage_v (230 V)" if a == "voltage_v" else a for a in assumed]
    assumed = ["phases (1)" if a == "phases" else a for a in assumed]
    assumed.append("transfer_time_ms (10 ms)")
    _input_rating_note(input_w, notes)
    if said:
        notes.append("; ".join(said))
    _spec_note(assumed, notes)
    return spec


_ACCESSORY_TYPES = (
    (_re(r"blank"), "blanking_panel"),
    (_re(r"shelf|drawer"), "shelf"),
    (_re(r"cable|brush|finger"), "cable_management"),
    (_re(r"patch"), "patch_panel"),
)


def _accessory_spec(facts: _Facts) -> dict[str, Any]:
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


def _comments(original: str, notes: Sequence[str]) -> str:
    if not notes:
        return original
    block = "Import notes (NetBox devicetype-library):\n" + "\n".join(f"- {n}" for n in notes)
    return f"{original}\n\n{block}" if original else block


def _identity(data: Mapping[str, Any], ref: str) -> tuple[str, str, str]:
    manufacturer = _text(data, "manufacturer")
    model = _text(data, "model")
    if not manufacturer:
        raise DeviceTypeError(ref, "manufacturer", "required")
    if not model:
        raise DeviceTypeError(ref, "model", "required")
    sku = _text(data, "part_number") or model or _text(data, "slug")
    if len(sku) > 100:
        raise DeviceTypeError(ref, "part_number", f"SKU longer than 100 characters: {sku!r}")
    return manufacturer, model, sku


def _log_unknown_keys(data: Mapping[str, Any], known: frozenset[str], ref: str) -> None:
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        log.debug("%s: ignoring unknown keys %s", ref, ", ".join(unknown))


def map_device_type(
    data: Mapping[str, Any],
    ref: str,
    *,
    module_types: Sequence[ModuleTypeInfo] = (),
    kind: str | None = None,
) -> ComponentDraft:
    """Map one device-type file to a catalogue row (pure; raises DeviceTypeError)."""
    _log_unknown_keys(data, _DEVICE_KEYS, ref)
    manufacturer, model, sku = _identity(data, ref)
    notes: list[str] = []
    facts = _facts(data, ref)
    if kind:
        if kind not in IMPORTABLE_KINDS:
            raise DeviceTypeError(ref, "kind", f"cannot import a device type as {kind!r}")
        rule = "--kind"
    else:
        kind, rule = infer_kind(data, ref)

    fields: dict[str, Any] = {
        "model_name": model,
        "kind": kind,
        "description": _text(data, "description"),
        "u_height": _u_height(data, ref, notes),
        "is_full_depth": _bool(data, "is_full_depth", ref, default=True),
    }
    weight = _weight_kg(data, "weight", ref)
    if weight is None:
        # weight_kg cannot be null: leave it alone so a hand-entered weight survives re-imports.
        notes.append("weight not in source; weight_kg left as it is (0 on a new row)")
    else:
        fields["weight_kg"] = _dec(weight, 2)

    raw_airflow = _text(data, "airflow").lower()
    fields["airflow"] = AIRFLOW.get(raw_airflow, "passive")
    if raw_airflow and raw_airflow not in AIRFLOW:
        notes.append(f"airflow {raw_airflow!r} has no equivalent; passive recorded")

    nameplate = typical = None
    if kind in IT_KINDS:
        power = _it_power(data, ref, module_types, notes)
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
    fields["nameplate_w"] = _dec(nameplate, 1)
    fields["typical_w"] = _dec(typical, 1)
    fields["spec"] = spec
    fields["comments"] = _comments(_text(data, "comments"), notes)
    return ComponentDraft(ref, manufacturer, sku, kind, rule, fields, tuple(notes))


def _length_mm(data: Mapping[str, Any], key: str, ref: str, unit: str) -> float | None:
    value = _optional_number(data, key, ref)
    if value is None:
        return None
    if value <= 0:
        raise DeviceTypeError(ref, key, f"must be positive, got {value:g}")
    return value * LENGTH_UNITS[unit]


def map_rack_type(data: Mapping[str, Any], ref: str) -> ComponentDraft:
    """Map one rack-type file to a ``rack`` component with a RackSpec (pure)."""
    _log_unknown_keys(data, _RACK_KEYS, ref)
    manufacturer, model, sku = _identity(data, ref)
    notes: list[str] = []
    assumed: list[str] = []
    u_raw = _number(data.get("u_height", 42), ref, "u_height")
    if u_raw != int(u_raw) or not 1 <= u_raw <= 60:
        raise DeviceTypeError(ref, "u_height", f"a rack needs 1 to 60 whole units, got {u_raw:g}")
    unit = (_text(data, "outer_unit") or "mm").lower()
    if unit not in LENGTH_UNITS:
        raise DeviceTypeError(ref, "outer_unit", f"unknown unit {unit!r}; expected mm or in")
    width = _length_mm(data, "outer_width", ref, unit)
    depth = _length_mm(data, "outer_depth", ref, unit)
    # NetBox states mounting_depth in mm whatever outer_unit says.
    mounting = _optional_number(data, "mounting_depth", ref)
    description = _text(data, "description")
    text = _plain(" ".join([description, _text(data, "comments")]))

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

    max_weight = _weight_kg(data, "max_weight", ref)
    if max_weight:
        spec["static_load_kg"] = round(max_weight, 2)
    else:
        match = _LOAD_RE.search(text)
        if match:
            load = _num(match[1]) * (LB_KG if match[2].lower().startswith("lb") else 1.0)
            spec["static_load_kg"] = round(load, 2)
            notes.append(f"static load rating {load:g} kg taken from the description")
        else:
            spec["static_load_kg"] = EIA_STATIC_LOAD_KG
            notes.append("static load rating not in source; 680 kg assumed (EIA historic rating)")
    form_factor = _text(data, "form_factor").lower()
    if form_factor.startswith("wall"):
        spec["wall_mount"] = True
    ip = _IP_RE.search(text)
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
        "comments": _comments(_text(data, "comments"), notes),
    }
    weight = _weight_kg(data, "weight", ref)
    if weight is not None:
        fields["weight_kg"] = _dec(weight, 2)
    return ComponentDraft(ref, manufacturer, sku, "rack", "rack-type file", fields, tuple(notes))


# --------------------------------------------------------------------------- the library


@dataclass
class LibraryParse:
    """Everything read from the given paths, mapped and ready to upsert."""

    drafts: list[ComponentDraft]
    module_types: list[ModuleTypeInfo]
    files: int


def _yaml_files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in YAML_SUFFIXES
            )
        elif path.is_file():
            found.append(path)
        else:
            raise DeviceTypeError(str(path), "", "no such file or directory")
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def _folder_type(path: Path) -> str | None:
    for parent in path.resolve().parents:
        if parent.name in LIBRARY_FOLDERS:
            return parent.name
    return None


def _relative_ref(path: Path, root: Path | None, given: Sequence[Path]) -> str:
    resolved = path.resolve()
    candidates: list[Path] = []
    if root is not None:
        candidates.append(root.resolve())
    # Default root: the folder holding device-types/, module-types/ or rack-types/.
    candidates += [p.parent for p in resolved.parents if p.name in LIBRARY_FOLDERS]
    candidates += [g.resolve() if g.is_dir() else g.resolve().parent for g in given]
    for base in candidates:
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return path.as_posix()


def _file_type(data: Mapping[str, Any], path: Path) -> str:
    folder = _folder_type(path)
    if folder:
        return folder
    if "form_factor" in data or "max_weight" in data or "outer_width" in data:
        return "rack-types"
    if "slug" not in data and "u_height" not in data:
        return "module-types"
    return "device-types"


def parse_library(
    paths: Sequence[Path | str], *, library_root: Path | str | None = None, kind: str | None = None
) -> LibraryParse:
    """Read and map every YAML file under ``paths`` (no database); module types first."""
    given = [Path(p) for p in paths]
    root = Path(library_root) if library_root else None
    files = _yaml_files(given)
    loaded: list[tuple[str, str, dict[str, Any]]] = []
    for path in files:
        ref = _relative_ref(path, root, given)
        data = _load_yaml(path, ref)
        loaded.append((ref, _file_type(data, path), data))

    modules = [_module_type(d, ref) for ref, t, d in loaded if t == "module-types"]
    drafts: list[ComponentDraft] = []
    seen: dict[tuple[str, str], str] = {}
    for ref, file_type, data in loaded:
        if file_type == "module-types":
            continue
        if file_type == "rack-types":
            draft = map_rack_type(data, ref)
        else:
            draft = map_device_type(data, ref, module_types=modules, kind=kind)
        key = (draft.manufacturer, draft.sku)
        if key in seen:
            raise DeviceTypeError(
                ref,
                "part_number",
                f"SKU {draft.sku!r} of {draft.manufacturer} is also in {seen[key]}",
            )
        seen[key] = ref
        drafts.append(draft)
    return LibraryParse(drafts=drafts, module_types=modules, files=len(files))


# --------------------------------------------------------------------------- database


@dataclass(frozen=True)
class ComponentChange:
    """What an import did (or, in a dry run, would do) to one component."""

    path: str
    manufacturer: str
    sku: str
    kind: str
    action: str  # "created", "updated" or "unchanged"
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class DeviceTypeImportResult:
    """The outcome of an import: one entry per component, plus what was read."""

    changes: list[ComponentChange]
    module_types_read: int
    files_read: int
    dry_run: bool
    seconds: float = 0.0

    def count(self, action: str) -> int:
        """How many components got this action."""
        return sum(1 for change in self.changes if change.action == action)

    @property
    def kinds(self) -> Counter[str]:
        """Components per kind."""
        return Counter(change.kind for change in self.changes)


def _validation_message(ref: str, exc: ValidationError) -> DeviceTypeError:
    if hasattr(exc, "error_dict"):
        fields = sorted(exc.message_dict)
        detail = "; ".join(f"{f}: {' '.join(exc.message_dict[f])}" for f in fields)
        return DeviceTypeError(ref, "", detail)
    return DeviceTypeError(ref, "", " ".join(exc.messages))


def import_devicetypes(
    paths: Sequence[Path | str],
    *,
    library_root: Path | str | None = None,
    kind: str | None = None,
    dry_run: bool = False,
) -> DeviceTypeImportResult:
    """Parse the files, then upsert every component in one transaction (rolled back if dry)."""
    started = time.perf_counter()
    parsed = parse_library(paths, library_root=library_root, kind=kind)
    makers = {d.manufacturer for d in parsed.drafts}
    existing = {
        (c.manufacturer.name, c.sku): c
        for c in Component.objects.select_related("manufacturer").filter(
            manufacturer__name__in=makers
        )
    }
    changes: list[ComponentChange] = []
    with transaction.atomic():
        for draft in parsed.drafts:
            fields = {**draft.fields, "source": SOURCE_NETBOX, "source_ref": draft.path}
            before = existing.get((draft.manufacturer, draft.sku))
            if before is None:
                fields["list_price"] = Decimal(0)
            old = {name: getattr(before, name) for name in fields} if before else {}
            try:
                component, created, changed = component_upsert(
                    manufacturer_name=draft.manufacturer, sku=draft.sku, **fields
                )
            except ValidationError as exc:
                raise _validation_message(draft.path, exc) from exc
            diff = {}
            if changed:
                for name in fields:
                    new = getattr(component, name)
                    if old.get(name) != new:
                        diff[name] = (old.get(name), new)
            action = "created" if created else "updated" if changed else "unchanged"
            changes.append(
                ComponentChange(draft.path, draft.manufacturer, draft.sku, draft.kind, action, diff)
            )
        if dry_run:
            transaction.set_rollback(True)
    return DeviceTypeImportResult(
        changes=changes,
        module_types_read=len(parsed.module_types),
        files_read=parsed.files,
        dry_run=dry_run,
        seconds=time.perf_counter() - started,
    )
