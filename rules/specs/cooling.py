"""Specs of the cooling kinds: air cooling units (rear doors included), CDUs and facility water
sources."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from rules.specs.base import (
    AirflowM3h,
    Celsius,
    Coolant,
    CoolingType,
    Fraction,
    Frozen,
    PositiveWatts,
    WaterClass,
    Watts,
)

__all__ = ["CduSpec", "CoolingSpec", "FacilityWaterSpec"]


class CoolingSpec(Frozen):
    """Cooling unit; IT heat is sensible, so its sensible capacity is what counts (S9).

    Vendors rate a unit by its total capacity and sensible heat ratio, or by sensible and
    total capacity, at stated rating conditions (return air temperature): give either. A unit
    whose capacity falls when its return air is colder than the rating, or in the thinner air
    at altitude, may say so (``capacity_change_pct_per_k``, ``derate_for_altitude``).
    """

    kind: Literal["cooling"] = "cooling"
    cooling_type: CoolingType
    total_capacity_w: PositiveWatts
    sensible_capacity_w: PositiveWatts | None = Field(
        default=None, description="Sensible capacity; or give the sensible heat ratio (shr)."
    )
    shr: Fraction | None = Field(
        default=None, description="Sensible heat ratio, sensible / total (S9)."
    )
    rated_return_air_c: Celsius | None = Field(
        default=None, description="Return air temperature the capacities are rated at."
    )
    capacity_change_pct_per_k: Annotated[float, Field(ge=0, le=20)] = Field(
        default=0,
        description=(
            "Capacity lost per K of return air below the rating, % of rated capacity (from the "
            "vendor's capacity table)."
        ),
    )
    derate_for_altitude: bool = Field(
        default=False,
        description="Capacity falls with air density at altitude (air-side rated units).",
    )
    airflow_m3h: AirflowM3h
    power_draw_w: Watts
    input_phases: Literal[1, 3] = Field(
        default=1, description="Phases its supply takes; a three-phase unit draws evenly."
    )
    water_l_per_kwh: Annotated[float, Field(ge=0, le=20)] = Field(
        default=0,
        description="Water evaporated per kWh of heat removed (evaporative or adiabatic); 0 = dry.",
    )
    ambient_min_c: Celsius = -20
    ambient_max_c: Celsius = 45
    # A rear-door heat exchanger is rated at a water temperature and airflow; its capacity
    # falls as the water warms, linearly to the data sheet's second point (reference 8, L6).
    rated_water_c: Celsius | None = Field(
        default=None, description="Rear door: water supply temperature of its rating."
    )
    warm_water_c: Celsius | None = Field(
        default=None, description="Rear door: the data sheet's second, warmer water point."
    )
    warm_water_sensible_w: PositiveWatts | None = Field(
        default=None, description="Rear door: sensible capacity at the second water point."
    )
    active: bool = Field(
        default=False, description="Rear door with fans of its own (power_draw_w is theirs)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> CoolingSpec:
        if (self.warm_water_c is None) != (self.warm_water_sensible_w is None):
            raise ValueError("warm_water_c and warm_water_sensible_w go together")
        if self.warm_water_c is not None:
            if self.rated_water_c is None:
                raise ValueError("a second water point needs rated_water_c")
            if self.warm_water_c <= self.rated_water_c:
                raise ValueError("warm_water_c must be above rated_water_c")
        if self.sensible_capacity_w is None and self.shr is None:
            raise ValueError("give sensible_capacity_w or shr with total_capacity_w")
        if self.sensible_capacity_w is not None:
            if self.sensible_capacity_w > self.total_capacity_w:
                raise ValueError("sensible_capacity_w cannot exceed total_capacity_w")
            if (
                self.shr is not None
                and abs(self.sensible_capacity_w - self.shr * self.total_capacity_w)
                > 0.01 * self.total_capacity_w
            ):
                raise ValueError(
                    "sensible_capacity_w and shr disagree: sensible must be shr x total (1 %)"
                )
        if self.ambient_min_c >= self.ambient_max_c:
            raise ValueError("ambient_min_c must be below ambient_max_c")
        return self

    @property
    def sensible_w(self) -> float:
        """Rated sensible capacity: as stated, else total x SHR (S9)."""
        if self.sensible_capacity_w is not None:
            return self.sensible_capacity_w
        return self.total_capacity_w * (self.shr or 0.0)

    @property
    def sensible_heat_ratio(self) -> float:
        """Sensible heat ratio, sensible / total."""
        return self.sensible_w / self.total_capacity_w


class CduSpec(Frozen):
    """Coolant distribution unit: moves heat from a secondary loop of cold-plate nodes into the
    facility water, at a stated approach (reference 8, L4)."""

    kind: Literal["cdu"] = "cdu"
    mounting: Literal["in_rack", "in_row"] = "in_rack"
    capacity_w: PositiveWatts = Field(description="Heat capacity at the stated approach.")
    approach_k: Annotated[float, Field(ge=0.5, le=20)] = Field(
        description="Secondary supply above facility supply at capacity, K (typically 2-5)."
    )
    secondary_flow_min_lpm: Annotated[float, Field(ge=0.01, le=10_000)]
    secondary_flow_max_lpm: Annotated[float, Field(ge=0.01, le=10_000)]
    pumps: Annotated[int, Field(ge=1, le=8)] = 1
    pumps_required: Annotated[int, Field(ge=1, le=8)] = 1
    facility_classes: tuple[WaterClass, ...] = Field(
        min_length=1, description="Facility water classes the CDU accepts (L2)."
    )
    coolant: Coolant = Coolant.WATER
    connectors: tuple[Annotated[str, Field(min_length=1, max_length=40)], ...] = Field(
        default=(), description="Quick-disconnect types its manifold takes; none = any."
    )
    ports: Annotated[int, Field(ge=1, le=256)] | None = Field(
        default=None, description="Node connections on its manifold."
    )
    power_draw_w: Watts = 0
    input_phases: Literal[1, 3] = 1

    @model_validator(mode="after")
    def _consistent(self) -> CduSpec:
        if self.secondary_flow_min_lpm > self.secondary_flow_max_lpm:
            raise ValueError("secondary_flow_min_lpm must not exceed secondary_flow_max_lpm")
        if self.pumps_required > self.pumps:
            raise ValueError("pumps_required cannot exceed pumps")
        return self


class FacilityWaterSpec(Frozen):
    """A facility water source outside the room: a dry cooler or a chiller (reference 8, L2)."""

    kind: Literal["facility_water"] = "facility_water"
    source_type: Literal["dry_cooler", "adiabatic_dry_cooler", "chiller"]
    capacity_w: PositiveWatts = Field(description="Heat it rejects at its rated ambient.")
    rated_ambient_c: Celsius = 35
    capacity_change_pct_per_k: Annotated[float, Field(ge=0, le=20)] = Field(
        default=0, description="Capacity lost per K of ambient above the rating, %."
    )
    supply_temp_c: Celsius = Field(description="Facility supply temperature it holds.")
    ambient_approach_k: Annotated[float, Field(ge=0, le=30)] | None = Field(
        default=None,
        description="A dry cooler supplies no colder than ambient plus this; none = a chiller "
        "that holds its supply temperature.",
    )
    coolant: Coolant = Coolant.WATER
    power_draw_w: Watts = 0
    input_phases: Literal[1, 3] = 1
    water_l_per_kwh: Annotated[float, Field(ge=0, le=20)] = Field(
        default=0, description="Water evaporated per kWh rejected (adiabatic); 0 = dry."
    )
    ambient_min_c: Celsius = -25
    ambient_max_c: Celsius = 45

    @model_validator(mode="after")
    def _consistent(self) -> FacilityWaterSpec:
        if self.ambient_min_c >= self.ambient_max_c:
            raise ValueError("ambient_min_c must be below ambient_max_c")
        return self
