"""How much more a build takes: ``build_headroom(ctx)`` and ``fits_more(spec, component)``.

Model. Extra load is assumed to spread like the existing IT load (it is wired the way the rest
is), so every element (a UPS line, a PDU phase, the cooling, the supply) grows in proportion to
the IT typical load. An element carrying L against a limit M then allows
``extra = (M - L) / L x P_IT`` more typical W of IT. Fixed loads inside L (cooling fans, a
monitoring box) do not really grow, so this is on the safe side. Elements carrying nothing
never bind. Every scenario counts: a UPS or PDU is judged on its worst (failover) load, as the
checks do. With no IT load yet, extra = M - L 1:1.

Constraints (names in ``Headroom.by_constraint``, extra typical W each):

* ``ups_kw`` / ``ups_kva``: u x q x rating of each UPS line (C4; S1).
* ``cooling_sensible``: u x installed sensible against the heat (C4; S9), when cooling exists.
* ``site_supply``: u x supply capacity less the UPS recharge allowance (conv), nameplate based.
* ``pdu_current``: each PDU/ATS phase at its limit; nameplate based (C2) and converted to
  typical W with the build's nameplate/typical ratio.
* ``runtime``: the load per UPS line at which its runtime falls to the required minutes
  (the runtime model inverted in closed form).
"""

from __future__ import annotations

import math

from rules.checks.power import ups_lines_with_spec
from rules.checks.space import rack_layout, rack_spec
from rules.checks.thermal import cooling_installed_sensible_w, cooling_lines
from rules.context import Context
from rules.model import BuildSpec, Headroom
from rules.power_calc import (
    SITE,
    load_pf,
    site_capacity_va,
    site_demand_w,
    source_currents,
    ups_kva_limit_va,
    ups_kw_limit_w,
    ups_load_w,
    ups_worst_load_w,
)
from rules.runtime import battery_model
from rules.specs import ComponentSpec

__all__ = ["MAX_FIT", "build_headroom", "fits_more"]

MAX_FIT = 10_000  # PlacedItem.quantity's upper bound: "no constraint binds"
NAMEPLATE_BASED = frozenset({"pdu_current", "site_supply"})


def _extra(elements: list[tuple[float, float]], it_w: float) -> float | None:
    """Smallest extra IT W over (load, limit) pairs under proportional growth."""
    best: float | None = None
    for load, limit in elements:
        if it_w > 0:
            if load <= 0:
                continue
            extra = (limit - load) / load * it_w
        else:
            extra = limit - load
        best = extra if best is None else min(best, extra)
    return best


def _by_basis(ctx: Context) -> dict[str, float]:
    """Extra W per constraint, in its own basis (nameplate for currents and supply)."""
    policy = ctx.policy
    u = policy.utilisation_limit
    out: dict[str, float] = {}
    lines = ups_lines_with_spec(ctx)
    it_typ = ctx.it_typical_w
    it_np = ctx.it_nameplate_w

    kw = [(ups_worst_load_w(ctx, x), ups_kw_limit_w(ctx, x)) for x in lines]
    kva = [(ups_worst_load_w(ctx, x), ups_kva_limit_va(ctx, x) * load_pf(ctx, x.id)) for x in lines]
    for name, elements in (("ups_kw", kw), ("ups_kva", kva)):
        extra = _extra(elements, it_typ)
        if extra is not None:
            out[name] = extra

    if cooling_lines(ctx):
        extra = _extra([(ctx.heat_w, u * cooling_installed_sensible_w(ctx))], it_typ)
        if extra is not None:
            out["cooling_sensible"] = extra

    worst_site = max(f.site_nameplate_w for f in ctx.flows.values())
    recharge = site_demand_w(ctx) - worst_site
    cap_w = u * site_capacity_va(ctx) * load_pf(ctx, SITE, nameplate=True)
    extra = _extra([(worst_site, cap_w - recharge)], it_np)
    if extra is not None:
        out["site_supply"] = extra

    phases = []
    for source_id, currents in source_currents(ctx).items():
        worst = currents.normal
        if currents.failover is not None and currents.failover.current_a > worst.current_a:
            worst = currents.failover
        to_w = ctx.source_voltage_v(ctx.by_id[source_id]) * load_pf(ctx, source_id, nameplate=True)
        phases.append((worst.current_a * to_w, worst.limit_a * to_w))
    extra = _extra(phases, it_np)
    if extra is not None:
        out["pdu_current"] = extra

    required = policy.required_runtime_min
    if required > 0:
        runtime = []
        for ups in lines:
            limit = battery_model(ctx, ups).load_for(required)
            if limit is not None:
                runtime.append((ups_load_w(ctx, ups), limit))
        extra = _extra(runtime, it_typ)
        if extra is not None:
            out["runtime"] = extra
    return out


