"""The proposer: a starting build for a workload, chosen from the catalogue.

Used by the self-service pages, where customers describe a site and a workload.

A small, honest selection, not a solver: it sizes each part with the same conventions the
rules engine judges by (utilisation limit, power factor, UPS efficiency, redundancy), picks the
least expensive active component that satisfies them, writes the build through the services
and returns the engine's report. Whatever the selection could not satisfy is said in `notes`
and shows up as findings; the customer then refines the build in the editor.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.choices import ComponentKind, Lifecycle
from catalog.models import Component
from catalog.selectors import component_list, component_to_engine
from configurator.builds import selectors
from configurator.builds.models import Build, BuildLine, Site
from configurator.builds.services import builds as build_services
from configurator.builds.services import lines as line_services
from configurator.builds.services import placement as placement_services
from rules.derive.lines import psus_needed, psus_per_feed
from rules.model import Report
from rules.specs import Environment, ItSpec, Policy, Redundancy

__all__ = ["Pick", "Proposal", "Workload", "active_components", "build_propose"]

# Parallel UPS units in one system the selection is willing to propose; beyond that a bigger
# UPS model is the honest answer, and the catalogue has them.
MAX_PARALLEL_UPS = 4
# Cooling units of one model; more means the site needs a room solution, not a rack one.
MAX_COOLING_UNITS = 6
# Rack units left free for cabling and later growth when choosing the rack height.
SPARE_U = 2


@dataclass(frozen=True)
class Workload:
    """What the build must carry, as the customer describes it."""

    servers: int = 0
    server: Component | None = None
    gpu_servers: int = 0
    gpu_server: Component | None = None
    it_kw: float | None = None
    runtime_min: float = 10
    redundancy: Redundancy = Redundancy.N


@dataclass(frozen=True)
class Pick:
    """One component the selection chose, how many, and why."""

    role: str
    component: Component
    quantity: int
    reason: str


@dataclass(frozen=True)
class Proposal:
    """The build written, the parts chosen, caveats, and the engine's report on the result."""

    build: Build
    picks: tuple[Pick, ...]
    notes: tuple[str, ...]
    design_load_w: float
    report: Report


@dataclass
class _Plan:
    picks: list[Pick] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def pick(self, role: str, component: Component, quantity: int, reason: str) -> None:
        self.picks.append(Pick(role, component, quantity, reason))


def active_components(kind: str) -> Any:
    """Active components of one kind, least expensive first (the selection's candidates)."""
    return (
        component_list().filter(kind=kind, lifecycle=Lifecycle.ACTIVE).order_by("list_price", "pk")
    )


def _dual_corded(component: Component) -> bool:
    """The supplies on either of its two cords carry the device alone, so it takes a cord from
    each PDU and rides through the loss of either (the engine's rule: rules.derive.lines)."""
    engine = component_to_engine(component)
    spec = engine.spec
    if not isinstance(spec, ItSpec) or spec.psu_count < 2:
        return False
    needed = psus_needed(spec, engine.nameplate_w or engine.typical_w)
    return min(psus_per_feed(spec.psu_count)) >= needed


def _default_model(kind: str, *, dual_corded: bool) -> Component | None:
    """The least expensive active model of an IT kind; dual-corded first when 2N is asked."""
    models = list(active_components(kind))
    if dual_corded:
        models.sort(key=lambda c: not _dual_corded(c))
    return models[0] if models else None


def _typical_w(component: Component) -> float:
    value = component.typical_w if component.typical_w is not None else component.nameplate_w
    return float(value or 0)


def _nameplate_w(component: Component) -> float:
    value = component.nameplate_w if component.nameplate_w is not None else component.typical_w
    return float(value or 0)


def _runtime_min(spec: dict[str, Any], load_w: float, exponent: float) -> float | None:
    """Runtime at `load_w` from the vendor table (power law between points, C-rate scaling)."""
    points = sorted((p["load_w"], p["minutes"]) for p in spec.get("runtime_table") or ())
    if not points or load_w <= 0:
        return None
    for (p1, t1), (p2, t2) in pairwise(points):
        if p1 <= load_w <= p2:
            slope = math.log(t2 / t1) / math.log(p2 / p1)
            return t1 * (load_w / p1) ** slope
    # Outside the table: scale from the nearest point, as the engine does (t ~ P^-x).
    p_ref, t_ref = points[0] if load_w < points[0][0] else points[-1]
    return t_ref * (p_ref / load_w) ** exponent


