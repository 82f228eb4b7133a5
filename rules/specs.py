"""The engine's vocabulary: frozen pydantic models of component specs, the site and the policy.

Units are SI and carried in field names. The catalogue stores each component's kind-specific
``spec`` as JSON validated by the model of its kind (``SPEC_MODELS``), so the catalogue and the
engine speak one vocabulary.
"""

from __future__ import annotations

from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "SPEC_MODELS",
    "AccessorySpec",
    "Agent",
    "AirflowDirection",
    "AshraeClass",
    "AtsSpec",
    "BatteryChemistry",
    "BatteryPackSpec",
    "BundleMember",
    "BundleSpec",
    "ComponentSpec",
    "CoolingSpec",
    "CoolingType",
    "Environment",
    "FireSuppressionSpec",
    "ItSpec",
    "Kind",
    "PduSpec",
    "Policy",
    "RackSpec",
    "Redundancy",
    "RuntimePoint",
    "Site",
    "UpsSpec",
    "UpsTopology",
    "spec_model_for",
]


class Frozen(BaseModel):
    """Base for every engine value: immutable, strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


# --------------------------------------------------------------------------- enumerations


class Kind(StrEnum):
    """What a component is; decides which spec model validates its ``spec``."""

    RACK = "rack"
    UPS = "ups"
    BATTERY = "battery"
    PDU = "pdu"
    ATS = "ats"
    COOLING = "cooling"
    FIRE_SUPPRESSION = "fire_suppression"
    SERVER = "server"
    GPU_SERVER = "gpu_server"
    SWITCH = "switch"
    ROUTER = "router"
    STORAGE = "storage"
    MONITORING = "monitoring"
    ACCESSORY = "accessory"
    BUNDLE = "bundle"

    @property
    def is_it(self) -> bool:
        """IT equipment: its power is the IT load that heat, UPS sizing and PUE are based on."""
        return self in IT_KINDS


IT_KINDS = frozenset(
    {Kind.SERVER, Kind.GPU_SERVER, Kind.SWITCH, Kind.ROUTER, Kind.STORAGE, Kind.MONITORING}
)


class AirflowDirection(StrEnum):
    """Direction cooling air moves through a device, seen from its front panel."""

    FRONT_TO_BACK = "front_to_back"
    BACK_TO_FRONT = "back_to_front"
    SIDE_TO_SIDE = "side_to_side"
    PASSIVE = "passive"


class UpsTopology(StrEnum):
    """UPS topology (IEC 62040-3 classes in everyday names)."""

    ONLINE_DOUBLE_CONVERSION = "online_double_conversion"
    LINE_INTERACTIVE = "line_interactive"
    STANDBY = "standby"


class BatteryChemistry(StrEnum):
    """Battery chemistry; sets the default Peukert exponent."""

    VRLA = "vrla"
    LI_ION = "li_ion"


class CoolingType(StrEnum):
    """How a cooling unit delivers its capacity."""

    IN_RACK = "in_rack"
    REAR_DOOR = "rear_door"
    IN_ROW = "in_row"
    SPLIT_DX = "split_dx"
    FREE_AIR = "free_air"


class Agent(StrEnum):
    """Fire suppression agent."""

    HFC_227EA = "hfc_227ea"
    FK_5_1_12 = "fk_5_1_12"
    IG_541 = "ig_541"
    IG_55 = "ig_55"
    IG_100 = "ig_100"
    AEROSOL = "aerosol"


class AshraeClass(StrEnum):
    """ASHRAE TC 9.9 (2021) air-cooled equipment class."""

    A1 = "A1"
    A2 = "A2"
    A3 = "A3"
    A4 = "A4"
    H1 = "H1"


class Redundancy(StrEnum):
    """Redundancy configuration of UPS or cooling, weakest first."""

    NONE = "none"
    N = "N"
    N_PLUS_1 = "N+1"
    TWO_N = "2N"
    TWO_N_PLUS_1 = "2(N+1)"

    @property
    def rank(self) -> int:
        """Order used to compare configurations: 2(N+1) > 2N > N+1 > N > none."""
        return _REDUNDANCY_RANK[self]


_REDUNDANCY_RANK = {
    Redundancy.NONE: 0,
    Redundancy.N: 1,
    Redundancy.N_PLUS_1: 2,
    Redundancy.TWO_N: 3,
    Redundancy.TWO_N_PLUS_1: 4,
}


class Environment(StrEnum):
    """Where a site or an enclosure stands."""

    INDOOR = "indoor"
    OUTDOOR = "outdoor"


PositiveFloat = Annotated[float, Field(gt=0)]
NonNegativeFloat = Annotated[float, Field(ge=0)]
Fraction = Annotated[float, Field(gt=0, le=1)]
IpRating = Annotated[str, Field(pattern=r"^IP[0-6X][0-9X]$", examples=["IP54"])]


# --------------------------------------------------------------------------- kind specs


class RuntimePoint(Frozen):
    """One point of a UPS runtime table: at ``load_w`` the batteries last ``minutes``."""

    load_w: PositiveFloat
    minutes: PositiveFloat


class UpsSpec(Frozen):
    """Uninterruptible power supply: both the kW and the kVA rating must hold (WP15)."""

    kind: Literal["ups"] = "ups"
    kva: PositiveFloat
    kw: PositiveFloat | None = Field(
        default=None, description="Real-power rating; if absent, kVA x output PF (C3)."
    )
    output_pf: Fraction = 0.9
    efficiency: Fraction | None = Field(
        default=None, description="Datasheet efficiency at typical load; else the policy default."
    )
    topology: UpsTopology = UpsTopology.ONLINE_DOUBLE_CONVERSION
    input_voltage_v: PositiveFloat = 230
    input_phases: Literal[1, 3] = 1
    output_voltage_v: PositiveFloat = 230
    output_phases: Literal[1, 3] = 1
    runtime_table: tuple[RuntimePoint, ...] = Field(
        default=(), description="Vendor runtime points on internal batteries, any order."
    )
    battery_nominal_v: PositiveFloat | None = None
    battery_ah: PositiveFloat | None = None
    battery_chemistry: BatteryChemistry = BatteryChemistry.VRLA
    external_battery_support: bool = False
    max_external_packs: Annotated[int, Field(ge=0)] = 0
    outlets_c13: Annotated[int, Field(ge=0)] = 0
    outlets_c19: Annotated[int, Field(ge=0)] = 0

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
    wh: PositiveFloat
    nominal_v: PositiveFloat
    chemistry: BatteryChemistry = BatteryChemistry.VRLA
    rated_hours: PositiveFloat = Field(default=20, description="Hour rate of the Ah figure (C20).")
    peukert_k: Annotated[float, Field(ge=1, le=1.5)] | None = None

    @property
    def ah(self) -> float:
        """Capacity in Ah at the rated hour rate."""
        return self.wh / self.nominal_v


class PduSpec(Frozen):
    """Rack power distribution unit; current is checked per phase against its breaker."""

    kind: Literal["pdu"] = "pdu"
    voltage_v: PositiveFloat = Field(description="Line-to-neutral voltage at the outlets.")
    phases: Literal[1, 3] = 1
    input_current_a: PositiveFloat = Field(description="Plug / input rating per phase in A.")
    breaker_a: PositiveFloat | None = Field(
        default=None, description="Branch breaker per bank in A; none = input rating only."
    )
    banks: Annotated[int, Field(ge=1)] = 1
    outlets_c13: Annotated[int, Field(ge=0)] = 0
    outlets_c19: Annotated[int, Field(ge=0)] = 0
    outlets_other: Annotated[int, Field(ge=0)] = 0
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
    voltage_v: PositiveFloat = 230
    phases: Literal[1, 3] = 1
    rated_a: PositiveFloat
    transfer_time_ms: PositiveFloat = 10
    outlets_c13: Annotated[int, Field(ge=0)] = 0
    outlets_c19: Annotated[int, Field(ge=0)] = 0


class CoolingSpec(Frozen):
    """Cooling unit; IT heat is sensible, so its sensible capacity is what counts (S9)."""

    kind: Literal["cooling"] = "cooling"
    cooling_type: CoolingType
    sensible_capacity_w: PositiveFloat
    total_capacity_w: PositiveFloat
    airflow_m3h: PositiveFloat
    power_draw_w: NonNegativeFloat
    ambient_min_c: float = -20
    ambient_max_c: float = 45

    @model_validator(mode="after")
    def _consistent(self) -> CoolingSpec:
        if self.sensible_capacity_w > self.total_capacity_w:
            raise ValueError("sensible_capacity_w cannot exceed total_capacity_w")
        if self.ambient_min_c >= self.ambient_max_c:
            raise ValueError("ambient_min_c must be below ambient_max_c")
        return self

    @property
    def shr(self) -> float:
        """Sensible heat ratio."""
        return self.sensible_capacity_w / self.total_capacity_w


class FireSuppressionSpec(Frozen):
    """Total-flooding suppression unit: holds an agent mass for a maximum protected volume."""

    kind: Literal["fire_suppression"] = "fire_suppression"
    agent: Agent
    agent_mass_kg: PositiveFloat
    max_volume_m3: PositiveFloat
    design_density_g_m3: PositiveFloat | None = Field(
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
    width_mm: PositiveFloat = 600
    depth_mm: PositiveFloat = 1000
    max_device_depth_mm: PositiveFloat | None = Field(
        default=None, description="Usable mounting depth; default depth_mm - 150 mm."
    )
    static_load_kg: PositiveFloat
    dynamic_load_kg: PositiveFloat | None = Field(
        default=None, description="Rolling load rating (UL 2416); none = cannot ship loaded."
    )
    ip_rating: IpRating = "IP20"
    environment: Environment = Environment.INDOOR
    ambient_min_c: float = 0
    ambient_max_c: float = 45
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
    psu_rating_w: PositiveFloat | None = None
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
    inlet_min_c: float | None = None
    inlet_max_c: float | None = None
    gpu_count: Annotated[int, Field(ge=0)] = 0
    power_factor: Fraction | None = None
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
        return self

    @property
    def dual_corded(self) -> bool:
        """Two or more supplies that can each carry the device alone."""
        return self.redundant_psus and self.psu_count >= 2


class AccessorySpec(Frozen):
    """Passive rack accessory."""

    kind: Literal["accessory"] = "accessory"
    accessory_type: Literal[
        "blanking_panel", "shelf", "cable_management", "patch_panel", "other"
    ] = "other"


class BundleMember(Frozen):
    """One component of a pre-integrated bundle, referenced by manufacturer and SKU."""

    manufacturer: str
    sku: str
    quantity: Annotated[int, Field(ge=1)] = 1


class BundleSpec(Frozen):
    """Pre-integrated kit sold at a bundle price; the reference a modular build is compared to."""

    kind: Literal["bundle"] = "bundle"
    members: tuple[BundleMember, ...] = Field(min_length=1)
    it_capacity_w: PositiveFloat = Field(description="IT load the kit is designed to carry.")
    cooling_capacity_w: NonNegativeFloat = 0
    runtime_min_at_capacity: NonNegativeFloat = 0
    rack_units: Annotated[int, Field(ge=0)] = 0


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
}


def spec_model_for(kind: Kind | str) -> type[Frozen]:
    """The pydantic model that validates the ``spec`` of a component of this kind."""
    return SPEC_MODELS[Kind(kind)]


# --------------------------------------------------------------------------- component


class ComponentSpec(Frozen):
    """A catalogue component as the engine sees it: common physical figures plus its kind spec."""

    ref: str = Field(min_length=1, description="Catalogue reference (id or manufacturer:SKU).")
    name: str = Field(min_length=1)
    manufacturer: str = ""
    sku: str = ""
    kind: Kind
    u_height: Annotated[float, Field(ge=0, le=60, multiple_of=0.5)] = 0
    weight_kg: NonNegativeFloat = 0
    depth_mm: NonNegativeFloat | None = None
    airflow: AirflowDirection = AirflowDirection.PASSIVE
    nameplate_w: NonNegativeFloat | None = Field(
        default=None, description="Nameplate (maximum) draw; none = unknown."
    )
    typical_w: NonNegativeFloat | None = Field(
        default=None, description="Typical draw; falls back to nameplate (C1)."
    )
    list_price: NonNegativeFloat = 0
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    lead_time_days: Annotated[int, Field(ge=0)] = 0
    spec: Annotated[KindSpec, Field(discriminator="kind")] | None = None

    @model_validator(mode="after")
    def _spec_matches_kind(self) -> ComponentSpec:
        expected = SPEC_MODELS[self.kind]
        if self.spec is not None and not isinstance(self.spec, expected):
            raise ValueError(
                f"spec of a {self.kind.value} must be a {expected.__name__}, "
                f"not {type(self.spec).__name__}"
            )
        if (
            self.nameplate_w is not None
            and self.typical_w is not None
            and self.typical_w > self.nameplate_w
        ):
            raise ValueError("typical_w cannot exceed nameplate_w")
        return self

    @property
    def typical_or_nameplate_w(self) -> float:
        """C1: typical draw, falling back to nameplate, 0 when the draw is unknown."""
        if self.typical_w is not None:
            return self.typical_w
        return self.nameplate_w or 0.0

    @property
    def power_known(self) -> bool:
        """False when neither nameplate nor typical draw is known."""
        return self.nameplate_w is not None or self.typical_w is not None


# --------------------------------------------------------------------------- site and policy


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
