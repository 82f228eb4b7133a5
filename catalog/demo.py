"""The demo catalogue: human-edited YAML data files under ``catalog/fixtures/demo/``.

Each file is a mapping with up to three keys:

* ``manufacturers``: ``{name, website}`` entries (``manufacturers.yaml`` holds them all);
* ``defaults``: values every component of that file has unless it sets its own (the
  ``spec`` mapping is merged one level deep);
* ``components``: one entry per catalogue row, with the fields of a catalogue file row.

``load_demo_catalog`` reads them into the catalogue-file shape that ``seed_catalog`` loads
(the same shape as a ``--file`` JSON catalogue). Decimal fields are written as plain YAML
numbers and come out as the fixed-point strings of that shape; a figure with more decimals
than its column holds is refused, never rounded. Pure Python: no Django import, so tests
read the data without a database.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

DEMO_DIR = Path(__file__).resolve().parent / "fixtures" / "demo"
FORMAT_VERSION = 1
FILE_KEYS = frozenset({"manufacturers", "defaults", "components"})
# Column -> decimal places of the catalogue's DecimalField (money, kg, watts).
DECIMAL_PLACES = {
    "list_price": 2,
    "cost_price": 2,
    "weight_kg": 2,
    "nameplate_w": 1,
    "typical_w": 1,
}
# Same order as a row of the JSON catalogue format.
ROW_ORDER = (
    "manufacturer", "sku", "model_name", "kind", "description", "list_price", "cost_price",
    "currency", "lead_time_days", "lifecycle", "datasheet_url", "u_height", "weight_kg",
    "depth_mm", "is_full_depth", "airflow", "nameplate_w", "typical_w", "spec",
)  # fmt: skip


class DemoCatalogError(ValueError):
    """A demo data file is malformed; the message names the file and the entry."""


def load_demo_catalog(directory: Path = DEMO_DIR) -> dict[str, Any]:
    """The demo catalogue as ``{version, manufacturers, components}``, sorted by natural key."""
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise DemoCatalogError(f"{directory}: no *.yaml data files.")
    manufacturers: dict[str, dict[str, Any]] = {}
    components: dict[tuple[str, str], dict[str, Any]] = {}
    origin: dict[tuple[str, str], str] = {}
    for path in paths:
        data = _read(path)
        for index, entry in enumerate(data.get("manufacturers") or []):
            where = f"{path.name}: manufacturers[{index}]"
            if not isinstance(entry, dict) or not entry.get("name"):
                raise DemoCatalogError(f"{where}: must be a mapping with a name.")
            if entry["name"] in manufacturers:
                raise DemoCatalogError(f"{where}: {entry['name']!r} is listed twice.")
            manufacturers[entry["name"]] = dict(entry)
        defaults = data.get("defaults") or {}
        if not isinstance(defaults, dict):
            raise DemoCatalogError(f"{path.name}: defaults must be a mapping.")
        for index, entry in enumerate(data.get("components") or []):
            where = f"{path.name}: components[{index}]"
            row = _component(entry, defaults, where)
            key = (str(row.get("manufacturer")), str(row.get("sku")))
            if key in components:
                raise DemoCatalogError(
                    f"{where}: {key[1]!r} of {key[0]!r} is already defined in {origin[key]}."
                )
            components[key] = row
            origin[key] = where
    for key, where in origin.items():
        if key[0] not in manufacturers:
            raise DemoCatalogError(
                f"{where}: manufacturer {key[0]!r} is not listed under manufacturers."
            )
    return {
        "version": FORMAT_VERSION,
        "manufacturers": [manufacturers[name] for name in sorted(manufacturers)],
        "components": [components[key] for key in sorted(components)],
    }


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DemoCatalogError(f"{path.name} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DemoCatalogError(f"{path.name}: expected a mapping at the top level.")
    unknown = set(data) - FILE_KEYS
    if unknown:
        raise DemoCatalogError(f"{path.name}: unknown key(s) {', '.join(sorted(unknown))}.")
    for key in ("manufacturers", "components"):
        if not isinstance(data.get(key) or [], list):
            raise DemoCatalogError(f"{path.name}: {key} must be a list.")
    return data


def _component(entry: Any, defaults: dict[str, Any], where: str) -> dict[str, Any]:
    """One entry with its file's defaults filled in and decimals in fixed-point form."""
    if not isinstance(entry, dict):
        raise DemoCatalogError(f"{where}: must be a mapping.")
    merged = {**defaults, **entry}
    spec_defaults, spec = defaults.get("spec") or {}, entry.get("spec") or {}
    if not isinstance(spec_defaults, dict) or not isinstance(spec, dict):
        raise DemoCatalogError(f"{where}: spec must be a mapping.")
    merged["spec"] = {**spec_defaults, **spec}
    label = f"{where} ({merged.get('sku')!r})"
    for field, places in DECIMAL_PLACES.items():
        if merged.get(field) is not None:
            merged[field] = _fixed(merged[field], places, f"{label}: {field}")
    if merged.get("u_height") is not None:
        merged["u_height"] = _rack_units(merged["u_height"], f"{label}: u_height")
    ordered = {key: merged.pop(key) for key in ROW_ORDER if key in merged}
    return {**ordered, **merged}  # unknown keys stay for seed_catalog to name


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise DemoCatalogError(f"{where}: {value!r} is not a number.")
    try:
        number = Decimal(str(value))  # str(float) is the shortest text that reads back
    except InvalidOperation as exc:
        raise DemoCatalogError(f"{where}: {value!r} is not a number.") from exc
    if not number.is_finite():
        raise DemoCatalogError(f"{where}: {value!r} is not a finite number.")
    return number


def _fixed(value: Any, places: int, where: str) -> str:
    number = _decimal(value, where)
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise DemoCatalogError(f"{where}: {value!r} has more than {places} decimal places.")
    return f"{number:.{places}f}"


def _rack_units(value: Any, where: str) -> str:
    number = _decimal(value, where)
    return str(int(number)) if number == number.to_integral_value() else str(number.normalize())


def demo_solver_catalog() -> list[dict[str, Any]]:
    """The demo catalogue in the solver's ``--catalog`` format (``rules.solver.catalog``)."""
    from rules.solver.catalog import entry_from_row

    return [
        entry_from_row(row).model_dump(mode="json") for row in load_demo_catalog()["components"]
    ]


if __name__ == "__main__":  # python -m catalog.demo > CATALOG.json
    import json
    import sys

    json.dump(demo_solver_catalog(), sys.stdout, indent=1)
    sys.stdout.write("\n")
