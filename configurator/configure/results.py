"""The solver's answer as the configurator stores and shows it: typed, JSON-ready, cost apart.

Option 0 is the optimum; then the alternatives (best build per power-chain vendor) and the
points of the price/energy Pareto front not already listed, each with its wired build so it
can be saved as a build. The kits are compared facility only. Cost figures (the build's cost
price) are kept only when the catalogue was read with cost, and dropped for any reader who may
not see cost (``without_cost``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rules.model import Severity
from rules.solver import Configuration, Proposal
from rules.solver.alternatives import Alternative
from rules.solver.render import cooling_data
from rules.solver.requirements import CoolingMedium

__all__ = [
    "ConfigurationResult",
    "CoolingOut",
    "KitComparison",
    "Option",
    "configuration_result",
    "without_cost",
]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class CoolingWay(StrEnum):
    """How a build cools: by air alone, or cold-plate nodes on a CDU loop and the rest by air."""

    AIR = "air"
    LIQUID = "liquid"


class FindingCounts(_Out):
    """Findings of the build as listed, per severity."""

    error: int = 0
    warning: int = 0
    info: int = 0


class OptionFinding(_Out):
    """One engine error of an option (there are none in a valid proposal)."""

    code: str
    message: str


class Option(_Out):
    """One build the solver proposes, with its figures and the engine's verdict."""

    option: int = Field(description="0: the optimum; then alternatives and Pareto points.")
    label: str
    kind: Literal["optimum", "alternative", "pareto"]
    status: str = Field(description="CP-SAT's status of the solve that found it.")
    ok: bool = Field(description="The engine finds no error, as built and with growth.")
    list_price: float
    facility_list_price: float = Field(description="Without the IT.")
    cost_price: float | None = Field(default=None, description="Only for callers who see cost.")
    lead_time_days: int
    annual_kwh: float
    energy_cost_per_year: float
    tco: float = Field(description="Price plus the energy of the objective's years.")
    power_vendor: str
    racks: int
    cooling: CoolingWay = Field(
        default=CoolingWay.AIR,
        description="liquid: cold-plate nodes on a CDU loop, the rest by air.",
    )
    findings: FindingCounts
    errors: list[OptionFinding] = Field(default_factory=list)
    build: dict[str, Any] = Field(description="The wired build (the engine's BuildSpec).")


class KitRole(_Out):
    """What one facility role costs inside the kit (its share plus add-ons) and modular."""

    role: str
    kit: float
    modular: float


class KitAddon(_Out):
    """A part the kit build needs beyond the kit's members."""

    ref: str
    name: str
    quantity: int
    list_price: float


class KitComparison(_Out):
    """One pre-integrated kit against the modular optimum, facility only."""

    bundle: str
    name: str
    feasible: bool
    reason: str = ""
    kit_price: float | None = Field(description="The kit's list price plus its add-ons.")
    modular_price: float = Field(description="The optimum's facility list price.")
    saving_pct: float | None = Field(description="(kit - modular) / kit x 100.")
    addons: list[KitAddon] = Field(default_factory=list)
    by_role: list[KitRole] = Field(default_factory=list)
    notes: list[str] = Field(
        default_factory=list, description="Where the saving comes from: right-sizing, vendors."
    )


class Relaxation(_Out):
    """Dropping one conflicting requirement, and the cheapest build it allows."""

    requirement: str
    change: str
    list_price: float | None
    enough: bool
    then: list[str] = Field(default_factory=list)


class ConflictOut(_Out):
    """When nothing fits: a minimal set of requirements that cannot hold together."""

    requirements: list[str]
    verified_minimal: bool
    message: str
    relaxations: list[Relaxation] = Field(default_factory=list)


class CoolingOut(_Out):
    """How the optimum cools, what was asked, and why (reference 8)."""

    asked: CoolingMedium
    chosen: CoolingWay | None = Field(description="None: no build fits.")
    reason: str = Field(description="Why, in a sentence or two, with the figures compared.")
    air_limit_kw: float = Field(
        description="The most air-cooled heat a rack was allowed: the policy's air density "
        "limit when liquid was on the table, else 1.5 times it (the engine's error edge)."
    )
    densest_air_kw: float | None = Field(
        default=None, description="The optimum's densest rack, air-cooled heat."
    )
    liquid_kw: float | None = Field(
        default=None, description="Heat the optimum's cold plates carry into liquid."
    )
    air_price: float | None = Field(
        default=None, description="The best air-only build's list price, when solved for."
    )
    liquid_price: float | None = Field(
        default=None, description="The best liquid build's list price, when solved for."
    )


class ConfigurationResult(_Out):
    """The solver's whole answer: the proof, the builds, the kits, or the conflict."""

    name: str
    status: str = Field(description="OPTIMAL, FEASIBLE (time limit hit), INFEASIBLE, ...")
    objective: float | None = Field(description="The first objective term's value.")
    bound: float | None = Field(description="Its best bound: equal to the objective when proven.")
    gap: float | None
    time_limit_hit: bool
    wall_s: float
    objective_terms: list[str]
    currency: str
    problems: list[str] = Field(default_factory=list)
    cooling: CoolingOut | None = Field(
        default=None, description="Air or liquid: what was asked, what the optimum does, why."
    )
    notes: list[str] = Field(default_factory=list, description="How the answer was reached.")
    options: list[Option] = Field(default_factory=list)
    kits: list[KitComparison] = Field(default_factory=list)
    conflict: ConflictOut | None = None


