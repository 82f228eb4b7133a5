"""What a customer asks of a build: one frozen pydantic model the solver reads, and nothing else.

Every number is bounded (``gt`` / ``ge`` / ``le``) and the vocabulary refuses inf and NaN
(``rules.specs.Frozen``), so none gets in; unknown keys are refused. The site is the engine's
own ``rules.specs.Site``, inline: an existing site is the configurator's business, it passes
the ``Site`` it holds.

How a workload becomes IT lines (``Workload``)
----------------------------------------------
* ``items``: catalogue IT by reference and quantity, taken as given.
* ``classes``: for each entry the solver chooses ONE catalogue model of that IT kind (server,
  GPU server, storage, ...) and the count: exactly ``count`` units, or the fewest units whose
  typical draw reaches ``min_typical_kw`` (C1). The IT's list price is part of the price.
* ``customer_load``: equipment the customer brings that is not in the catalogue: ``devices``
  identical placeholder units of ``u_per_device`` U sharing ``typical_kw`` / ``nameplate_kw``
  and ``kg`` evenly, dual-corded C14 unless said otherwise, ASHRAE A2 unless said otherwise,
  price 0. The build
  carries them as one line so the engine judges the real load, U and weight ("rack units per
  kW" is ``devices * u_per_device / typical_kw``).

How heat leaves (``Requirements.cooling``)
------------------------------------------
* ``air``: air-cooled IT only, every rack within the engine's error edge of air density
  (1.5 x ``policy.air_density_limit_kw``, reference 8 L7; above the limit itself it warns).
* ``liquid``: at least one cold-plate node, on an in-rack CDU in its rack, the CDUs on a
  facility water source, leak detection in every rack with liquid; the heat the cold plates
  leave in the air, and every air-cooled device, still cooled by air, each rack within the
  policy's air density limit.
* ``auto`` (the default): whichever valid design is cheaper. When a cold-plate node of the
  catalogue could serve the workload and a loop can be built at the site, no rack may give
  the air more than the policy's limit (the density that calls for liquid); otherwise it is
  ``air``. A workload that names a cold-plate node is liquid either way.

``growth_pct`` sizes the facility (UPS, PDUs, ATS, cooling, supply) for every IT draw
multiplied by ``1 + growth_pct / 100``; space and weight are sized for the IT as listed. The
proposal is judged twice by the engine: as built, and with its IT draws grown.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from rules.specs import AshraeClass, Frozen, Kind, Policy, Redundancy, Site

__all__ = [
    "IT_CLASSES",
    "ClassDemand",
    "Constraints",
    "CoolingMedium",
    "CoolingRedundancy",
    "CustomerLoad",
    "ItemDemand",
    "Objective",
    "ObjectiveTerm",
    "RackForm",
    "RedundancyNeeds",
    "Requirements",
    "UpsRedundancy",
    "VendorRules",
    "Workload",
]

IT_CLASSES = (
    Kind.SERVER,
    Kind.GPU_SERVER,
    Kind.STORAGE,
    Kind.SWITCH,
    Kind.ROUTER,
    Kind.MONITORING,
)
_Count = Annotated[int, Field(ge=1, le=1000)]
_Kw = Annotated[float, Field(gt=0, le=2000)]


class ItemDemand(Frozen):
    """Catalogue IT taken as given: its reference and how many."""

    ref: str = Field(min_length=1, description="Catalogue reference of an IT component.")
    quantity: _Count = 1


class ClassDemand(Frozen):
    """IT of one kind whose model the solver chooses: a count, or a typical load to reach."""

    it_class: Literal["server", "gpu_server", "storage", "switch", "router", "monitoring"]
    count: _Count | None = Field(default=None, description="Exactly this many units.")
    min_typical_kw: _Kw | None = Field(
        default=None, description="The fewest units whose typical draw reaches this (C1)."
    )
    max_count: _Count = Field(default=64, description="Upper bound on units for a load target.")

    @model_validator(mode="after")
    def _one_target(self) -> ClassDemand:
        if (self.count is None) == (self.min_typical_kw is None):
            raise ValueError("give exactly one of count and min_typical_kw")
        return self


class CustomerLoad(Frozen):
    """The customer's own IT, not in the catalogue: a load, a device count and their U."""

    typical_kw: _Kw
    nameplate_kw: _Kw
    devices: _Count = 1
    u_per_device: Annotated[int, Field(ge=0, le=20)] = 1
    kg: Annotated[float, Field(ge=0, le=20000)] = 0
    dual_corded: bool = True
    connector: Literal["C14", "C20"] = "C14"
    ashrae_class: AshraeClass = AshraeClass.A2

    @model_validator(mode="after")
    def _consistent(self) -> CustomerLoad:
        if self.typical_kw > self.nameplate_kw:
            raise ValueError("typical_kw cannot exceed nameplate_kw (C1)")
        return self


