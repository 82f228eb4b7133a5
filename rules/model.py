"""A build as the engine sees it (``BuildSpec``) and what the engine says of it (``Report``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.coolant import coolant_problem
from rules.feeds import FeedNode, FeedProblem, feed_problems
from rules.specs import ComponentSpec, Frozen, Kind, Policy, Redundancy, Site

__all__ = [
    "BuildSpec",
    "Finding",
    "Headroom",
    "LoopMetrics",
    "Metrics",
    "PhaseLoad",
    "PlacedItem",
    "RackInstance",
    "RackMetrics",
    "Report",
    "Severity",
    "SourceLoad",
]


class Face(StrEnum):
    """Which face of the rack an item is mounted on."""

    FRONT = "front"
    REAR = "rear"


class RackInstance(Frozen):
    """One rack or enclosure of the build."""

    id: str = Field(min_length=1)
    name: str = ""
    component: ComponentSpec

    @model_validator(mode="after")
    def _is_rack(self) -> RackInstance:
        if self.component.kind is not Kind.RACK:
            raise ValueError(f"rack {self.id!r} uses a {self.component.kind.value}, not a rack")
        return self


class PlacedItem(Frozen):
    """A build line: ``quantity`` units of one component, where they sit and what feeds them.

    Units of a line with a U position stack upwards from ``position_u`` (the lowest U, 1-based),
    each taking ``u_height``. Power flows down the graph: ``feed_a``/``feed_b`` name the item
    (PDU, ATS or UPS) each unit's A and B cords plug into; a PDU's ``feed_a`` names the UPS or
    ATS upstream of it, and an item with no feed draws from the site supply.
    """

    id: str = Field(min_length=1)
    component: ComponentSpec
    quantity: Annotated[int, Field(ge=1, le=10_000)] = 1
    rack_id: str | None = None
    position_u: Annotated[float, Field(ge=1, multiple_of=0.5)] | None = None
    face: Face = Face.FRONT
    feed_a: str | None = None
    feed_b: str | None = None
    ups_id: str | None = Field(
        default=None, description="For a battery pack: the UPS whose string it extends."
    )
    coolant_from: str | None = Field(
        default=None,
        description="For a liquid-cooled node, a CDU or a rear door: the CDU or facility water "
        "source whose loop it is on.",
    )
    phase: Literal[1, 2, 3] | None = Field(
        default=None,
        description="Phase of a three-phase source this line's cords use; none = dealt in "
        "turn. For a three-phase PDU or ATS on a three-phase upstream: the upstream phase its "
        "L1 lands on (input rotation).",
    )
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> PlacedItem:
        if self.position_u is not None and self.rack_id is None:
            raise ValueError("position_u needs a rack_id")
        if self.feed_b is not None and self.feed_b == self.feed_a:
            raise ValueError("feed_a and feed_b must be different sources")
        return self

    @property
    def top_u(self) -> float | None:
        """Highest U (exclusive upper edge) taken by the stacked units, if placed."""
        if self.position_u is None:
            return None
        return self.position_u + self.component.u_height * self.quantity


class BuildSpec(Frozen):
    """One build for one edge site: the engine's whole input."""

    name: str = "Build"
    site: Site = Field(default_factory=Site)
    racks: tuple[RackInstance, ...] = ()
    items: tuple[PlacedItem, ...] = ()
    policy: Policy = Field(default_factory=Policy)

    @model_validator(mode="after")
    def _references(self) -> BuildSpec:
        rack_ids = [r.id for r in self.racks]
        if len(set(rack_ids)) != len(rack_ids):
            raise ValueError("rack ids must be unique")
        item_ids = [i.id for i in self.items]
        if len(set(item_ids)) != len(item_ids):
            raise ValueError("item ids must be unique")
        known_racks = set(rack_ids)
        by_id = {i.id: i for i in self.items}
        nodes = {i.id: FeedNode(i.component.kind, i.feed_a, i.feed_b) for i in self.items}
        problems = feed_problems(nodes)
        broken: dict[str, FeedProblem] = {}
        for problem in problems:
            if problem.code != "loop":
                broken.setdefault(problem.item_id, problem)  # feed_a before feed_b
        for n, item in enumerate(self.items):
            if item.rack_id is not None and item.rack_id not in known_racks:
                raise ValueError(f"items.{n}.rack_id: no rack {item.rack_id!r} in this build")
            broken_feed = broken.get(item.id)
            if broken_feed is not None:
                raise ValueError(f"items.{n}.{broken_feed.field}: {broken_feed.message}")
            if item.coolant_from is not None:
                _check_coolant(n, item, by_id.get(item.coolant_from))
            if item.ups_id is not None:
                ups = by_id.get(item.ups_id)
                if ups is None or ups.component.kind is not Kind.UPS:
                    raise ValueError(
                        f"items.{n}.ups_id: {item.ups_id!r} is not a UPS of this build"
                    )
                if item.component.kind is not Kind.BATTERY:
                    raise ValueError(f"items.{n}.ups_id: only battery packs extend a UPS")
        if problems:
            raise ValueError(problems[0].message)
        return self


