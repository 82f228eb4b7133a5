"""Reading NetBox devicetype-library YAML: the loader, typed field access and units.

Part of the NetBox importer (catalog.importers.netbox has the rules); every error names the
file and the field.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from rules.units import KG_PER_LB, MM_PER_IN

log = logging.getLogger("catalog.importers.netbox")  # one log for the whole importer

LB_KG = KG_PER_LB  # the engine's factor (rules.units): one definition of the pound
OZ_KG = 0.028349523125
WEIGHT_UNITS = {"kg": 1.0, "g": 0.001, "lb": LB_KG, "oz": OZ_KG}
LENGTH_UNITS = {"mm": 1.0, "in": MM_PER_IN}

# Keys of each file type this importer reads or knowingly skips; others get a debug log.
DEVICE_KEYS = frozenset(
    {
        "manufacturer", "model", "slug", "part_number", "u_height", "is_full_depth",
        "subdevice_role", "airflow", "weight", "weight_unit", "comments", "description",
        "front_image", "rear_image", "is_powered", "exclude_from_utilization",
        "console-ports", "console-server-ports", "power-ports", "power-outlets", "interfaces",
        "front-ports", "rear-ports", "module-bays", "device-bays", "inventory-items",
    }
)  # fmt: skip
MODULE_KEYS = frozenset(
    {
        "manufacturer", "model", "part_number", "comments", "description", "weight",
        "weight_unit", "airflow", "power-ports", "console-ports", "interfaces", "front-ports",
        "rear-ports", "module-bays", "power-outlets", "profile",
    }
)  # fmt: skip
RACK_KEYS = frozenset(
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


class DeviceTypeErrors(ValueError):
    """Every problem of one import batch, one line per bad file, ordered by path.

    An import reports all its bad files at once (and writes nothing), so a library can be
    fixed in one pass rather than one file per run.
    """

    def __init__(self, errors: list[DeviceTypeError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path, e.field, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))


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


def load_yaml(path: Path, ref: str) -> dict[str, Any]:
    try:
        # Comments before "---" and a document start marker are both fine for PyYAML.
        # _Loader is a SafeLoader subclass: no arbitrary Python objects are built.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except yaml.YAMLError as exc:
        # One line per bad file in a batch report: PyYAML's message spans several.
        raise DeviceTypeError(ref, "", f"invalid YAML: {' '.join(str(exc).split())}") from exc
    except UnicodeDecodeError as exc:
        raise DeviceTypeError(ref, "", f"not UTF-8 text: {exc}") from exc
    if not isinstance(data, dict):
        raise DeviceTypeError(ref, "", "expected a YAML mapping (key: value) at the top level")
    return data


# --------------------------------------------------------------------------- value parsing


def number_field(raw: Any, ref: str, name: str) -> float:
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


def optional_number(data: Mapping[str, Any], key: str, ref: str, name: str = "") -> float | None:
    raw = data.get(key)
    if raw is None or raw == "":
        return None
    return number_field(raw, ref, name or key)


def text_field(data: Mapping[str, Any], key: str) -> str:
    raw = data.get(key)
    # Some files carry Windows line ends inside strings; store plain LF.
    return "" if raw is None else str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()


def bool_field(data: Mapping[str, Any], key: str, ref: str, *, default: bool) -> bool:
    raw = data.get(key)
    if raw is None:
        return default
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in {"true", "false"}:
        return raw.strip().lower() == "true"
    raise DeviceTypeError(ref, key, f"expected true or false, got {raw!r}")


def list_field(data: Mapping[str, Any], key: str, ref: str) -> list[dict[str, Any]]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise DeviceTypeError(ref, key, "expected a list of mappings")
    return raw


def decimal_places(value: float | None, places: int) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(value, places)))


def weight_kg_of(data: Mapping[str, Any], key: str, ref: str) -> float | None:
    value = optional_number(data, key, ref)
    if value is None:
        return None
    unit = text_field(data, "weight_unit").lower()
    if not unit:
        raise DeviceTypeError(ref, "weight_unit", f"required when {key} is given")
    if unit not in WEIGHT_UNITS:
        raise DeviceTypeError(
            ref, "weight_unit", f"unknown unit {unit!r}; expected one of kg, g, lb, oz"
        )
    if value < 0:
        raise DeviceTypeError(ref, key, f"must not be negative, got {value:g}")
    return value * WEIGHT_UNITS[unit]


def u_height_of(data: Mapping[str, Any], ref: str, notes: list[str]) -> Decimal:
    if data.get("u_height") is None:
        notes.append("u_height not in source; NetBox default 1 U assumed")
        return Decimal(1)
    value = number_field(data["u_height"], ref, "u_height")
    if value < 0 or value > 60:
        raise DeviceTypeError(ref, "u_height", f"must be between 0 and 60, got {value:g}")
    if (value * 2) % 1:
        raise DeviceTypeError(ref, "u_height", f"must be a multiple of 0.5 U, got {value:g}")
    return Decimal(str(value))


_URL_RE = re.compile(r"https?://\S+")


def plain_text(text: str) -> str:
    """Lower-case text with URLs removed (a URL path says nothing reliable about the device)."""
    return _URL_RE.sub(" ", text).lower()


def log_unknown_keys(data: Mapping[str, Any], known: frozenset[str], ref: str) -> None:
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        log.debug("%s: ignoring unknown keys %s", ref, ", ".join(unknown))


def ci_regex(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern: NetBox names and descriptions come in any case."""
    return re.compile(pattern, re.IGNORECASE)