def _units_for(redundancy: Redundancy, needed: int) -> tuple[int, int]:
    """(systems, units per system) that give `needed` units the wanted redundancy."""
    if redundancy is Redundancy.TWO_N:
        return 2, needed
    if redundancy is Redundancy.N_PLUS_1:
        return 1, needed + 1
    return 1, needed


def _choose_ups(
    plan: _Plan, workload: Workload, site: Site, policy: Policy, load_w: float
) -> tuple[Component, int, int]:
    """The least expensive UPS model (and count) that carries the load for the runtime."""
    u, pf = policy.utilisation_limit, policy.power_factor_default
    fitting: list[tuple[Decimal, Component, int, float | None]] = []
    for ups in active_components(ComponentKind.UPS):
        spec = ups.spec
        if int(spec.get("input_phases", 1)) > site.supply_phases:
            continue
        kw = float(spec.get("kw") or spec["kva"] * spec.get("output_pf", 0.9))
        needed = max(
            1,
            math.ceil(load_w / (u * kw * 1000)),
            math.ceil(load_w / pf / (u * spec["kva"] * 1000)),
        )
        if needed > MAX_PARALLEL_UPS:
            continue
        systems, per_system = _units_for(workload.redundancy, needed)
        # Worst case for runtime: one system alone carries the load on its N units.
        runtime = _runtime_min(spec, load_w / needed, policy.runtime_scaling_exponent)
        fitting.append((ups.list_price * systems * per_system, ups, needed, runtime))
    if not fitting:
        raise ValidationError(
            {"it_kw": ["No UPS in the catalogue carries this load on this site's supply."]}
        )
    meeting = [f for f in fitting if f[3] is not None and f[3] >= workload.runtime_min]
    if meeting:
        _, ups, needed, runtime = min(meeting, key=lambda f: (f[0], f[1].pk))
        reason = f"carries {load_w:,.0f} W at ≤ {u:.0%}; about {runtime:.0f} min on battery"
    else:
        _, ups, needed, runtime = max(fitting, key=lambda f: (f[3] or 0, -f[0]))
        reason = f"carries {load_w:,.0f} W at ≤ {u:.0%}; the longest runtime available"
        plan.notes.append(
            f"No UPS alone gives {workload.runtime_min:g} minutes at {load_w:,.0f} W; "
            f"{ups.model_name} gives about {runtime or 0:.0f} min. Add battery packs in the "
            "editor or lower the runtime."
        )
    systems, per_system = _units_for(workload.redundancy, needed)
    plan.pick("UPS", ups, systems * per_system, reason)
    return ups, systems, per_system


