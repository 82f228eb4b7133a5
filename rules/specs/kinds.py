"""Kind-specific specs: what a catalogue component of each kind says about itself."""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal

from pydantic import Field, model_validator

from rules.specs.base import (
    Agent,
    AirflowM3h,
    Amps,
    AshraeClass,
    BatteryChemistry,
    Celsius,
    Coolant,
    CoolingType,
    Count,
    CubicMetres,
    Environment,
    Fraction,
    Frozen,
    IpRating,
    Kind,
    Kva,
    Kw,
    Minutes,
    PositiveWatts,
    UpsTopology,
    VoltsAc,
    VoltsDc,
    WaterClass,
    Watts,
)

__all__ = [
    "SPEC_MODELS",
    "AccessorySpec",
    "AtsSpec",
    "BatteryPackSpec",
    "BundleMember",
    "BundleSpec",
    "CduSpec",
    "CoolingSpec",
    "FacilityWaterSpec",
    "FireSuppressionSpec",
    "ItSpec",
    "KindSpec",
    "PduSpec",
    "RackSpec",
    "RuntimePoint",
    "UpsSpec",
    "spec_model_for",
]


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
    battery_ah: Annotated[float, Field(gt=0, le=100_000)] | None = None
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
    wh: Annotated[float, Field(gt=0, le=10_000_000)]
    nominal_v: VoltsDc
    chemistry: BatteryChemistry = BatteryChemistry.VRLA
    rated_hours: Annotated[float, Field(gt=0, le=100)] = Field(
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
    transfer_time_ms: Annotated[float, Field(gt=0, le=10_000)] = 10
    outlets_c13: Count = 0
    outlets_c19: Count = 0


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


class FireSuppressionSpec(Frozen):
    """Total-flooding suppression unit: holds an agent mass for a maximum protected volume."""

    kind: Literal["fire_suppression"] = "fire_suppression"
    agent: Agent
    agent_mass_kg: Annotated[float, Field(gt=0, le=10_000)]
    max_volume_m3: CubicMetres
    design_density_g_m3: Annotated[float, Field(gt=0, le=10_000)] | None = Field(
        default=None, description="Listed design density; required for condensed aerosol (S14)."
    )

    @model_validator(mode="after")
    def _aerosol_density(self) -> FireSuppressionSpec:
        if self.agent is Agent.AEROSOL and self.design_density_g_m3 is None:
            raise ValueError("design_density_g_m3 is required for a condensed aerosol agent")
        return self


class RackSpec(Frozen):
    """Rack or enclosure: space, load ratings and the environment it is built for."""

    kind: Literal["rack"] = "rack"
    u: Annotated[int, Field(ge=1, le=60)]
    width_mm: Annotated[float, Field(gt=0, le=2_000)] = 600
    depth_mm: Annotated[float, Field(gt=0, le=3_000)] = 1000
    max_device_depth_mm: Annotated[float, Field(gt=0, le=3_000)] | None = Field(
        default=None, description="Usable mounting depth; default depth_mm - 150 mm."
    )
    static_load_kg: Annotated[float, Field(gt=0, le=20_000)]
    dynamic_load_kg: Annotated[float, Field(gt=0, le=20_000)] | None = Field(
        default=None, description="Rolling load rating (UL 2416); none = cannot ship loaded."
    )
    ip_rating: IpRating = "IP20"
    environment: Environment = Environment.INDOOR
    ambient_min_c: Celsius = 0
    ambient_max_c: Celsius = 45
    lockable: bool = False
    wall_mount: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> RackSpec:
        if self.dynamic_load_kg is not None and self.dynamic_load_kg > self.static_load_kg:
            raise ValueError("dynamic_load_kg cannot exceed static_load_kg (UL 2416)")
        if self.ambient_min_c >= self.ambient_max_c:
            raise ValueError("ambient_min_c must be below ambient_max_c")
        if self.max_device_depth_mm is not None and self.max_device_depth_mm > self.depth_mm:
            raise ValueError("max_device_depth_mm cannot exceed depth_mm")
        return self

    @property
    def usable_depth_mm(self) -> float:
        """Deepest device the rails take."""
        return self.max_device_depth_mm or max(self.depth_mm - 150, 0)

    @property
    def footprint_m2(self) -> float:
        """Floor area the rack stands on."""
        return self.width_mm * self.depth_mm / 1_000_000

    @property
    def ip_solids(self) -> int:
        """First IP digit (0 when X)."""
        return 0 if self.ip_rating[2] == "X" else int(self.ip_rating[2])

    @property
    def ip_water(self) -> int:
        """Second IP digit (0 when X)."""
        return 0 if self.ip_rating[3] == "X" else int(self.ip_rating[3])


class ItSpec(Frozen):
    """IT equipment (server, GPU server, switch, router, storage, monitoring)."""

    kind: Literal["it"] = "it"
    psu_count: Annotated[int, Field(ge=0, le=8)] = 1
    psu_rating_w: Annotated[float, Field(gt=0, le=100_000)] | None = None
    redundant_psus: bool = False
    psus_required: Annotated[int, Field(ge=1, le=8)] | None = Field(
        default=None,
        description=(
            "Power supplies that carry the device at its nameplate draw (the N of N+1 or N+N), "
            "as the vendor states it. Without it: ceil(nameplate / psu_rating_w), else 1 for "
            "redundant supplies and all of them otherwise."
        ),
    )
    psu_connector: Literal["C14", "C20", "dc", "other"] = "C14"
    ashrae_class: AshraeClass | None = AshraeClass.A2
    inlet_min_c: Celsius | None = None
    inlet_max_c: Celsius | None = None
    airflow_m3h: AirflowM3h | None = Field(
        default=None,
        description="Air the device moves at full load, from its data sheet; else from delta_t_k.",
    )
    delta_t_k: Annotated[float, Field(gt=0, le=40)] | None = Field(
        default=None,
        description="Inlet-to-outlet air rise of the device; else the policy's airflow_delta_t_k.",
    )
    gpu_count: Annotated[int, Field(ge=0, le=64)] = 0
    power_factor: Fraction | None = None
    liquid_fraction: Annotated[float, Field(gt=0, le=1)] | None = Field(
        default=None,
        description="Share of the heat a cold plate carries into the liquid (0.7-0.9 typical, "
        "reference 8 L5); none = air-cooled.",
    )
    coolant_flow_lpm: Annotated[float, Field(gt=0, le=1_000)] | None = Field(
        default=None, description="Coolant flow one node needs at full load, L/min."
    )
    max_coolant_inlet_c: Celsius | None = Field(
        default=None, description="Warmest coolant the node takes at its inlet."
    )
    coolant_connector: str | None = Field(
        default=None, max_length=40, description="Quick-disconnect type, e.g. UQD04."
    )
    physical_security: bool = Field(
        default=False, description="Provides physical security (camera, door or lock sensors)."
    )
    remote_monitoring: bool = Field(
        default=False, description="Provides remote environmental / power monitoring."
    )

    @model_validator(mode="after")
    def _consistent(self) -> ItSpec:
        if self.redundant_psus and self.psu_count < 2:
            raise ValueError("redundant_psus needs psu_count of at least 2")
        if self.psus_required is not None and self.psus_required > self.psu_count:
            raise ValueError("psus_required cannot exceed psu_count")
        if (self.inlet_min_c is None) != (self.inlet_max_c is None):
            raise ValueError("inlet_min_c and inlet_max_c go together")
        if self.inlet_min_c is not None and self.inlet_max_c is not None:
            if self.inlet_min_c >= self.inlet_max_c:
                raise ValueError("inlet_min_c must be below inlet_max_c")
        elif self.ashrae_class is None:
            raise ValueError("give an ashrae_class or an inlet_min_c/inlet_max_c range")
        if self.airflow_m3h is not None and self.delta_t_k is not None:
            raise ValueError("give airflow_m3h or delta_t_k, not both")
        if self.liquid_fraction is not None and (
            self.coolant_flow_lpm is None or self.max_coolant_inlet_c is None
        ):
            raise ValueError("a liquid-cooled node needs coolant_flow_lpm and max_coolant_inlet_c")
        return self

    @property
    def liquid_cooled(self) -> bool:
        """Whether part of its heat leaves in a liquid loop."""
        return self.liquid_fraction is not None

    @property
    def dual_corded(self) -> bool:
        """Two or more supplies that can each carry the device alone."""
        return self.redundant_psus and self.psu_count >= 2


class AccessorySpec(Frozen):
    """Passive rack accessory."""

    kind: Literal["accessory"] = "accessory"
    accessory_type: Literal[
        "blanking_panel", "shelf", "cable_management", "patch_panel", "leak_detection", "other"
    ] = "other"


class CduSpec(Frozen):
    """Coolant distribution unit: moves heat from a secondary loop of cold-plate nodes into the
    facility water, at a stated approach (reference 8, L4)."""

    kind: Literal["cdu"] = "cdu"
    mounting: Literal["in_rack", "in_row"] = "in_rack"
    capacity_w: PositiveWatts = Field(description="Heat capacity at the stated approach.")
    approach_k: Annotated[float, Field(ge=0.5, le=20)] = Field(
        description="Secondary supply above facility supply at capacity, K (typically 2-5)."
    )
    secondary_flow_min_lpm: Annotated[float, Field(gt=0, le=10_000)]
    secondary_flow_max_lpm: Annotated[float, Field(gt=0, le=10_000)]
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


class BundleMember(Frozen):
    """One component of a pre-integrated bundle, referenced by manufacturer and SKU."""

    manufacturer: str = Field(min_length=1, max_length=200)
    sku: str = Field(min_length=1, max_length=200)
    quantity: Annotated[int, Field(ge=1, le=1_000)] = 1


class BundleSpec(Frozen):
    """Pre-integrated kit sold at a bundle price; the reference a modular build is compared to."""

    kind: Literal["bundle"] = "bundle"
    members: tuple[BundleMember, ...] = Field(min_length=1, max_length=500)
    it_capacity_w: PositiveWatts = Field(description="IT load the kit is designed to carry.")
    cooling_capacity_w: Watts = 0
    runtime_min_at_capacity: Annotated[float, Field(ge=0, le=100_000)] = 0
    rack_units: Annotated[int, Field(ge=0, le=1_000)] = 0


KindSpec = (
    UpsSpec
    | BatteryPackSpec
    | PduSpec
    | AtsSpec
    | CoolingSpec
    | FireSuppressionSpec
    | RackSpec
    | ItSpec
    | AccessorySpec
    | BundleSpec
    | CduSpec
    | FacilityWaterSpec
)

SPEC_MODELS: dict[Kind, type[Frozen]] = {
    Kind.RACK: RackSpec,
    Kind.UPS: UpsSpec,
    Kind.BATTERY: BatteryPackSpec,
    Kind.PDU: PduSpec,
    Kind.ATS: AtsSpec,
    Kind.COOLING: CoolingSpec,
    Kind.FIRE_SUPPRESSION: FireSuppressionSpec,
    Kind.SERVER: ItSpec,
    Kind.GPU_SERVER: ItSpec,
    Kind.SWITCH: ItSpec,
    Kind.ROUTER: ItSpec,
    Kind.STORAGE: ItSpec,
    Kind.MONITORING: ItSpec,
    Kind.ACCESSORY: AccessorySpec,
    Kind.BUNDLE: BundleSpec,
    Kind.CDU: CduSpec,
    Kind.FACILITY_WATER: FacilityWaterSpec,
}


def spec_model_for(kind: Kind | str) -> type[Frozen]:
    """The pydantic model that validates the ``spec`` of a component of this kind."""
    return SPEC_MODELS[Kind(kind)]