class Workload(Frozen):
    """The IT the build must carry (see the module docstring)."""

    items: tuple[ItemDemand, ...] = ()
    classes: tuple[ClassDemand, ...] = ()
    customer_load: CustomerLoad | None = None

    @model_validator(mode="after")
    def _something(self) -> Workload:
        if not self.items and not self.classes and self.customer_load is None:
            raise ValueError("give items, classes or a customer_load")
        return self


class UpsRedundancy(StrEnum):
    """UPS configuration asked for (reference 5)."""

    N = "N"
    N_PLUS_1 = "N+1"
    TWO_N = "2N"


class CoolingRedundancy(StrEnum):
    """Cooling asked for: none (the room's air conditioning, ``Site.room_cooling_w``), N or N+1
    units (reference 5)."""

    NONE = "none"
    N = "N"
    N_PLUS_1 = "N+1"


class CoolingMedium(StrEnum):
    """How the heat leaves: by air, by liquid (cold-plate nodes on an in-rack CDU and facility
    water, the rest by air), or whichever valid design is cheaper."""

    AIR = "air"
    LIQUID = "liquid"
    AUTO = "auto"


class RedundancyNeeds(Frozen):
    """Redundancy of the power path and the cooling."""

    ups: UpsRedundancy = UpsRedundancy.N
    cooling: CoolingRedundancy = CoolingRedundancy.N
    ab_feeds: bool = Field(default=True, description="An A and a B PDU in every rack.")

    @model_validator(mode="after")
    def _two_n_needs_two_paths(self) -> RedundancyNeeds:
        if self.ups is UpsRedundancy.TWO_N and not self.ab_feeds:
            raise ValueError("2N needs ab_feeds: two independent paths to the load")
        return self


class RackForm(StrEnum):
    """Which enclosures may hold the build."""

    ANY = "any"
    FLOOR = "floor"
    WALL = "wall"
    OUTDOOR = "outdoor"


class VendorRules(Frozen):
    """Which manufacturers may supply the parts."""

    allow: tuple[str, ...] = Field(default=(), description="Only these manufacturers (empty: any).")
    deny: tuple[str, ...] = ()
    single_power_vendor: bool = Field(
        default=False,
        description="UPS, battery packs, PDUs and ATS from one manufacturer (one support line).",
    )


class Constraints(Frozen):
    """Limits the build must keep."""

    runtime_min: Annotated[float, Field(ge=0, le=480)] = 10
    growth_pct: Annotated[float, Field(ge=0, le=200)] = 0
    max_racks: Annotated[int, Field(ge=1, le=4)] = 1
    max_rack_u: Annotated[int, Field(ge=1, le=60)] = 60
    rack_form: RackForm = RackForm.ANY
    fire_suppression: bool = False
    budget: Annotated[float, Field(gt=0, le=1e9)] | None = None
    max_lead_time_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    vendors: VendorRules = Field(default_factory=VendorRules)
    include_inactive: bool = Field(
        default=False, description="Also propose end-of-sale and end-of-life components."
    )
    blank_growth_space: bool = Field(
        default=True,
        description="Close the free U above the equipment with blanking panels (priced, when "
        "the policy asks for panels); false leaves it open to grow into (the engine warns).",
    )


