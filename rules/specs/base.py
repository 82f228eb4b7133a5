"""Base, enumerations and bounded number types of the engine's vocabulary."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "IT_KINDS",
    "Agent",
    "AirflowDirection",
    "AshraeClass",
    "BatteryChemistry",
    "CoolingType",
    "Environment",
    "Fraction",
    "Frozen",
    "IpRating",
    "Kind",
    "NonNegativeFloat",
    "PositiveFloat",
    "Redundancy",
    "UpsTopology",
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
