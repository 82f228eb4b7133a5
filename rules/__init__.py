"""Pure-Python rules engine for micro data center builds (no Django, no I/O).

``evaluate(spec) -> Report`` judges a ``BuildSpec``: ``rules.derive.derive(spec)`` computes every
quantity once, the checks judge it (rules.checks), the metrics and the headroom read it.
``fits_more(spec, component)`` says how many more units of a component the build takes.
"""

from rules.checks import CHECKS, RULES, Check, RuleInfo
from rules.derive import Derived
from rules.headroom import fits_more
from rules.model import (
    BuildSpec,
    Finding,
    Headroom,
    Metrics,
    PhaseLoad,
    PlacedItem,
    RackInstance,
    RackMetrics,
    Report,
    Severity,
)
from rules.report import evaluate
from rules.specs import (
    AtsSpec,
    BatteryPackSpec,
    ComponentSpec,
    CoolingSpec,
    FireSuppressionSpec,
    ItSpec,
    Kind,
    PduSpec,
    Policy,
    RackSpec,
    Redundancy,
    RuntimePoint,
    Site,
    UpsSpec,
)

__all__ = [
    "CHECKS",
    "RULES",
    "AtsSpec",
    "BatteryPackSpec",
    "BuildSpec",
    "Check",
    "ComponentSpec",
    "CoolingSpec",
    "Derived",
    "Finding",
    "FireSuppressionSpec",
    "Headroom",
    "ItSpec",
    "Kind",
    "Metrics",
    "PduSpec",
    "PhaseLoad",
    "PlacedItem",
    "Policy",
    "RackInstance",
    "RackMetrics",
    "RackSpec",
    "Redundancy",
    "Report",
    "RuleInfo",
    "RuntimePoint",
    "Severity",
    "Site",
    "UpsSpec",
    "evaluate",
    "fits_more",
]
