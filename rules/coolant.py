"""The liquid graph of a build: what may take its coolant from what (reference 8; one rule for the
engine and the configurator).

A loop runs from a facility water source (dry cooler or chiller) to the CDUs and rear-door heat
exchangers it feeds, and from a CDU to the cold-plate nodes and rear doors on its secondary. So
``coolant_from`` names a CDU or a facility water source, a CDU takes its primary water from a
facility water source only, and only liquid-cooled IT, CDUs and rear doors sit on a loop. A
facility water source takes coolant from nothing and a CDU only from facility water, so every
chain is at most two links long and none can close on itself: these kind rules keep the graph
free of cycles without a walk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rules.specs import ComponentSpec, CoolingSpec, CoolingType, ItSpec, Kind

__all__ = ["COOLANT_SOURCE_KINDS", "CoolantProblem", "coolant_problem", "takes_coolant"]

COOLANT_SOURCE_KINDS = frozenset({Kind.CDU, Kind.FACILITY_WATER})


def takes_coolant(component: ComponentSpec) -> bool:
    """Whether a part sits on a loop: a cold-plate node, a CDU or a rear door."""
    spec = component.spec
    if component.kind is Kind.CDU:
        return True
    if component.kind is Kind.COOLING:
        return isinstance(spec, CoolingSpec) and spec.cooling_type is CoolingType.REAR_DOOR
    return component.kind.is_it and isinstance(spec, ItSpec) and spec.liquid_cooled


@dataclass(frozen=True, slots=True)
class CoolantProblem:
    """Why a part cannot take its coolant from a source: a stable code and the end of a sentence
    that starts with the source's name."""

    code: Literal["not_a_source", "not_on_a_loop", "cdu_needs_facility_water"]
    message: str


def coolant_problem(component: ComponentSpec, source: ComponentSpec) -> CoolantProblem | None:
    """Why ``component`` cannot take its coolant from ``source``; None when it can."""
    if source.kind not in COOLANT_SOURCE_KINDS:
        return CoolantProblem(
            "not_a_source", f"is a {source.kind.value}, not a CDU or a facility water source"
        )
    if not takes_coolant(component):
        return CoolantProblem(
            "not_on_a_loop",
            "cannot feed it: only liquid-cooled IT, CDUs and rear doors are on a loop",
        )
    if component.kind is Kind.CDU and source.kind is not Kind.FACILITY_WATER:
        return CoolantProblem(
            "cdu_needs_facility_water",
            "is a CDU: a CDU takes its primary water from a facility water source",
        )
    return None
