"""Specs of the power kinds: UPS (with its runtime table), battery packs, PDUs and ATSs."""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal

from pydantic import Field, model_validator

from rules.specs.base import (
    Amps,
    BatteryChemistry,
    Count,
    Fraction,
    Frozen,
    Kva,
    Kw,
    Minutes,
    PositiveWatts,
    UpsTopology,
    VoltsAc,
    VoltsDc,
)

__all__ = ["AtsSpec", "BatteryPackSpec", "PduSpec", "RuntimePoint", "UpsSpec"]


class RuntimePoint(Frozen):
    """One point of a UPS runtime table: at ``load_w`` the batteries last ``minutes``."""

    load_w: PositiveWatts
    minutes: Minutes


class UpsSpec(Frozen):
    """Uninterruptible power supply: both the kW and the kVA rating must hold (WP15)."""

    kind: Literal["ups"] = "ups"
    kva: Kva
    kw: Kw | None = Field(
        default=None, description="Real-power rating; if absent, kVA x output PF (C3)."
    )
    output_pf: Fraction = 0.9
    efficiency: Fraction | None = Field(
        default=None, description="Datasheet efficiency at typical load; else the policy default."
    )
    topology: UpsTopology | None = Field(
        default=None, description="IEC 62040-3 topology; none = not stated by the data."
    )
    input_voltage_v: VoltsAc = Field(default=230, description="Line-to-neutral input voltage.")
    input_phases: Literal[1, 3] = 1
    input_current_a: Amps | None = Field(
        default=None,
        description=(
            "Inlet rating per phase in A (the plug or input breaker the UPS needs); the supply "
            "that feeds it must be rated for at least this. None = not stated."
        ),
    )
    output_voltage_v: VoltsAc = Field(default=230, description="Line-to-neutral output voltage.")
    output_phases: Literal[1, 3] = 1
    runtime_table: tuple[RuntimePoint, ...] = Field(
        default=(), max_length=64, description="Vendor runtime points on internal batteries."
    )
    battery_nominal_v: VoltsDc | None = None
    battery_ah: Annotated[float, Field(ge=0.01, le=100_000)] | None = None
    battery_chemistry: BatteryChemistry = BatteryChemistry.VRLA
    external_battery_support: bool = False
    max_external_packs: Annotated[int, Field(ge=0, le=100)] = 0
    outlets_c13: Count = 0
    outlets_c19: Count = 0

    @model_validator(mode="after")
    def _consistent(self) -> UpsSpec:
        if self.kw is not None and self.kw > self.kva:
            raise ValueError("kw cannot exceed kva: real power is at most apparent power")
        loads = sorted(self.runtime_table, key=lambda p: p.load_w)
        if len({p.load_w for p in loads}) != len(loads):
            raise ValueError("runtime_table has two points at the same load_w")
        for low, high in pairwise(loads):
            if high.minutes >= low.minutes:
                raise ValueError(
                    "runtime_table must fall as load rises: "
                    f"{high.minutes} min at {high.load_w} W is not below "
                    f"{low.minutes} min at {low.load_w} W"
                )
        if self.max_external_packs and not self.external_battery_support:
            raise ValueError("max_external_packs is set but external_battery_support is false")
        if (self.battery_nominal_v is None) != (self.battery_ah is None):
            raise ValueError("battery_nominal_v and battery_ah go together")
        return self

    @property
    def rated_kw(self) -> float:
        """Real-power rating in kW (C3: kVA x output PF when no kW is given)."""
        return self.kw if self.kw is not None else self.kva * self.output_pf

    @property
    def internal_battery_wh(self) -> float | None:
        """Energy of the internal string, when its voltage and Ah are known."""
        if self.battery_nominal_v is None or self.battery_ah is None:
            return None
        return self.battery_nominal_v * self.battery_ah


class BatteryPackSpec(Frozen):
    """External battery pack added to a UPS string."""

    kind: Literal["battery"] = "battery"
    wh: Annotated[float, Field(ge=0.01, le=10_000_000)]
    nominal_v: VoltsDc
    chemistry: BatteryChemistry = BatteryChemistry.VRLA
    rated_hours: Annotated[float, Field(ge=0.01, le=100)] = Field(
        default=20, description="Hour rate of the Ah figure (C20)."
    )
    peukert_k: Annotated[float, Field(ge=1, le=1.5)] | None = None

    @property
    def ah(self) -> float:
        """Capacity in Ah at the rated hour rate."""
        return self.wh / self.nominal_v


class PduSpec(Frozen):
    """Rack power distribution unit; current is checked per phase against its breaker.

    Its input has its ``phases`` and feeds each outlet at ``voltage_v``, line to neutral.
    """

    kind: Literal["pdu"] = "pdu"
    voltage_v: VoltsAc = Field(description="Line-to-neutral voltage at the outlets.")
    phases: Literal[1, 3] = 1
    input_current_a: Amps = Field(description="Plug / input rating per phase in A.")
    breaker_a: Amps | None = Field(
        default=None, description="Branch breaker per bank in A; none = input rating only."
    )
    banks: Annotated[int, Field(ge=1, le=48)] = 1
    outlets_c13: Count = 0
    outlets_c19: Count = 0
    outlets_other: Count = 0
    metered: bool = False
    switched: bool = False
    rated_100pct: bool = Field(
        default=False, description="100 %-rated assembly: the 80 % rule does not apply."
    )

    @model_validator(mode="after")
    def _has_outlets(self) -> PduSpec:
        if self.outlets_c13 + self.outlets_c19 + self.outlets_other == 0:
            raise ValueError("a PDU needs at least one outlet")
        return self


class AtsSpec(Frozen):
    """Automatic transfer switch: gives single-corded loads two sources."""

    kind: Literal["ats"] = "ats"
    voltage_v: VoltsAc = 230
    phases: Literal[1, 3] = 1
    rated_a: Amps
    transfer_time_ms: Annotated[float, Field(ge=0.01, le=10_000)] = 10
    outlets_c13: Count = 0
    outlets_c19: Count = 0