def _np_per_typ(ctx: Context) -> float:
    """Nameplate W per typical W of the IT load (1 without IT)."""
    if ctx.it_typical_w > 0 and ctx.it_nameplate_w > 0:
        return ctx.it_nameplate_w / ctx.it_typical_w
    return 1.0


def build_headroom(ctx: Context) -> Headroom:
    """Extra typical IT W each power/thermal constraint allows; rack U and weight left."""
    ratio = _np_per_typ(ctx)
    by_constraint = {
        name: (extra / ratio if name in NAMEPLATE_BASED else extra)
        for name, extra in _by_basis(ctx).items()
    }
    binding = min(by_constraint, key=lambda n: by_constraint[n])  # site_supply always exists
    fill = rack_layout(ctx)
    u_free = 0.0
    weights: list[float] = []
    for rack_id, rack in ctx.racks.items():
        spec = rack_spec(rack)
        if spec is None:
            continue
        u_free += spec.u - fill[rack_id].u_used
        weights.append(spec.static_load_kg - fill[rack_id].contents_kg)  # UL 2416, equipment
    return Headroom.trusted(
        typical_load_w=max(0.0, by_constraint[binding]),
        binding_constraint=binding,
        u_free=u_free,
        weight_kg=min(weights) if weights else 0.0,
        by_constraint=by_constraint,
    )


# --------------------------------------------------------------------------- fits_more


def _free_runs(ctx: Context, rack_id: str, rack_u: int) -> tuple[list[float], float]:
    """Contiguous free U runs of a rack (either face closes a U) and the loose U assigned."""
    layout = rack_layout(ctx)[rack_id]
    runs: list[float] = []
    cursor = 1.0
    for low, high, _ in layout.by_low:
        if low > cursor:
            runs.append(min(low, rack_u + 1.0) - cursor)
        cursor = max(cursor, high)
    if cursor < rack_u + 1.0:
        runs.append(rack_u + 1.0 - cursor)
    return [r for r in runs if r > 0], layout.loose_u


def _floor(value: float) -> int:
    return max(0, math.floor(value + 1e-9))


def _space_fit(ctx: Context, component: ComponentSpec, rack_id: str | None) -> int:
    rack_ids = [rack_id] if rack_id is not None else list(ctx.racks)
    height = component.u_height
    weight = component.weight_kg
    if not rack_ids:
        return 0 if height > 0 else MAX_FIT
    total = 0
    for rid in rack_ids:
        spec = rack_spec(ctx.racks[rid])
        if spec is None:
            continue
        fit = MAX_FIT
        if height > 0:
            runs, loose = _free_runs(ctx, rid, spec.u)
            by_runs = sum(_floor(run / height) for run in runs)
            # Loose (unplaced) items still need U somewhere in the rack.
            by_total = _floor((sum(runs) - loose) / height)
            fit = min(by_runs, by_total)
        if weight > 0:
            left = spec.static_load_kg - rack_layout(ctx)[rid].contents_kg
            fit = min(fit, _floor(left / weight))
        total += fit
    return min(total, MAX_FIT)


def fits_more(spec: BuildSpec, component: ComponentSpec, *, rack_id: str | None = None) -> int:
    """How many more units of ``component`` fit: contiguous free U and static load of the rack
    (``rack_id``, or every rack) and every power/thermal headroom of the build.

    The units' draw is taken as IT-like and spread like the existing load (see the module
    docstring); PDU current and supply headroom are counted on its nameplate (C2), the rest on
    its typical draw (C1). A component whose draw is unknown is not limited by power.
    """
    if rack_id is not None and rack_id not in {r.id for r in spec.racks}:
        raise ValueError(f"no rack {rack_id!r} in this build")
    ctx = Context(spec)
    fit = _space_fit(ctx, component, rack_id)
    if component.power_known:
        typ = component.typical_or_nameplate_w
        np_ = component.nameplate_w if component.nameplate_w is not None else typ
        for name, extra in _by_basis(ctx).items():
            per_unit = np_ if name in NAMEPLATE_BASED else typ
            if per_unit > 0:
                fit = min(fit, _floor(extra / per_unit))
    return fit
