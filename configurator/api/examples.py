"""Documented examples of builds, reports and BOMs, shared by the views that answer them.

Every example validates against its schema (tests/api/test_openapi_examples.py).
"""

from __future__ import annotations

from typing import Any

__all__ = ["BOM_EXAMPLE", "BUILD_EXAMPLE", "REPORT_EXAMPLE"]

BUILD_EXAMPLE: dict[str, Any] = {
    "id": 7,
    "name": "Store 0217 rack",
    "site": 3,
    "site_name": "Store 0217 back office, Lyon",
    "organisation": "contoso",
    "status": "draft",
    "revision": 4,
    "policy_override": {"required_runtime_min": 15},
    "worst_severity": None,
    "created_by": "alice",
    "approved_by": None,
    "approved_at": None,
    "created_at": "2025-01-10T09:00:00Z",
    "updated_at": "2025-01-10T09:30:00Z",
}
# A real report of the engine (rules/examples/gpu_inference_overloaded.json), rounded,
# with one finding of its nineteen and one rack, UPS phase and source of its figures.
REPORT_EXAMPLE: dict[str, Any] = {
    "ok": False,
    "metrics": {
        "it_load_typical_w": 14220.0,
        "it_load_nameplate_w": 17550.0,
        "power_unknown_items": [],
        "ups_capacity_kw": 10.0,
        "ups_capacity_kva": 10.0,
        "ups_load_kw_pct": 142.2,
        "ups_load_kva_pct": 149.7,
        "ups_worst_load_kw_pct": 142.2,
        "runtime_min": 2.8,
        "runtime_method": "table",
        "runtime_basis": "new",
        "runtime_new_min": 2.8,
        "runtime_end_of_life_min": 2.1,
        "ups_loss_w": 907.7,
        "heat_w": 15127.7,
        "heat_btu_h": 51615.6,
        "it_heat_w": 14220.0,
        "it_heat_btu_h": 48518.6,
        "cooling_required_sensible_w": 18909.6,
        "cooling_installed_sensible_w": 12500.0,
        "cooling_effective_sensible_w": 12500.0,
        "cooling_power_w": 3200.0,
        "airflow_required_m3h": 4159.2,
        "airflow_required_cfm": 2448.0,
        "airflow_installed_m3h": 3600.0,
        "airflow_it_m3h": 3909.6,
        "airflow_it_cfm": 2301.1,
        "dew_point_max_c": None,
        "relative_humidity_max_pct": None,
        "liquid_w": 0.0,
        "loops": [],
        "racks": [
            {
                "rack_id": "rack1",
                "u_total": 42.0,
                "u_used": 42.0,
                "u_free": 0.0,
                "weight_kg": 404.1,
                "static_limit_kg": 1360.0,
                "dynamic_limit_kg": 1000.0,
                "floor_load_kg_m2": 420.9,
                "heat_kw": 15.1,
                "air_kw": 15.1,
            }
        ],
        "phase_loads": [{"source": "ups1", "phase": 1, "current_a": 80.3, "limit_a": 34.8}],
        "sources": [
            {
                "source": "ups1",
                "phases": 1,
                "voltage_v": 230.0,
                "limit_a": 34.8,
                "usable_w": 7600.0,
                "load_w": 17550.0,
                "worst_a": [80.3],
                "overloaded": [1],
            }
        ],
        "agent_required_kg": None,
        "agent_installed_kg": None,
        "ups_redundancy": "none",
        "cooling_redundancy": "none",
        "site_load_w": 22870.2,
        "site_capacity_w": 21731.2,
        "pue_estimate": 1.6,
        "annual_kwh": 199307.5,
        "co2_kg_per_year": 75936.2,
        "cue_kg_per_kwh": 0.6,
        "annual_water_l": 0.0,
        "wue_l_per_kwh": 0.0,
        "energy_cost_per_year": 59792.3,
        "currency": "EUR",
        "bill_total": 334784.0,
        "lead_time_days": 60,
    },
    "findings": [
        {
            "code": "power.ups_kw_capacity",
            "severity": "error",
            "message": "UPS Voltaris OL10K RT online UPS 10 kVA in GPU rack at U1-U5 (L12) "
            "carries 14,220.0 W, above 80 % of its 10,000.0 W rating (8,000.0 "
            "W).",
            "subject": ["L12"],
            "value": 14220.0,
            "limit": 8000.0,
            "unit": "W",
        }
    ],
    "headroom": {
        "typical_load_w": 0.0,
        "binding_constraint": "pdu_current",
        "u_free": 0.0,
        "weight_kg": 1100.9,
        "by_constraint": {
            "ups_kw": -6220.0,
            "ups_kva": -6620.0,
            "cooling_sensible": -4820.0,
            "site_supply": -5978.3,
            "pdu_current": -9687.7,
            "runtime": -8274.5,
        },
    },
}
BOM_EXAMPLE: dict[str, Any] = {
    "currency": "EUR",
    "categories": [
        {
            "category": "UPS",
            "kind": "ups",
            "rows": [
                {
                    "component_id": 12,
                    "category": "UPS",
                    "kind": "ups",
                    "manufacturer": "Voltaris",
                    "sku": "OL3000RT",
                    "model_name": "OL3000 RT",
                    "quantity": 2,
                    "unit_list_price": "1650.00",
                    "extended_list_price": "3300.00",
                    "discount_pct": "0.00",
                    "extended_net_price": "3300.00",
                    "currency": "EUR",
                    "lead_time_days": 7,
                }
            ],
            "subtotal": {"list_price": "3300.00", "net_price": "3300.00", "cost_complete": True},
        }
    ],
    "totals": {"list_price": "3300.00", "net_price": "3300.00", "cost_complete": True},
    "line_count": 1,
    "longest_lead_time_days": 7,
    "longest_lead_item": "Voltaris OL3000RT (OL3000 RT)",
}