def _counts(p: Proposal) -> FindingCounts:
    counts = {s.value: 0 for s in Severity}
    for f in p.report.findings:
        counts[f.severity.value] += 1
    return FindingCounts(**counts)


def _option(
    n: int, label: str, kind: str, status: str, p: Proposal, with_cost: bool
) -> dict[str, Any]:
    errors = [*p.report.errors, *(p.design_report.errors if p.design_report else [])]
    return {
        "option": n,
        "label": label,
        "kind": kind,
        "status": status,
        "ok": p.ok,
        "list_price": round(p.list_price, 2),
        "facility_list_price": round(p.facility_list_price, 2),
        "cost_price": round(p.cost_price, 2) if with_cost else None,
        "lead_time_days": p.lead_time_days,
        "annual_kwh": round(p.annual_kwh, 1),
        "energy_cost_per_year": round(p.energy_cost_per_year, 2),
        "tco": round(p.tco, 2),
        "power_vendor": p.design.ups.ups.vendor,
        "racks": len(p.build.racks),
        "cooling": "liquid" if p.design.liquid else "air",
        "findings": _counts(p),
        "errors": [{"code": f.code, "message": f.message} for f in errors],
        "build": p.build.model_dump(mode="json"),
    }


def _signature(p: Proposal) -> tuple[Any, ...]:
    items = sorted((i.component.ref, i.quantity) for i in p.build.items)
    return (*items, *sorted(r.component.ref for r in p.build.racks))


def configuration_result(
    conf: Configuration, *, with_cost: bool, names: Mapping[str, str]
) -> ConfigurationResult:
    """The typed answer of one configuration (see the module docstring); ``names``: each
    catalogue ref's name, for the parts a kit needs beyond its members."""
    r = conf.result
    req = conf.requirements
    options: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    if r.proposal is not None:
        options.append(_option(0, "optimum", "optimum", r.status, r.proposal, with_cost))
        seen.add(_signature(r.proposal))
    extra: list[tuple[str, Alternative]] = [("alternative", a) for a in conf.alternatives]
    extra += [("pareto", a) for a in conf.pareto]
    for kind, alt in extra:
        signature = _signature(alt.proposal)
        if signature in seen:
            continue
        seen.add(signature)
        options.append(_option(len(options), alt.label, kind, alt.status, alt.proposal, with_cost))
    kits = [
        {
            "bundle": b.bundle,
            "name": b.name,
            "feasible": b.feasible,
            "reason": b.reason,
            "kit_price": None if b.kit_price is None else round(b.kit_price, 2),
            "modular_price": round(b.modular_price, 2),
            "saving_pct": None if b.saving_pct is None else round(b.saving_pct, 1),
            "addons": [
                {"ref": ref, "name": names.get(ref, ref), "quantity": q, "list_price": price}
                for ref, q, price in b.addons
            ],
            "by_role": [
                {"role": role, "kit": round(kit, 2), "modular": round(mod, 2)}
                for role, (kit, mod) in sorted(b.by_role.items())
            ],
            "notes": list(b.notes),
        }
        for b in conf.bundles
    ]
    conflict = None
    if conf.conflict is not None:
        c = conf.conflict
        conflict = {
            "requirements": list(c.requirements),
            "verified_minimal": c.verified_minimal,
            "message": c.describe(),
            "relaxations": [
                {
                    "requirement": x.requirement,
                    "change": x.change,
                    "list_price": x.list_price,
                    "enough": x.enough,
                    "then": list(x.then),
                }
                for x in c.relaxations
            ],
        }
    cooling = None
    if conf.cooling is not None:
        cooling = cooling_data(conf.cooling)
        for key in ("air_price", "liquid_price"):
            if cooling[key] is not None:
                cooling[key] = round(cooling[key], 2)
        for key in ("densest_air_kw", "liquid_kw"):
            if cooling[key] is not None:
                cooling[key] = round(cooling[key], 3)
    return ConfigurationResult.model_validate(
        {
            "name": req.name,
            "status": r.status,
            "objective": r.objective,
            "bound": r.bound,
            "gap": r.gap,
            "time_limit_hit": r.time_limit_hit,
            "wall_s": round(r.wall_s, 3),
            "objective_terms": [t.value for t in req.objective.terms],
            "currency": req.site.currency,
            "problems": list(r.problems),
            "cooling": cooling,
            "notes": list(conf.notes),
            "options": options,
            "kits": kits,
            "conflict": conflict,
        }
    )


def without_cost(result: dict[str, Any], *, objective_is_cost: bool) -> dict[str, Any]:
    """A stored result for a reader who may not see cost: no cost price, and no objective
    value or bound when the objective was the cost price."""
    out = dict(result)
    out["options"] = [{**o, "cost_price": None} for o in result.get("options", [])]
    if objective_is_cost:
        out["objective"] = out["bound"] = out["gap"] = None
    return out
