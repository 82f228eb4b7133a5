"""The site a build stands at and the policy it is judged by."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from rules.specs.base import (
    Agent,
    Amps,
    AshraeClass,
    CubicMetres,
    Environment,
    Fraction,
    Frozen,
    IpRating,
    Redundancy,
    VoltsAc,
    Watts,
)

__all__ = ["DEFAULT_DESIGN_CONCENTRATION_PCT", "Policy", "Site", "site_problems"]


class Site(Frozen):
    """The edge site a build is for: environment, room and utility supply."""

    name: str = Field(default="Site", max_length=200)
    environment: Environment = Environment.INDOOR
    # Bounds of inhabited places; they also keep the NFPA specific volume S positive.
    ambient_min_c: Annotated[float, Field(ge=-70, le=70)] = 18
    ambient_max_c: Annotated[float, Field(ge=-70, le=70)] = 27
    relative_humidity_max_pct: Annotated[float, Field(gt=0, le=100)] | None = Field(
        default=None,
        description="Highest relative humidity of the room air, at the highest ambient; "
        "or give dew_point_max_c.",
    )
    dew_point_max_c: Annotated[float, Field(ge=-70, le=70)] | None = Field(
        default=None, description="Highest dew point of the room air; or give the humidity."
    )
    # Plant outside the room (dry coolers, chillers) works in the outdoor air, not the room's:
    # an indoor site's ambient range says nothing of the roof a dry cooler stands on (L2).
    outdoor_min_c: Annotated[float, Field(ge=-70, le=70)] | None = Field(
        default=None,
        description="Outdoor design minimum dry-bulb for plant outside the room; none = the "
        "ambient range for an outdoor site, unknown for an indoor one.",
    )
    outdoor_max_c: Annotated[float, Field(ge=-70, le=70)] | None = Field(
        default=None,
        description="Outdoor design maximum dry-bulb (e.g. ASHRAE 0.4 % or the 20-year "
        "extreme, as the design basis states) for dry coolers and chillers; none = the ambient "
        "range for an outdoor site, unknown for an indoor one.",
    )
    altitude_m: Annotated[float, Field(ge=-500, le=6000)] = 0
    dusty: bool = False
    humid: bool = False
    occupied: bool = Field(default=True, description="People work in the protected space.")
    room_volume_m3: CubicMetres | None = Field(
        default=None, description="Net protected volume for total flooding."
    )
    room_cooling_w: Watts | None = Field(
        default=None,
        description="Sensible capacity of the room's own air conditioning that carries the "
        "build's heat, when the build brings no cooling unit of its own.",
    )
    floor_rating_kg_m2: Annotated[float, Field(gt=0, le=100_000)] | None = None
    supply_voltage_v: VoltsAc = Field(
        default=230, description="Line-to-neutral voltage of the utility supply."
    )
    supply_phases: Literal[1, 3] = 1
    supply_breaker_a: Amps = 32
    country: str = Field(default="DE", pattern=r"^[A-Z]{2}$")
    grid_carbon_g_per_kwh: Annotated[float, Field(ge=0, le=2_000)] = Field(
        default=381, description="Grid intensity, g CO2e per kWh, 0 to 2,000 (S19)."
    )
    electricity_price_per_kwh: Annotated[float, Field(ge=0, le=100)] = 0.30
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")

    @model_validator(mode="after")
    def _consistent(self) -> Site:
        problems = site_problems(self)
        if problems:
            raise ValueError(problems[0][1])
        return self

    @property
    def outdoor_range_c(self) -> tuple[float, float] | None:
        """The outdoor design range (min, max) plant outside the room works in, if known."""
        if self.outdoor_min_c is not None and self.outdoor_max_c is not None:
            return self.outdoor_min_c, self.outdoor_max_c
        if self.environment is Environment.OUTDOOR:
            return self.ambient_min_c, self.ambient_max_c
        return None


def site_problems(site: Site) -> list[tuple[str, str]]:
    """Rules between two fields of a site: (the field to correct, a sentence naming both in
    words and by key). Forms mark the field; the API and the CLI read the sentence."""
    problems = []
    if site.ambient_min_c > site.ambient_max_c:
        problems.append(
            (
                "ambient_min_c",
                "The lowest ambient temperature (ambient_min_c) is above the highest "
                "(ambient_max_c).",
            )
        )
    if (site.outdoor_min_c is None) != (site.outdoor_max_c is None):
        problems.append(
            (
                "outdoor_min_c" if site.outdoor_min_c is None else "outdoor_max_c",
                "Give both ends of the outdoor design range (outdoor_min_c and outdoor_max_c), "
                "or neither.",
            )
        )
    if (
        site.outdoor_min_c is not None
        and site.outdoor_max_c is not None
        and site.outdoor_min_c > site.outdoor_max_c
    ):
        problems.append(
            (
                "outdoor_min_c",
                "The lowest outdoor design temperature (outdoor_min_c) is above the highest "
                "(outdoor_max_c).",
            )
        )
    if site.relative_humidity_max_pct is not None and site.dew_point_max_c is not None:
        problems.append(
            (
                "dew_point_max_c",
                "Give the highest relative humidity (relative_humidity_max_pct) or the highest "
                "dew point (dew_point_max_c), not both.",
            )
        )
    if site.dew_point_max_c is not None and site.dew_point_max_c > site.ambient_max_c:
        problems.append(
            (
                "dew_point_max_c",
                "The highest dew point (dew_point_max_c) is above the highest ambient "
                "temperature (ambient_max_c); air cannot be wetter than saturated.",
            )
        )
    return problems


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
    required_runtime_min: Annotated[float, Field(ge=0, le=1_440)] = 10
    ups_redundancy: Redundancy = Redundancy.N
    cooling_redundancy: Redundancy = Redundancy.N
    ashrae_class_target: AshraeClass = AshraeClass.A2
    phase_imbalance_warning_pct: Annotated[float, Field(ge=0, le=200)] = Field(
        default=20, description="C7."
    )
    require_fire_suppression: bool = False
    require_physical_security: bool = False
    require_remote_monitoring: bool = False
    require_ip_solids_dusty: Annotated[int, Field(ge=0, le=6)] = 5
    require_ip_outdoor: IpRating = "IP55"
    airflow_delta_t_k: Annotated[float, Field(gt=0, le=40)] = Field(
        default=11.0, description="IT inlet-to-outlet rise."
    )
    runtime_scaling_exponent: Annotated[float, Field(gt=0, le=5)] = Field(
        default=1.3, description="t ~ P^-x (conv)."
    )
    peukert_k_vrla: Annotated[float, Field(ge=1, le=1.5)] = 1.2
    peukert_k_li_ion: Annotated[float, Field(ge=1, le=1.5)] = 1.05
    inverter_efficiency: Fraction = 0.9
    battery_end_of_life: bool = Field(
        default=False,
        description="Judge runtime on batteries at end of life (battery_end_of_life_fraction "
        "of their rated capacity) instead of new ones.",
    )
    battery_end_of_life_fraction: Annotated[float, Field(ge=0.5, le=1)] = Field(
        default=0.8, description="Capacity left at end of battery life (reference 1: 80 %)."
    )
    battery_rated_temperature_c: Annotated[float, Field(ge=0, le=40)] = Field(
        default=20,
        description="Battery capacity is rated at this temperature and falls below it.",
    )
    battery_cold_derate_pct_per_k: Annotated[float, Field(ge=0, le=5)] = Field(
        default=1.0,
        description="(conv) Capacity lost per K below the rated temperature, % (lead-acid "
        "temperature correction, about 1 %/K, IEEE 485).",
    )
    pue_default: Annotated[float, Field(ge=1, le=5)] = 1.6
    design_concentration_pct: dict[Agent, Annotated[float, Field(gt=0, lt=100)]] = Field(
        default_factory=lambda: {Agent(k): v for k, v in DEFAULT_DESIGN_CONCENTRATION_PCT.items()}
    )
    rack_ship_loaded: bool = Field(
        default=False, description="Racks are shipped assembled: check the dynamic load rating."
    )
    blanking_panels_required: bool = True
    door_units_per_rack_max: Annotated[int, Field(ge=0, le=4)] = Field(
        default=2,
        description="Door-mounted cooling units a rack takes: one on each of its two doors.",
    )
    dew_point_margin_k: Annotated[float, Field(ge=0, le=20)] = Field(
        default=2.0,
        description="Margin every cold surface keeps above the room's dew point (L3).",
    )
    liquid_delta_t_k: Annotated[float, Field(gt=0, le=40)] = Field(
        default=10.0, description="Design rise of a liquid loop, supply to return (L1)."
    )
    liquid_redundancy: Redundancy = Field(
        default=Redundancy.N,
        description="CDUs and their pumps: N, or N+1 to carry the load with one lost (L4).",
    )
    air_density_limit_kw: Annotated[float, Field(gt=0, le=200)] = Field(
        default=35.0,
        description="Air-cooled heat per rack beyond practical air cooling: a warning above "
        "it, an error above 1.5 times it (L7).",
    )
    ups_input_power_factor: Fraction = Field(
        default=0.99,
        description="(conv) Input PF of an online double-conversion UPS (active PFC rectifier, "
        "S26); other topologies draw at their load's PF.",
    )
    ups_recharge_fraction: Annotated[float, Field(ge=0, le=1)] = Field(
        default=0.1,
        description="(conv) Input power a UPS draws to recharge its batteries, as a share of "
        "its rated kW; added to the site supply demand.",
    )
