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

from rules.derive import Derived, derive
from rules.derive.electrical import SITE, ups_kva_limit_va, ups_kw_limit_w
from rules.derive.geometry import free_runs
from rules.model import BuildSpec, Headroom
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


def _by_basis(d: Derived) -> dict[str, float]:
    """Extra W per constraint, in its own basis (nameplate for currents and supply)."""
    policy = d.policy
    u = policy.utilisation_limit
    electrical = d.electrical
    out: dict[str, float] = {}
    judged = d.judged_ups
    it_typ = d.lines.it_typical_w
    it_np = d.lines.it_nameplate_w

    kw = [(x.worst_load_w, ups_kw_limit_w(x.line, policy)) for x in judged]
    kva = [
        (x.worst_load_w, ups_kva_limit_va(x.line, policy) * electrical.load_pf(x.line.id))
        for x in judged
    ]
    for name, elements in (("ups_kw", kw), ("ups_kva", kva)):
        extra = _extra(elements, it_typ)
        if extra is not None:
            out[name] = extra

    thermal = d.thermal
    if thermal.cooling_lines:
        extra = _extra([(thermal.heat_w, u * thermal.installed_sensible_w)], it_typ)
        if extra is not None:
            out["cooling_sensible"] = extra

    # Each site phase at its worst against u x breaker (C7), in W at the site's load PF; the
    # UPS recharge allowance does not grow with the IT, so it comes off both sides.
    site = d.site
    site_capacity = electrical.capacities[SITE]
    to_w = site.supply_voltage_v * electrical.load_pf(SITE, nameplate=True)
    recharge = electrical.recharge_w / site.supply_phases
    extra = _extra(
        [
            (current * to_w - recharge, site_capacity.limit_a * to_w - recharge)
            for current in site_capacity.worst_a
        ],
        it_np,
    )
    if extra is None:  # nothing on the supply grows with the IT: its slack counts 1:1
        extra = min((site_capacity.limit_a - a) * to_w for a in site_capacity.worst_a)
    out["site_supply"] = extra

    phases = []
    lines = d.lines
    for source_id, currents in electrical.distribution_currents.items():
        worst = currents.normal
        if currents.failover is not None and currents.failover.current_a > worst.current_a:
            worst = currents.failover
        to_w = lines.voltage_v[source_id] * electrical.load_pf(source_id, nameplate=True)
        phases.append((worst.current_a * to_w, worst.limit_a * to_w))
    extra = _extra(phases, it_np)
    if extra is not None:
        out["pdu_current"] = extra

    required = policy.required_runtime_min
    if required > 0:
        runtime = []
        for ups in judged:
            limit = ups.model.load_for(required)
            if limit is not None:
                runtime.append((ups.load_w, limit))
        extra = _extra(runtime, it_typ)
        if extra is not None:
            out["runtime"] = extra
    return out


def _np_per_typ(d: Derived) -> float:
    """Nameplate W per typical W of the IT load (1 without IT)."""
    it_typ, it_np = d.lines.it_typical_w, d.lines.it_nameplate_w
    if it_typ > 0 and it_np > 0:
        return it_np / it_typ
    return 1.0


def build_headroom(d: Derived) -> Headroom:
    """Extra typical IT W each power/thermal constraint allows; rack U and weight left."""
    ratio = _np_per_typ(d)
    by_constraint = {
        name: (extra / ratio if name in NAMEPLATE_BASED else extra)
        for name, extra in _by_basis(d).items()
    }
    binding = min(by_constraint, key=lambda n: by_constraint[n])  # site_supply always exists
    u_free = 0.0
    weights: list[float] = []
    for layout in d.layouts.values():
        spec = layout.spec
        if spec is None:
            continue
        u_free += spec.u - layout.u_used
        weights.append(spec.static_load_kg - layout.contents_kg)  # UL 2416, equipment
    return Headroom.trusted(
        typical_load_w=max(0.0, by_constraint[binding]),
        binding_constraint=binding,
        u_free=u_free,
        weight_kg=min(weights) if weights else 0.0,
        by_constraint=by_constraint,
    )


# --------------------------------------------------------------------------- fits_more


def _floor(value: float) -> int:
    return max(0, math.floor(value + 1e-9))


def _space_fit(d: Derived, component: ComponentSpec, rack_id: str | None) -> int:
    rack_ids = [rack_id] if rack_id is not None else list(d.layouts)
    height = component.u_height
    weight = component.weight_kg
    if not rack_ids:
        return 0 if height > 0 else MAX_FIT
    total = 0
    for rid in rack_ids:
        layout = d.layouts[rid]
        spec = layout.spec
        if spec is None:
            continue
        fit = MAX_FIT
        if height > 0:
            runs = free_runs(layout, spec.u)
            by_runs = sum(_floor(run / height) for run in runs)
            # Loose (unplaced) items still need U somewhere in the rack.
            by_total = _floor((sum(runs) - layout.loose_u) / height)
            fit = min(by_runs, by_total)
        if weight is not None and weight > 0:  # an unknown mass is not a limit it can state
            left = spec.static_load_kg - layout.contents_kg
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
    d = derive(spec)
    fit = _space_fit(d, component, rack_id)
    if component.power_known:
        typ = component.typical_or_nameplate_w
        np_ = component.nameplate_w if component.nameplate_w is not None else typ
        for name, extra in _by_basis(d).items():
            per_unit = np_ if name in NAMEPLATE_BASED else typ
            if per_unit > 0:
                fit = min(fit, _floor(extra / per_unit))
    return fit
