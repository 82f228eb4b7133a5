"""The demo catalogue's rows, read once from its data files, and helpers the data tests share."""

from __future__ import annotations

from typing import Any

from catalog.demo import load_demo_catalog

CATALOGUE: dict[str, Any] = load_demo_catalog()
COMPONENTS: list[dict[str, Any]] = CATALOGUE["components"]
BY_KEY = {(c["manufacturer"], c["sku"]): c for c in COMPONENTS}
IDS = [f"{c['manufacturer']}:{c['sku']}" for c in COMPONENTS]
EUR_PER_UNIT = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17}


def of_kind(*kinds: str) -> list[dict[str, Any]]:
    return [c for c in COMPONENTS if c["kind"] in kinds]


def eur(component: dict[str, Any], field: str = "list_price") -> float:
    return float(component[field]) * EUR_PER_UNIT[component["currency"]]


def np_w(component: dict[str, Any]) -> float | None:
    return None if component["nameplate_w"] is None else float(component["nameplate_w"])


def typ_w(component: dict[str, Any]) -> float | None:
    return None if component["typical_w"] is None else float(component["typical_w"])


def members_of(bundle: dict[str, Any]) -> list[tuple[dict[str, Any], int]]:
    """A bundle's member rows with their quantities."""
    return [
        (BY_KEY[(m["manufacturer"], m["sku"])], m.get("quantity", 1))
        for m in bundle["spec"]["members"]
    ]
