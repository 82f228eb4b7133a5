"""A design (what the solver decided) and its wiring into a real ``BuildSpec`` for the engine.

Wiring, the same for every design:

* one rack instance per used rack slot; the UPS system(s) and their battery packs stand at the
  bottom of the first rack, one UPS line per system (``ups-a``, and ``ups-b`` on 2N), the packs
  naming their UPS (``ups_id``);
* on a three-phase site a single-phase UPS input names its phase: L1 for system A, L2 for B;
* per rack an A PDU fed from ``ups-a`` and, with A/B feeds, a B PDU fed from ``ups-b`` (2N) or
  ``ups-a``; zero-U PDUs hang at the back, railed ones take U; single-phase PDUs on a
  three-phase UPS output sit on the rack's own phase (rack 1 on L1, rack 2 on L2, ...);
* IT lines per model and phase: dual-corded models on the A and B PDUs, single-corded ones
  on the A PDU, or on 2N through the rack's ATS, itself fed from the A and B PDUs on L1; on a
  three-phase PDU each line names its phase (``phase``), as the model balanced it;
* cooling and fire units with U, and cooling that cools its own rack, in the racks the model
  put them in, the others in the room; all on the site supply (a compressor on the UPS would
  drain it in minutes), on a three-phase supply each line on the phase the model chose;
* liquid cooling (``rules.solver.liquid``): in a rack with cold-plate nodes, a CDU line
  (``cdu-N``) stacked above the cooling and fire units and a leak sensor (``leak-N``; a zero-U
  one hangs in the rack without a position); every node line of that rack takes its coolant
  from ``cdu-N``; every CDU line from the one facility water line in the room (``water``); the
  CDU and water lines are on the site supply, on the phase the model chose (a three-phase
  unit on all three: no phase named);
* lines are stacked bottom-up in that order without gaps from U1, so every item gets a
  contiguous span (the model keeps the U of each rack within its height); blanking panels
  close the open U above when the policy requires them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rules.derive.lines import psus_needed
from rules.model import BuildSpec, PlacedItem, RackInstance
from rules.solver.candidates import Candidates, ItOption, UpsOption
from rules.solver.catalog import CatalogEntry
from rules.specs import ComponentSpec, ItSpec, PduSpec, UpsSpec

__all__ = ["WATER_ID", "Design", "RackPlan", "grown_build", "wire"]

WATER_ID = "water"  # the facility water source line


@dataclass(frozen=True, slots=True)
class RackPlan:
    """One rack: its model, PDU model, ATS, and what it holds."""

    rack: CatalogEntry
    pdu: CatalogEntry
    ats: CatalogEntry | None = None
    it: tuple[tuple[int, int, int], ...] = ()  # (IT option index, phase 0..2, units)
    cooling: int = 0  # units of the design's cooling model in this rack
    fire: int = 0
    cdu: int = 0  # units of the design's CDU model on this rack's loop
    cdu_phase: int | None = None  # site phase 1..3 of a single-phase CDU line
    leak: CatalogEntry | None = None


@dataclass(frozen=True, slots=True)
class Design:
    """Every decision of one proposal."""

    racks: tuple[RackPlan, ...]
    ups: UpsOption
    systems: int
    ab_feeds: bool
    cooling: CatalogEntry | None = None
    cooling_count: int = 0
    fire: CatalogEntry | None = None
    fire_count: int = 0
    # Units per phase of a three-phase site supply (empty on a single-phase one).
    cooling_phases: tuple[int, ...] = ()
    fire_phases: tuple[int, ...] = ()
    panel: CatalogEntry | None = None
    it_options: tuple[ItOption, ...] = field(default=(), repr=False)
    cdu: CatalogEntry | None = None
    plant: CatalogEntry | None = None  # the facility water source model
    plant_count: int = 0
    plant_phase: int | None = None  # site phase 1..3 of a single-phase source line

    @property
    def liquid(self) -> bool:
        """The design cools some IT with liquid."""
        return self.plant is not None and any(p.cdu for p in self.racks)

    def it_units(self) -> dict[int, int]:
        """Units per IT option over every rack."""
        out: dict[int, int] = {}
        for plan in self.racks:
            for i, _, n in plan.it:
                out[i] = out.get(i, 0) + n
        return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "item"


class _Stack:
    """Bottom-up positions in one rack."""

    def __init__(self) -> None:
        self.next_u = 1

    def place(self, component: ComponentSpec, quantity: int) -> float | None:
        height = int(component.u_height) * quantity
        if height <= 0:
            return None
        at = self.next_u
        self.next_u += height
        return float(at)


class _Phases:
    """Deals units to site phases in the counts the model chose, line after line."""

    def __init__(self, counts: tuple[int, ...]) -> None:
        self.left = list(counts)

    def split(self, quantity: int) -> list[tuple[int, int | None]]:
        """(units, phase 1..3 or None) for one line of ``quantity`` units."""
        if not self.left:
            return [(quantity, None)]
        out: list[tuple[int, int | None]] = []
        for p in range(len(self.left)):
            take = min(self.left[p], quantity)
            if take:
                out.append((take, p + 1))
                self.left[p] -= take
                quantity -= take
        return out


def _site_lines(
    entry: CatalogEntry,
    count: int,
    prefix: str,
    phases: _Phases,
    rack_id: str | None,
    stack: _Stack | None,
) -> list[PlacedItem]:
    """A cooling or fire line, split per site phase, in a rack (stacked) or in the room."""
    out = []
    for units, phase in phases.split(count):
        out.append(
            PlacedItem(
                id=prefix if phase is None else f"{prefix}-l{phase}",
                component=entry.component,
                quantity=units,
                rack_id=rack_id,
                position_u=stack.place(entry.component, units) if stack is not None else None,
                phase=phase,
            )
        )
    return out


def wire(design: Design, cands: Candidates, *, name: str = "Proposal") -> BuildSpec:
    """The build the engine judges (see the module docstring)."""
    items: list[PlacedItem] = []
    racks: list[RackInstance] = []
    ups = design.ups
    systems = ["ups-a", "ups-b"][: design.systems]
    site = cands.requirements.site
    ups_spec = ups.ups.component.spec
    single_input = isinstance(ups_spec, UpsSpec) and ups_spec.input_phases == 1
    three_output = isinstance(ups_spec, UpsSpec) and ups_spec.output_phases == 3
    phases = {
        "cooling": _Phases(design.cooling_phases),
        "fire": _Phases(design.fire_phases),
    }
    for r, plan in enumerate(design.racks):
        rack_id = f"rack{r + 1}"
        racks.append(RackInstance(id=rack_id, name=f"Rack {r + 1}", component=plan.rack.component))
        stack = _Stack()
        if r == 0:
            for n, sid in enumerate(systems):
                items.append(
                    PlacedItem(
                        id=sid,
                        component=ups.ups.component,
                        quantity=ups.q,
                        rack_id=rack_id,
                        position_u=stack.place(ups.ups.component, ups.q),
                        phase=n + 1 if single_input and site.supply_phases == 3 else None,
                        note=f"UPS system {sid[-1].upper()}",
                    )
                )
                if ups.pack is not None and ups.k:
                    items.append(
                        PlacedItem(
                            id=f"packs-{sid[-1]}",
                            component=ups.pack.component,
                            quantity=ups.k,
                            rack_id=rack_id,
                            position_u=stack.place(ups.pack.component, ups.k),
                            ups_id=sid,
                        )
                    )
        pdu_spec = plan.pdu.component.spec
        three_phase = isinstance(pdu_spec, PduSpec) and pdu_spec.phases == 3
        pdu_a = f"pdu-{r + 1}a"
        pdu_b = f"pdu-{r + 1}b" if design.ab_feeds else None
        pdus = [(pdu_a, systems[0])]
        if pdu_b is not None:
            pdus.append((pdu_b, systems[-1]))
        ats_id = f"ats-{r + 1}" if plan.ats is not None else None
        if plan.ats is not None and pdu_b is not None:
            items.append(
                PlacedItem(
                    id=f"ats-{r + 1}",
                    component=plan.ats.component,
                    rack_id=rack_id,
                    position_u=stack.place(plan.ats.component, 1),
                    feed_a=pdu_a,
                    feed_b=pdu_b,
                    phase=1 if three_phase else None,
                )
            )
        cdu_id = f"cdu-{r + 1}" if design.cdu is not None and plan.cdu else None
        for i, ph, n in plan.it:
            option = design.it_options[i]
            c = option.component
            feed_a = ats_id if option.via_ats else pdu_a
            items.append(
                PlacedItem(
                    id=f"{_slug(c.sku or c.name)}-{r + 1}-{ph + 1}",
                    component=c,
                    quantity=n,
                    rack_id=rack_id,
                    position_u=stack.place(c, n),
                    feed_a=feed_a,
                    feed_b=pdu_b if option.dual else None,
                    phase=ph + 1 if three_phase and not option.via_ats else None,
                    coolant_from=cdu_id if option.liquid else None,
                )
            )
        for entry, count, prefix in (
            (design.cooling, plan.cooling, "cooling"),
            (design.fire, plan.fire, "fire"),
        ):
            if entry is not None and count:
                items += _site_lines(
                    entry, count, f"{prefix}-{r + 1}", phases[prefix], rack_id, stack
                )
        if cdu_id is not None and design.cdu is not None:
            items.append(
                PlacedItem(
                    id=cdu_id,
                    component=design.cdu.component,
                    quantity=plan.cdu,
                    rack_id=rack_id,
                    position_u=stack.place(design.cdu.component, plan.cdu),
                    phase=plan.cdu_phase,
                    coolant_from=WATER_ID,
                )
            )
        if plan.leak is not None:
            items.append(
                PlacedItem(
                    id=f"leak-{r + 1}",
                    component=plan.leak.component,
                    rack_id=rack_id,
                    position_u=stack.place(plan.leak.component, 1),
                )
            )
        pdu_phase = r % 3 + 1 if three_output and not three_phase else None
        for pdu_id, upstream in pdus:
            items.append(
                PlacedItem(
                    id=pdu_id,
                    component=plan.pdu.component,
                    rack_id=rack_id,
                    position_u=stack.place(plan.pdu.component, 1),
                    feed_a=upstream,
                    phase=pdu_phase,
                )
            )
        spec = plan.rack.component.spec
        rack_u = getattr(spec, "u", 0)
        open_u = rack_u - (stack.next_u - 1)
        if design.panel is not None and open_u > 0:
            items.append(
                PlacedItem(
                    id=f"blanking-{r + 1}",
                    component=design.panel.component,
                    quantity=open_u,
                    rack_id=rack_id,
                    position_u=stack.place(design.panel.component, open_u),
                )
            )
    for entry, count, prefix, in_racks in (
        (design.cooling, design.cooling_count, "cooling", sum(p.cooling for p in design.racks)),
        (design.fire, design.fire_count, "fire", sum(p.fire for p in design.racks)),
    ):
        room = count - in_racks
        if entry is not None and room > 0:
            items += _site_lines(entry, room, f"{prefix}-room", phases[prefix], None, None)
    if design.plant is not None and design.plant_count:
        items.append(
            PlacedItem(
                id=WATER_ID,
                component=design.plant.component,
                quantity=design.plant_count,
                phase=design.plant_phase,
                note="Facility water for the CDUs",
            )
        )
    return BuildSpec(
        name=name,
        site=cands.requirements.site,
        racks=tuple(racks),
        items=tuple(items),
        policy=cands.policy,
    )


def grown_build(build: BuildSpec, growth: float) -> BuildSpec:
    """The same build with every IT draw multiplied by ``growth``: what the facility was sized
    for (``constraints.growth_pct``). Growth adds load, not power supplies: each device keeps
    the supplies it needs today (``psus_required``), so its cords are wired the same."""
    if growth == 1:
        return build
    grown: dict[int, ComponentSpec] = {}
    items = []
    for item in build.items:
        c = item.component
        if c.kind.is_it:
            found = grown.get(id(c))
            if found is None:
                spec = c.spec
                if isinstance(spec, ItSpec):
                    needed = psus_needed(spec, c.nameplate_w or c.typical_w)
                    spec = spec.model_copy(
                        update={"psus_required": min(needed, spec.psu_count or 1)}
                    )
                found = grown[id(c)] = c.model_copy(
                    update={
                        "nameplate_w": None if c.nameplate_w is None else c.nameplate_w * growth,
                        "typical_w": None if c.typical_w is None else c.typical_w * growth,
                        "spec": spec,
                    }
                )
            item = item.model_copy(update={"component": found})
        items.append(item)
    return build.model_copy(update={"items": tuple(items)})
