"""The demo catalogue's rows, read once from its data files, and helpers the data tests share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from catalog.demo import load_demo_catalog
from rules.specs import ComponentSpec, Kind, spec_model_for

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


def engine_view(component: dict[str, Any]) -> ComponentSpec:
    """The component as the engine sees it (mirrors catalog.selectors.component_to_engine)."""
    return ComponentSpec(
        ref=f"{component['manufacturer']}:{component['sku']}",
        name=f"{component['manufacturer']} {component['model_name']}",
        manufacturer=component["manufacturer"],
        sku=component["sku"],
        kind=Kind(component["kind"]),
        u_height=float(Decimal(component["u_height"])),
        weight_kg=float(component["weight_kg"]),
        depth_mm=component["depth_mm"],
        airflow=component["airflow"],
        nameplate_w=np_w(component),
        typical_w=typ_w(component),
        list_price=float(component["list_price"]),
        currency=component["currency"],
        lead_time_days=component["lead_time_days"],
        spec=spec_model_for(component["kind"]).model_validate(component["spec"]),
    )