def _pdu_capacity_w(spec: dict[str, Any], pf: float, u: float) -> float:
    limit = float(spec["input_current_a"])
    if spec.get("breaker_a"):
        limit = min(
            limit, float(spec["breaker_a"]) * max(1, spec.get("banks", 1) // spec["phases"])
        )
    if not spec.get("rated_100pct"):
        limit *= u
    return limit * float(spec["voltage_v"]) * pf * int(spec.get("phases", 1))


def _choose_pdu(
    plan: _Plan, site: Site, policy: Policy, nameplate_w: float, cords: int
) -> Component:
    """Two PDUs (A and B), each able to carry the whole nameplate load when the other fails."""
    pf, u = policy.power_factor_default, policy.utilisation_limit
    candidates = []
    for pdu in active_components(ComponentKind.PDU):
        spec = pdu.spec
        # A single-phase PDU can hang off one phase of a three-phase supply, not the reverse.
        if int(spec.get("phases", 1)) > site.supply_phases:
            continue
        if abs(float(spec["voltage_v"]) - site.supply_voltage_v) > 0.1 * site.supply_voltage_v:
            continue
        outlets = sum(int(spec.get(k, 0)) for k in ("outlets_c13", "outlets_c19", "outlets_other"))
        capacity = _pdu_capacity_w(spec, pf, u)
        mismatch = int(spec.get("phases", 1)) != site.supply_phases
        candidates.append(
            (capacity >= nameplate_w and outlets >= cords, mismatch, pdu.u_height > 0, pdu)
        )
    if not candidates:
        raise ValidationError(
            {"__all__": ["No PDU in the catalogue matches this site's supply voltage and phases."]}
        )
    good = [c for c in candidates if c[0]]
    if good:
        # Phases as the supply first, then zero-U (leaves the U to IT), then price.
        pdu = min(good, key=lambda c: (c[1], c[2], c[3].list_price, c[3].pk))[3]
        reason = f"each carries the whole {nameplate_w:,.0f} W nameplate load if the other fails"
    else:
        pdu = max(candidates, key=lambda c: _pdu_capacity_w(c[3].spec, pf, u))[3]
        reason = "the largest PDU for this supply"
        plan.notes.append(
            f"No single PDU carries {nameplate_w:,.0f} W nameplate with {cords} outlets; "
            "split the load over more PDUs in the editor."
        )
    plan.pick("PDU", pdu, 2, reason)
    return pdu


def _choose_cooling(
    plan: _Plan, workload: Workload, site: Site, policy: Policy, heat_w: float
) -> tuple[Component, int]:
    """The least expensive cooling that removes the heat with the wanted redundancy."""
    required = heat_w / policy.utilisation_limit
    options = []
    for unit in active_components(ComponentKind.COOLING):
        spec = unit.spec
        if spec.get("ambient_min_c", -20) > site.ambient_min_c:
            continue
        if spec.get("ambient_max_c", 45) < site.ambient_max_c:
            continue
        needed = max(1, math.ceil(required / float(spec["sensible_capacity_w"])))
        systems, per_system = _units_for(workload.redundancy, needed)
        count = systems * per_system
        if count > MAX_COOLING_UNITS:
            continue
        options.append((unit.list_price * count, float(unit.u_height) * count, unit, count))
    if not options:
        raise ValidationError(
            {"it_kw": ["No cooling in the catalogue removes this heat at this site's ambient."]}
        )
    _, _, unit, count = min(options, key=lambda o: (o[0], o[1], o[2].pk))
    plan.pick(
        "Cooling",
        unit,
        count,
        f"removes {heat_w:,.0f} W of heat ({required:,.0f} W sensible at ≤ "
        f"{policy.utilisation_limit:.0%})",
    )
    return unit, count


def _choose_rack(
    plan: _Plan, site: Site, policy: Policy, u_needed: float, kg: float, depth_mm: float
) -> Component:
    """The smallest, then least expensive, rack for the site that holds the parts."""
    outdoor = site.environment == Environment.OUTDOOR
    for rack in sorted(
        active_components(ComponentKind.RACK),
        key=lambda r: (r.spec["u"], r.list_price, r.pk),
    ):
        spec = rack.spec
        ip = str(spec.get("ip_rating", "IP20"))
        solids = 0 if ip[2] == "X" else int(ip[2])
        if outdoor != (spec.get("environment") == Environment.OUTDOOR):
            continue
        if site.dusty and solids < policy.require_ip_solids_dusty:
            continue
        if spec["u"] < u_needed or spec["static_load_kg"] < kg:
            continue
        usable_mm = spec.get("max_device_depth_mm") or spec.get("depth_mm", 1000) - 150
        if usable_mm < depth_mm:
            continue
        if spec.get("ambient_min_c", 0) > site.ambient_min_c:
            continue
        if spec.get("ambient_max_c", 45) < site.ambient_max_c:
            continue
        plan.pick("Rack", rack, 1, f"holds {u_needed:g} U and {kg:,.0f} kg")
        return rack
    raise ValidationError(
        {"servers": [f"No single rack for this site holds {u_needed:g} U and {kg:,.0f} kg."]}
    )


def _blanking_panel() -> Component | None:
    for panel in active_components(ComponentKind.ACCESSORY).filter(u_height=1):
        if panel.spec.get("accessory_type") == "blanking_panel":
            return panel
    return None


def _gaps(rack_u: int, taken: Iterable[tuple[Decimal, Decimal]]) -> list[tuple[int, int]]:
    """Whole free U runs (start, length) of a rack, bottom up."""
    used = [False] * (rack_u + 1)
    for start, end in taken:
        for unit in range(math.floor(start), math.ceil(end)):
            if 1 <= unit <= rack_u:
                used[unit] = True
    runs: list[tuple[int, int]] = []
    unit = 1
    while unit <= rack_u:
        if used[unit]:
            unit += 1
            continue
        start = unit
        while unit <= rack_u and not used[unit]:
            unit += 1
        runs.append((start, unit - start))
    return runs


def _policy_for(site: Site, workload: Workload) -> tuple[Policy, dict[str, Any]]:
    override: dict[str, Any] = {
        "required_runtime_min": workload.runtime_min,
        "ups_redundancy": workload.redundancy.value,
        "cooling_redundancy": workload.redundancy.value,
    }
    return Policy(**{**(site.organisation.policy or {}), **override}), override


@transaction.atomic
def build_propose(*, site: Site, name: str, workload: Workload, user: Any) -> Proposal:
    """Choose rack, UPS, PDUs, cooling and blanking panels for a workload; write and evaluate."""
    plan = _Plan()
    policy, override = _policy_for(site, workload)
    it_lines: list[tuple[Component, int]] = []
    for count, chosen, kind, label in (
        (workload.servers, workload.server, ComponentKind.SERVER, "Server"),
        (workload.gpu_servers, workload.gpu_server, ComponentKind.GPU_SERVER, "GPU server"),
    ):
        if not count:
            continue
        model = chosen or _default_model(kind, dual_corded=workload.redundancy is Redundancy.TWO_N)
        if model is None:
            raise ValidationError({"servers": [f"The catalogue has no active {label.lower()}."]})
        it_lines.append((model, count))
        plan.pick(label, model, count, "as asked" if chosen else "least expensive suitable model")
        if workload.redundancy is Redundancy.TWO_N and not _dual_corded(model):
            plan.notes.append(
                f"{model.model_name} has a single power cord: on a 2N design it needs an ATS "
                "to reach both power paths; add one in the editor or pick a dual-corded model."
            )

    it_typical = sum(_typical_w(c) * n for c, n in it_lines)
    it_nameplate = sum(_nameplate_w(c) * n for c, n in it_lines)
    design_w = max(it_typical, (workload.it_kw or 0) * 1000)
    if design_w > it_typical:
        plan.notes.append(
            f"Power and cooling are sized for {design_w:,.0f} W, the IT load you expect, "
            f"above the {it_typical:,.0f} W the listed servers draw today."
        )
    cords = sum(n for _, n in it_lines)

    ups, systems, per_system = _choose_ups(plan, workload, site, policy, design_w)
    pdu = _choose_pdu(plan, site, policy, max(it_nameplate, design_w), cords)
    heat_w = design_w / policy.ups_efficiency_default
    cooling, cooling_count = _choose_cooling(plan, workload, site, policy, heat_w)

    parts = [(ups, systems * per_system), (pdu, 2), (cooling, cooling_count), *it_lines]
    u_needed = sum(float(c.u_height) * n for c, n in parts) + SPARE_U
    kg = sum(float(c.weight_kg) * n for c, n in parts)
    depth_mm = max((float(c.depth_mm or 0) for c, _ in parts if c.u_height), default=0)
    rack = _choose_rack(plan, site, policy, u_needed, kg, depth_mm)

    build = build_services.build_create(site=site, name=name, policy_override=override, user=user)
    rack_line = line_services.build_line_add(build=build, component=rack, note="Rack 1")
    ups_lines = [
        line_services.build_line_add(
            build=build, component=ups, quantity=per_system, rack=rack_line
        )
        for _ in range(systems)
    ]
    pdu_a = line_services.build_line_add(
        build=build, component=pdu, rack=rack_line, feed_a=ups_lines[0], note="PDU A"
    )
    pdu_b = line_services.build_line_add(
        build=build, component=pdu, rack=rack_line, feed_a=ups_lines[-1], note="PDU B"
    )
    for model, count in it_lines:
        dual = _dual_corded(model)
        line_services.build_line_add(
            build=build,
            component=model,
            quantity=count,
            rack=rack_line,
            feed_a=pdu_a,
            feed_b=pdu_b if dual else None,
        )
    # Cooling stays on the site supply: a compressor on the UPS would drain it in seconds.
    line_services.build_line_add(
        build=build,
        component=cooling,
        quantity=cooling_count,
        rack=rack_line if cooling.u_height else None,
    )
    placement_services.build_auto_place(build=build)

    panel = _blanking_panel()
    if panel is None:
        plan.notes.append("The catalogue has no 1U blanking panel; close open U in the editor.")
    else:
        placed = BuildLine.objects.filter(
            build=build, rack=rack_line, position_u__isnull=False
        ).select_related("component")
        taken = [(p.position_u, p.position_u + p.component.u_height * p.quantity) for p in placed]
        free = 0
        for start, length in _gaps(int(rack.spec["u"]), taken):
            line_services.build_line_add(
                build=build, component=panel, quantity=length, rack=rack_line, position_u=start
            )
            free += length
        if free:
            plan.pick(
                "Blanking panels", panel, free, "close every open U so air cannot recirculate"
            )

    build.refresh_from_db()
    return Proposal(
        build=build,
        picks=tuple(plan.picks),
        notes=tuple(plan.notes),
        design_load_w=design_w,
        report=selectors.build_report(build),
    )
