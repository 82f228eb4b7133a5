"""The engine's vocabulary: frozen pydantic models of component specs, the site and the policy.

Units are SI and carried in field names. The catalogue stores each component's kind-specific
``spec`` as JSON validated by the model of its kind (``SPEC_MODELS``), so the catalogue and the
engine speak one vocabulary. ``base`` holds the enumerations and bounded number types, ``kinds``
the spec of each kind, ``component`` the component itself, ``site`` the site and the policy.
"""

from rules.specs.base import (
    IT_KINDS,
    Agent,
    AirflowDirection,
    AshraeClass,
    BatteryChemistry,
    Coolant,
    CoolingType,
    Environment,
    Fraction,
    Frozen,
    IpRating,
    Kind,
    NonNegativeFloat,
    PositiveFloat,
    Redundancy,
    UpsTopology,
    WaterClass,
)
from rules.specs.component import ComponentSpec
from rules.specs.kinds import (
    SPEC_MODELS,
    AccessorySpec,
    AtsSpec,
    BatteryPackSpec,
    BundleMember,
    BundleSpec,
    CduSpec,
    CoolingSpec,
    FacilityWaterSpec,
    FireSuppressionSpec,
    ItSpec,
    KindSpec,
    PduSpec,
    RackSpec,
    RuntimePoint,
    UpsSpec,
    spec_model_for,
)
from rules.specs.site import DEFAULT_DESIGN_CONCENTRATION_PCT, Policy, Site

__all__ = [
    "DEFAULT_DESIGN_CONCENTRATION_PCT",
    "IT_KINDS",
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
    "CduSpec",
    "ComponentSpec",
    "Coolant",
    "CoolingSpec",
    "CoolingType",
    "Environment",
    "FacilityWaterSpec",
    "FireSuppressionSpec",
    "Fraction",
    "Frozen",
    "IpRating",
    "ItSpec",
    "Kind",
    "KindSpec",
    "NonNegativeFloat",
    "PduSpec",
    "Policy",
    "PositiveFloat",
    "RackSpec",
    "Redundancy",
    "RuntimePoint",
    "Site",
    "UpsSpec",
    "UpsTopology",
    "WaterClass",
    "spec_model_for",
]
