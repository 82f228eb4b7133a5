"""Kind-specific specs: what a catalogue component of each kind says about itself.

The power kinds live in ``rules.specs.power``, the cooling kinds in ``rules.specs.cooling``;
racks, IT, fire suppression, accessories and bundles here, with the union of them all
(``KindSpec``) and the model of each kind (``SPEC_MODELS``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from rules.specs.base import (
    Agent,
    AirflowM3h,
    AshraeClass,
    Celsius,
    CubicMetres,
    Environment,
    Fraction,
    Frozen,
    IpRating,
    Kind,
    PositiveWatts,
    Watts,
)
from rules.specs.cooling import CduSpec, CoolingSpec, FacilityWaterSpec
from rules.specs.power import AtsSpec, BatteryPackSpec, PduSpec, RuntimePoint, UpsSpec

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


class FireSuppressionSpec(Frozen):
    """Total-flooding suppression unit: holds an agent mass for a maximum protected volume."""

    kind: Literal["fire_suppression"] = "fire_suppression"
    agent: Agent
    agent_mass_kg: Annotated[float, Field(ge=0.001, le=10_000)]
    max_volume_m3: CubicMetres
    design_density_g_m3: Annotated[float, Field(ge=0.001, le=10_000)] | None = Field(
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
    width_mm: Annotated[float, Field(ge=1, le=2_000)] = 600
    depth_mm: Annotated[float, Field(ge=1, le=3_000)] = 1000
    max_device_depth_mm: Annotated[float, Field(ge=1, le=3_000)] | None = Field(
        default=None, description="Usable mounting depth; default depth_mm - 150 mm."
    )
    static_load_kg: Annotated[float, Field(ge=1, le=20_000)]
    dynamic_load_kg: Annotated[float, Field(ge=1, le=20_000)] | None = Field(
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
    psu_rating_w: Annotated[float, Field(ge=1, le=100_000)] | None = None
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
    delta_t_k: Annotated[float, Field(ge=1, le=40)] | None = Field(
        default=None,
        description="Inlet-to-outlet air rise of the device; else the policy's airflow_delta_t_k.",
    )
    gpu_count: Annotated[int, Field(ge=0, le=64)] = 0
    power_factor: Fraction | None = None
    liquid_fraction: Annotated[float, Field(ge=0.01, le=1)] | None = Field(
        default=None,
        description="Share of the heat a cold plate carries into the liquid (0.7-0.9 typical, "
        "reference 8 L5); none = air-cooled.",
    )
    coolant_flow_lpm: Annotated[float, Field(ge=0.01, le=1_000)] | None = Field(
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
