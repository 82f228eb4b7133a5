"""Fixtures shared by the configurator's rooms: the parts a proposed build is made of."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.choices import ComponentKind, Lifecycle
from catalog.validation import validate_spec
from tests.factories import ComponentFactory


@pytest.fixture
def parts() -> dict[str, Any]:
    """The fewest parts a proposal needs: rack, UPSs, PDU, cooling, server, blanking panel."""
    return {
        "rack": ComponentFactory(
            kind=ComponentKind.RACK,
            model_name="Skarv 24U",
            spec={"u": 24, "width_mm": 600, "depth_mm": 1000, "static_load_kg": 800},
        ),
        "ups": ComponentFactory(kind=ComponentKind.UPS, model_name="Meridian 3000"),
        "ups_big": ComponentFactory(
            kind=ComponentKind.UPS,
            model_name="Meridian 10K",
            list_price=Decimal("7000"),
            u_height=Decimal(6),
            spec={
                "kva": 10,
                "kw": 10,
                "runtime_table": [
                    {"load_w": 5000, "minutes": 14},
                    {"load_w": 10000, "minutes": 6},
                ],
            },
        ),
        "pdu": ComponentFactory(
            kind=ComponentKind.PDU,
            model_name="Railpoint V32",
            spec={"voltage_v": 230, "input_current_a": 32, "outlets_c13": 20, "outlets_c19": 4},
        ),
        "cooling": ComponentFactory(kind=ComponentKind.COOLING, model_name="Glacis IR 3.5"),
        "server": ComponentFactory(model_name="R150"),
        "retired": ComponentFactory(model_name="R100", lifecycle=Lifecycle.END_OF_LIFE),
        "panel": ComponentFactory(kind=ComponentKind.ACCESSORY, model_name="Blank 1U"),
    }


@pytest.fixture
def liquid_parts(parts: dict[str, Any]) -> dict[str, Any]:
    """Beside ``parts``: a small cold-plate server (800 W typical, 80 % into liquid at
    1.2 L/min, inlet up to 45 degC, UQD04), an in-rack CDU (50 kW at a 3 K approach, UQD04), a
    single-phase dry cooler (60 kW at 35 degC, 30 degC or outdoor + 5 K) and a leak rope."""
    return {
        **parts,
        "node": ComponentFactory(
            model_name="R150L cold plate",
            nameplate_w=Decimal(1000),
            typical_w=Decimal(800),
            spec=validate_spec(
                ComponentKind.SERVER,
                {
                    "psu_count": 2,
                    "psu_rating_w": 1200,
                    "redundant_psus": True,
                    "ashrae_class": "A2",
                    "liquid_fraction": 0.8,
                    "coolant_flow_lpm": 1.2,
                    "max_coolant_inlet_c": 45,
                    "coolant_connector": "UQD04",
                },
            ),
        ),
        "cdu": ComponentFactory(
            kind=ComponentKind.CDU,
            model_name="Riptide 50R",
            nameplate_w=Decimal(600),
            typical_w=Decimal(600),
        ),
        "water": ComponentFactory(
            kind=ComponentKind.FACILITY_WATER,
            model_name="Boreas DC60-1",
            nameplate_w=Decimal(1500),
            typical_w=Decimal(1500),
            spec=validate_spec(
                ComponentKind.FACILITY_WATER,
                {
                    "source_type": "dry_cooler",
                    "capacity_w": 60_000,
                    "supply_temp_c": 30,
                    "ambient_approach_k": 5,
                    "power_draw_w": 1500,
                    "input_phases": 1,
                },
            ),
        ),
        "leak": ComponentFactory(
            kind=ComponentKind.ACCESSORY,
            model_name="Leak rope",
            u_height=Decimal(0),
            spec=validate_spec(ComponentKind.ACCESSORY, {"accessory_type": "leak_detection"}),
        ),
    }
