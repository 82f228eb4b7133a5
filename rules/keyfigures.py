"""The few figures that tell components of one kind apart, as a picker or a list shows them.

A UPS by its kVA/kW and runtime, a rack by its U and size, a PDU by its amps, volts, phases and
outlets, a cooling unit by its sensible capacity beside its own draw, IT gear by its power
supplies. Runtime comes from the engine's own model (``rules.derive.runtime``), at full and at
half the rated real power, new batteries, internal string only.
"""

from __future__ import annotations

from rules.derive.runtime import battery_model
from rules.feeds import supply_count
from rules.specs import (
    AtsSpec,
    ComponentSpec,
    CoolingSpec,
    ItSpec,
    PduSpec,
    Policy,
    RackSpec,
    UpsSpec,
)

__all__ = ["key_figures"]

_DEFAULT_POLICY = Policy()


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}" if digits else f"{value:,.0f}"


def _phases(phases: int) -> str:
    return "3-phase" if phases == 3 else "1-phase"


def _supplies(count: int) -> str:
    return f"{count} power suppl{'y' if count == 1 else 'ies'}"


def _ups(spec: UpsSpec) -> list[str]:
    rated_w = spec.rated_kw * 1000
    out = [f"{spec.kva:g} kVA / {spec.rated_kw:g} kW", _phases(spec.output_phases) + " out"]
    model = battery_model(spec, 1, (), _DEFAULT_POLICY)
    full, half = model.minutes(rated_w), model.minutes(rated_w / 2)
    if full is not None and half is not None:
        out.append(f"runtime {_n(full, 1)} min at full load, {_n(half, 1)} min at half")
    else:
        out.append("runtime not stated")
    return out


def _pdu(spec: PduSpec) -> list[str]:
    outlets = []
    if spec.outlets_c13:
        outlets.append(f"{spec.outlets_c13} \u00d7 C13")
    if spec.outlets_c19:
        outlets.append(f"{spec.outlets_c19} \u00d7 C19")
    if spec.outlets_other:
        outlets.append(f"{spec.outlets_other} other")
    return [
        f"{spec.input_current_a:g} A, {spec.voltage_v:g} V, {_phases(spec.phases)}",
        ", ".join(outlets) + " outlets",
    ]


def _cooling(spec: CoolingSpec) -> list[str]:
    return [
        f"{_n(spec.sensible_w)} W sensible cooling",
        f"draws {_n(spec.power_draw_w)} W itself",
        spec.cooling_type.value.replace("_", " "),
    ]


def _rack(spec: RackSpec) -> list[str]:
    return [
        f"{spec.u} U",
        f"{_n(spec.width_mm)} \u00d7 {_n(spec.depth_mm)} mm",
        f"{_n(spec.static_load_kg)} kg static",
    ]


def key_figures(component: ComponentSpec) -> tuple[str, ...]:
    """The key figures of one component, each a short phrase with its unit."""
    spec = component.spec
    out: list[str] = []
    if isinstance(spec, UpsSpec):
        out = _ups(spec)
    elif isinstance(spec, PduSpec):
        out = _pdu(spec)
    elif isinstance(spec, CoolingSpec):
        out = _cooling(spec)
    elif isinstance(spec, RackSpec):
        out = _rack(spec)
    elif isinstance(spec, AtsSpec):
        out = [f"{spec.rated_a:g} A, {spec.voltage_v:g} V, {_phases(spec.phases)}", "2 inputs"]
    elif isinstance(spec, ItSpec):
        out = [_supplies(supply_count(component))]
        if spec.gpu_count:
            out.append(f"{spec.gpu_count} GPUs")
    elif supply_count(component) > 0:
        out = [_supplies(supply_count(component))]
    return tuple(out)
