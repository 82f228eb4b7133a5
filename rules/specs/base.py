"""Base, enumerations and bounded number types of the engine's vocabulary."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "IT_KINDS",
    "Agent",
    "AirflowDirection",
    "AirflowM3h",
    "Amps",
    "AshraeClass",
    "BatteryChemistry",
    "Celsius",
    "Coolant",
    "CoolingType",
    "Count",
    "CubicMetres",
    "Environment",
    "Fraction",
    "Frozen",
    "IpRating",
    "Kilograms",
    "Kind",
    "Kva",
    "Kw",
    "Millimetres",
    "Minutes",
    "Money",
    "NonNegativeFloat",
    "PositiveFloat",
    "PositiveWatts",
    "Redundancy",
    "UpsTopology",
    "VoltsAc",
    "VoltsDc",
    "WaterClass",
    "Watts",
]


class Frozen(BaseModel):
    """Base for every engine value: immutable, strict about unknown keys."""

    # Bounds live in the vocabulary: every figure has its physical range on its field, and no
    # inf or NaN gets in anywhere.
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False
    )


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
    CDU = "cdu"
    FACILITY_WATER = "facility_water"

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
    """How a cooling unit delivers its capacity, and so what it cools.

    In-rack units, rear-door heat exchangers and door-mounted air conditioners serve the rack
    they are mounted in; in-row, split and free-air units serve the room (``rack_scoped``).
    """

    IN_RACK = "in_rack"
    REAR_DOOR = "rear_door"
    DOOR_MOUNTED = "door_mounted"
    IN_ROW = "in_row"
    SPLIT_DX = "split_dx"
    FREE_AIR = "free_air"

    @property
    def rack_scoped(self) -> bool:
        """Whether the unit cools only the rack it is mounted in."""
        return self in (CoolingType.IN_RACK, CoolingType.REAR_DOOR, CoolingType.DOOR_MOUNTED)


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


class WaterClass(StrEnum):
    """ASHRAE facility water class: the highest facility supply temperature (reference 8, L2)."""

    W17 = "W17"
    W27 = "W27"
    W32 = "W32"
    W40 = "W40"
    W45 = "W45"
    W_PLUS = "W+"

    @classmethod
    def of(cls, supply_c: float) -> WaterClass:
        """The class a facility supply temperature falls in (L2)."""
        for cls_, limit in _WATER_CLASS_MAX_C:
            if supply_c <= limit:
                return cls_
        return cls.W_PLUS


_WATER_CLASS_MAX_C: tuple[tuple[WaterClass, float], ...] = (
    (WaterClass.W17, 17.0),
    (WaterClass.W27, 27.0),
    (WaterClass.W32, 32.0),
    (WaterClass.W40, 40.0),
    (WaterClass.W45, 45.0),
)


class Coolant(StrEnum):
    """A loop's fluid; sets its density and heat capacity (reference 8, L1; S29)."""

    WATER = "water"
    PG25 = "pg25"


class Environment(StrEnum):
    """Where a site or an enclosure stands."""

    INDOOR = "indoor"
    OUTDOOR = "outdoor"


# Bounded figures. Each range is wide enough for any real micro or edge data center part and
# narrow enough that no figure can overflow a computation (a 1e308 W load, a 1e-320 A rating).
PositiveFloat = Annotated[float, Field(gt=0, le=1e9)]
NonNegativeFloat = Annotated[float, Field(ge=0, le=1e9)]
# Power factors, efficiencies, utilisation limits and heat ratios: no real one is below 0.3.
Fraction = Annotated[float, Field(ge=0.3, le=1, description="0.3 to 1.")]
IpRating = Annotated[str, Field(pattern=r"^IP[0-6X][0-9X]$", examples=["IP54"])]
Watts = Annotated[float, Field(ge=0, le=10_000_000, description="W, 0 to 10 MW.")]
PositiveWatts = Annotated[float, Field(gt=0, le=10_000_000, description="W, up to 10 MW.")]
Kva = Annotated[float, Field(ge=0.1, le=10_000, description="kVA, 0.1 to 10,000.")]
Kw = Annotated[float, Field(ge=0.05, le=10_000, description="kW, 0.05 to 10,000.")]
VoltsAc = Annotated[float, Field(ge=48, le=1000, description="V AC, 48 to 1,000.")]
VoltsDc = Annotated[float, Field(ge=2, le=1500, description="V DC, 2 to 1,500.")]
Amps = Annotated[float, Field(ge=0.1, le=10_000, description="A, 0.1 to 10,000.")]
Kilograms = Annotated[float, Field(ge=0, le=50_000, description="kg, 0 to 50,000.")]
Millimetres = Annotated[float, Field(ge=0, le=5_000, description="mm, 0 to 5,000.")]
Celsius = Annotated[float, Field(ge=-70, le=90, description="°C, -70 to 90.")]
Minutes = Annotated[float, Field(gt=0, le=100_000, description="min, up to 100,000.")]
Money = Annotated[float, Field(ge=0, le=1_000_000_000, description="0 to 1e9 in the currency.")]
CubicMetres = Annotated[float, Field(gt=0, le=1_000_000, description="m³, up to 1,000,000.")]
AirflowM3h = Annotated[float, Field(gt=0, le=10_000_000, description="m³/h, up to 1e7.")]
Count = Annotated[int, Field(ge=0, le=1_000)]