class ObjectiveTerm(StrEnum):
    """What the solver minimises."""

    LIST_PRICE = "list_price"
    COST_PRICE = "cost_price"
    LEAD_TIME = "lead_time"
    TCO = "tco"


class Objective(Frozen):
    """Terms in priority order (lexicographic), or weighted into one sum."""

    terms: tuple[ObjectiveTerm, ...] = Field(default=(ObjectiveTerm.LIST_PRICE,), min_length=1)
    mode: Literal["lexicographic", "weighted"] = "lexicographic"
    weights: tuple[Annotated[float, Field(ge=0, le=1e6)], ...] = Field(
        default=(), description="One per term in weighted mode (money units per unit)."
    )
    tco_years: Annotated[int, Field(ge=1, le=20)] = 5

    @model_validator(mode="after")
    def _weights(self) -> Objective:
        if len(set(self.terms)) != len(self.terms):
            raise ValueError("each objective term may appear once")
        if self.mode == "weighted" and len(self.weights) != len(self.terms):
            raise ValueError("weighted mode needs one weight per term")
        return self


class Requirements(Frozen):
    """Everything the solver needs to know of what the customer asks."""

    name: str = "Proposal"
    site: Site = Field(default_factory=Site)
    workload: Workload
    redundancy: RedundancyNeeds = Field(default_factory=RedundancyNeeds)
    constraints: Constraints = Field(default_factory=Constraints)
    objective: Objective = Field(default_factory=Objective)
    cooling: CoolingMedium = Field(
        default=CoolingMedium.AUTO,
        description="How the heat leaves: `air`, `liquid` (cold-plate nodes on an in-rack CDU "
        "and a facility water source, the rest by air) or `auto`: whichever valid design is "
        "cheaper, liquid when a rack would pass the policy's air density limit "
        "(`policy.air_density_limit_kw`).",
    )
    policy: Policy = Field(
        default_factory=Policy,
        description="Engine conventions; its runtime, redundancy and fire fields are set from "
        "the requirements.",
    )

    @model_validator(mode="after")
    def _site_fits(self) -> Requirements:
        if self.constraints.rack_form is RackForm.OUTDOOR and self.site.environment != "outdoor":
            raise ValueError("constraints.rack_form: outdoor enclosures need an outdoor site")
        if self.redundancy.cooling is CoolingRedundancy.NONE:
            if self.site.environment == "outdoor":
                raise ValueError("redundancy.cooling: an outdoor build brings its own cooling")
            if self.site.room_cooling_w is None:
                raise ValueError(
                    "site.room_cooling_w: cooling 'none' leaves the heat to the room's own air "
                    "conditioning; give its sensible capacity (thermal.cooling_absent)"
                )
        return self

    def build_policy(self) -> Policy:
        """The engine policy a proposal is judged by: the base policy with these requirements.

        N+1 cooling asks N+1 of the liquid loops too (one CDU and one pump lost, L4); without
        it the base policy's ``liquid_redundancy`` stands."""
        cooling = self.redundancy.cooling
        liquid = self.policy.liquid_redundancy
        if cooling is CoolingRedundancy.N_PLUS_1 and liquid.rank < Redundancy.N_PLUS_1.rank:
            liquid = Redundancy.N_PLUS_1
        return self.policy.model_copy(
            update={
                "required_runtime_min": self.constraints.runtime_min,
                "ups_redundancy": Redundancy(self.redundancy.ups.value),
                "cooling_redundancy": Redundancy.N_PLUS_1
                if cooling is CoolingRedundancy.N_PLUS_1
                else Redundancy.N,
                "require_fire_suppression": self.constraints.fire_suppression,
                "liquid_redundancy": liquid,
            }
        )