def _check_coolant(n: int, item: PlacedItem, source: PlacedItem | None) -> None:
    """The loop rules of rules.coolant (reference 8), named by the item's place."""
    where = f"items.{n}.coolant_from"
    if source is None:
        raise ValueError(f"{where}: no item {item.coolant_from!r} in this build")
    problem = coolant_problem(item.component, source.component)
    if problem is not None:
        raise ValueError(f"{where}: {source.id!r} {problem.message}")


# --------------------------------------------------------------------------- report


class Severity(StrEnum):
    """How bad a finding is: errors block approval and quoting."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Out(BaseModel):
    """Base of report values: immutable, built by the engine without re-validation."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """An instance from values the engine computed itself, given for every field.

        ``model_construct`` does the same but spends most of its time on defaults and aliases
        the engine never needs: an evaluation builds dozens of these objects, and at about
        2 µs each they were a tenth of it. The instance is the one ``model_construct`` makes
        (the same ``__dict__``, fields set and empty extras), so dumping, equality and
        schema work unchanged; a test compares the two.
        """
        obj = _new(cls)
        _set_dict(obj, values)
        _set_fields_set(obj, set(values))
        _set_extra(obj, None)
        _set_private(obj, None)
        return obj


# Past the frozen model's own __setattr__, as pydantic does, straight to BaseModel's slots (an
# ``object.__setattr__`` looks each one up by name first).
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_new = object.__new__  # BaseModel defines no __new__ of its own


class Finding(Out):
    """One rule outcome: a stable code, a sentence, the items involved and the figures."""

    code: str = Field(examples=["power.ups_kw_capacity"])
    severity: Severity
    message: str
    subject: tuple[str, ...] = Field(default=(), description="Ids of the items or racks involved.")
    value: float | None = None
    limit: float | None = None
    unit: str = ""


class PhaseLoad(Out):
    """Current on one phase of one PDU, UPS output or the site supply."""

    source: str
    phase: int
    current_a: float
    limit_a: float


class SourceLoad(Out):
    """A source (PDU, ATS, UPS output or the site supply) beside its capacity (C4; C3)."""

    source: str
    phases: int
    voltage_v: float
    limit_a: float = Field(description="Continuous current allowed per phase (C4).")
    usable_w: float = Field(description="W the source carries at its limit, all phases (C3).")
    load_w: float = Field(description="Nameplate W it carries in normal operation (C2).")
    worst_a: tuple[float, ...] = Field(
        description="Each phase's highest current, normal operation or failover."
    )
    overloaded: tuple[int, ...] = Field(
        default=(), description="Phases (1-3) whose worst current passes the limit."
    )


class LoopMetrics(Out):
    """One liquid loop: a CDU's secondary, or a facility water source's (reference 8)."""

    source: str
    kind: Literal["cdu", "facility_water"]
    heat_w: float = Field(description="Heat it carries.")
    capacity_w: float = Field(description="What it carries at 100 % (at the site's ambient).")
    flow_lpm: float | None = Field(default=None, description="Flow its nodes take, L/min.")
    flow_needed_lpm: float | None = Field(
        default=None, description="Flow its heat needs at the design rise (L1)."
    )
    supply_c: float | None = None
    return_c: float | None = None


class RackMetrics(Out):
    """Space, weight and heat density of one rack."""

    rack_id: str
    u_total: float
    u_used: float
    u_free: float
    weight_kg: float
    static_limit_kg: float
    dynamic_limit_kg: float | None
    floor_load_kg_m2: float
    heat_kw: float = Field(default=0.0, description="Heat given off in the rack, air and liquid.")
    air_kw: float = Field(default=0.0, description="Of which to the air (L7).")


class Metrics(Out):
    """Every figure the engine computes for a build, in SI units as named."""

    it_load_typical_w: float
    it_load_nameplate_w: float
    power_unknown_items: tuple[str, ...] = ()
    ups_capacity_kw: float
    ups_capacity_kva: float
    ups_load_kw_pct: float | None = Field(
        description="Most loaded UPS line in normal operation, % of its kW rating."
    )
    ups_load_kva_pct: float | None = Field(
        description="Most loaded UPS line in normal operation, % of its kVA rating."
    )
    ups_worst_load_kw_pct: float | None = Field(
        default=None,
        description=(
            "Most loaded UPS line in its worst scenario (normal operation or the loss of any "
            "one source), % of its kW rating: on a 2N design, one system carrying the whole "
            "load."
        ),
    )
    runtime_min: float | None = Field(
        description="Shortest runtime of a loaded UPS line, on the basis the policy judges "
        "(runtime_basis)."
    )
    runtime_method: Literal["table", "vendor_point", "peukert", "none"] = "none"
    runtime_basis: Literal["new", "end_of_life"] = "new"
    runtime_new_min: float | None = Field(
        default=None, description="The same with new batteries, at the site's coldest."
    )
    runtime_end_of_life_min: float | None = Field(
        default=None,
        description="The same at end of battery life (policy share of capacity), coldest.",
    )
    ups_loss_w: float
    heat_w: float = Field(description="Room heat: IT, other loads and UPS losses (S2; C5).")
    heat_btu_h: float
    it_heat_w: float = Field(default=0.0, description="The IT's own heat (S2).")
    it_heat_btu_h: float = 0.0
    cooling_required_sensible_w: float
    cooling_installed_sensible_w: float
    cooling_effective_sensible_w: float = Field(
        default=0.0,
        description="Installed sensible capacity at the site's return air and altitude.",
    )
    cooling_power_w: float
    airflow_required_m3h: float = Field(
        description="The cooling's basis: air that carries all the room heat at the policy rise."
    )
    airflow_required_cfm: float
    airflow_installed_m3h: float
    airflow_it_m3h: float = Field(
        default=0.0,
        description="The IT's basis: air the IT pulls through at its own rise or data sheet.",
    )
    airflow_it_cfm: float = 0.0
    dew_point_max_c: float | None = None
    relative_humidity_max_pct: float | None = None
    liquid_w: float = Field(default=0.0, description="Heat cold plates carry into liquid (L5).")
    loops: tuple[LoopMetrics, ...] = ()
    racks: tuple[RackMetrics, ...] = ()
    phase_loads: tuple[PhaseLoad, ...] = ()
    sources: tuple[SourceLoad, ...] = Field(
        default=(),
        description="Every source with a limit, then the site supply: load and capacity.",
    )
    agent_required_kg: float | None = None
    agent_installed_kg: float | None = None
    ups_redundancy: Redundancy
    cooling_redundancy: Redundancy
    site_load_w: float
    site_capacity_w: float
    pue_estimate: float
    annual_kwh: float
    co2_kg_per_year: float
    cue_kg_per_kwh: float = Field(default=0.0, description="kg CO2 per IT kWh (reference 6).")
    annual_water_l: float = 0.0
    wue_l_per_kwh: float | None = Field(
        default=None, description="Litres of water per IT kWh (S20); none without IT."
    )
    energy_cost_per_year: float
    currency: str
    bill_total: float
    lead_time_days: int


class Headroom(Out):
    """How much more the build takes before the first constraint binds."""

    typical_load_w: float
    binding_constraint: str
    u_free: float
    weight_kg: float
    by_constraint: dict[str, float] = Field(
        default_factory=dict, description="Extra typical W each power/thermal constraint allows."
    )


class Report(Out):
    """The engine's verdict on one build."""

    ok: bool = Field(description="True when no finding is an error.")
    metrics: Metrics
    findings: tuple[Finding, ...]
    headroom: Headroom

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings of severity error."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)
