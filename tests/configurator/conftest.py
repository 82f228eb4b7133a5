"""Fixtures shared by the configurator's rooms: the parts a proposed build is made of."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.choices import ComponentKind, Lifecycle
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
