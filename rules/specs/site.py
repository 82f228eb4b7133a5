"""The site a build stands at and the policy it is judged by."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from rules.specs.base import (
    Agent,
    AshraeClass,
    Environment,
    Fraction,
    Frozen,
    IpRating,
    NonNegativeFloat,
    PositiveFloat,
    Redundancy,
)

__all__ = ["DEFAULT_DESIGN_CONCENTRATION_PCT", "Policy", "Site"]


class Site(Frozen):
    """The edge site a build is for: environment, room and utility supply."""

    name: str = "Site"
    environment: Environment = Environment.INDOOR
    # Bounds of inhabited places; they also keep the NFPA specific volume S positive.
    ambient_min_c: Annotated[float, Field(ge=-70, le=70)] = 18
    ambient_max_c: Annotated[float, Field(ge=-70, le=70)] = 27
    altitude_m: Annotated[float, Field(ge=-500, le=6000)] = 0
    dusty: bool = False
    humid: bool = False
    occupied: bool = Field(default=True, description="People work in the protected space.")
    room_volume_m3: PositiveFloat | None = Field(
        default=None, description="Net protected volume for total flooding."
    )
    floor_rating_kg_m2: PositiveFloat | None = None
    supply_voltage_v: PositiveFloat = Field(
        default=230, description="Line-to-neutral voltage of the utility supply."
    )
    supply_phases: Literal[1, 3] = 1
    supply_breaker_a: PositiveFloat = 32
    country: str = Field(default="DE", pattern=r"^[A-Z]{2}$")
    grid_carbon_g_per_kwh: NonNegativeFloat = 381
    electricity_price_per_kwh: NonNegativeFloat = 0.30
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")

    @model_validator(mode="after")
    def _consistent(self) -> Site:
        if self.ambient_min_c > self.ambient_max_c:
            raise ValueError("ambient_min_c must not exceed ambient_max_c")
        return self


DEFAULT_DESIGN_CONCENTRATION_PCT: dict[str, float] = {
    # NFPA 2001 Class C design concentrations (reference section 4).
    Agent.HFC_227EA.value: 7.0,
    Agent.FK_5_1_12.value: 4.5,
    Agent.IG_541.value: 39.9,
    Agent.IG_55.value: 39.9,
    Agent.IG_100.value: 40.3,
}


class Policy(Frozen):
    """The conventions and requirements a build is judged by (reference section 0)."""

    utilisation_limit: Fraction = Field(default=0.8, description="C4: share of a rating usable.")
    power_factor_default: Fraction = Field(default=0.95, description="C3: load PF without VA.")
    ups_efficiency_default: Fraction = Field(default=0.94, description="C5: UPS efficiency.")
    required_runtime_min: NonNegativeFloat = 10
    ups_redundancy: Redundancy = Redundancy.N
    cooling_redundancy: Redundancy = Redundancy.N
    ashrae_class_target: AshraeClass = AshraeClass.A2
    phase_imbalance_warning_pct: NonNegativeFloat = Field(default=20, description="C7.")
    require_fire_suppression: bool = False
    require_physical_security: bool = False
    require_remote_monitoring: bool = False
    require_ip_solids_dusty: Annotated[int, Field(ge=0, le=6)] = 5
    require_ip_outdoor: IpRating = "IP55"
    airflow_delta_t_k: PositiveFloat = Field(default=11.0, description="IT inlet-to-outlet rise.")
    runtime_scaling_exponent: PositiveFloat = Field(default=1.3, description="t ~ P^-x (conv).")
    peukert_k_vrla: Annotated[float, Field(ge=1, le=1.5)] = 1.2
    peukert_k_li_ion: Annotated[float, Field(ge=1, le=1.5)] = 1.05
    inverter_efficiency: Fraction = 0.9
    battery_end_of_life: bool = Field(
        default=False, description="Size runtime on batteries at 80 % of rated capacity."
    )
    pue_default: Annotated[float, Field(ge=1)] = 1.6
    design_concentration_pct: dict[Agent, Annotated[float, Field(gt=0, lt=100)]] = Field(
        default_factory=lambda: {Agent(k): v for k, v in DEFAULT_DESIGN_CONCENTRATION_PCT.items()}
    )
    rack_ship_loaded: bool = Field(
        default=False, description="Racks are shipped assembled: check the dynamic load rating."
    )
    blanking_panels_required: bool = True
    ups_recharge_fraction: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.1,
        description="(conv) Input power a UPS draws to recharge its batteries, as a share of "
        "its rated kW; added to the site supply demand.",
    )
