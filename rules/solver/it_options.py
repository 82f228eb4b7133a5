"""IT options: how each workload demand becomes IT lines the solver may choose from.

A cold-plate node (``ItSpec.liquid_fraction``) is an option only when a CDU loop on facility
water can be built (``Candidates.loops_possible``: ``cooling`` is not ``air`` and an in-rack
CDU and a facility water source fit the site) and some source and CDU carry it (its connector
and coolant inlet, ``rules.solver.liquid.node_fits``); asking for one by reference otherwise
is a problem the answer states.

Per catalogue model: its draws grown by ``growth_pct`` (C1), its load PF (C3), whether it is
dual-corded on the A and B PDUs (its supplies on either cord carry it: the engine's
``psus_per_feed`` / ``psus_needed``), single-corded through an ATS on 2N, and its cords per
outlet type (IEC 60320, the engine's ``pdu_outlets``). The customer's own IT is one
placeholder component (``customer_component``).
"""

from __future__ import annotations

from rules.derive.lines import psus_needed, psus_per_feed, unit_draw_w
from rules.solver.candidates import Candidates, ItDemandSpec, ItOption
from rules.solver.catalog import Catalog, CatalogEntry
from rules.solver.fit import humidity_ok, inlet_ok
from rules.solver.liquid import node_fits
from rules.solver.requirements import ClassDemand, CoolingMedium, Requirements
from rules.specs import ComponentSpec, Environment, ItSpec, Kind

__all__ = ["CUSTOMER_REF", "add_it", "customer_component", "outlet_cords"]

CUSTOMER_REF = "customer:load"
# IEC 60320 (the engine's rules.checks.power.distribution.OUTLET_FOR_CONNECTOR).
_OUTLET = {"C14": "c13", "C20": "c19", "other": "other"}


def outlet_cords(spec: ItSpec, *, dual: bool) -> tuple[dict[str, int], dict[str, int]]:
    """Cords per unit on the A and B sources: spread over both feeds, the odd one on A (the
    engine's ``pdu_outlets`` and ``psus_per_feed``); DC devices take no outlet."""
    if spec.psu_connector == "dc" or spec.psu_count == 0:
        return {}, {}
    outlet = _OUTLET[spec.psu_connector]
    if dual:
        on_a, on_b = psus_per_feed(spec.psu_count)
        return {outlet: on_a}, ({outlet: on_b} if on_b else {})
    return {outlet: spec.psu_count}, {}


def customer_component(requirements: Requirements) -> ComponentSpec | None:
    """The placeholder for the customer's own IT: one unit of ``devices`` identical ones."""
    load = requirements.workload.customer_load
    if load is None:
        return None
    n = load.devices
    return ComponentSpec(
        ref=CUSTOMER_REF,
        name="Customer IT (not in the catalogue)",
        manufacturer="customer",
        kind=Kind.SERVER,
        u_height=load.u_per_device,
        weight_kg=load.kg / n,
        nameplate_w=load.nameplate_kw * 1000 / n,
        typical_w=load.typical_kw * 1000 / n,
        list_price=0,
        currency=requirements.site.currency,
        spec=ItSpec(
            psu_count=2 if load.dual_corded else 1,
            redundant_psus=load.dual_corded,
            psus_required=1,
            psu_connector=load.connector,
            ashrae_class=load.ashrae_class,
        ),
    )


def _it_option(cands: Candidates, entry: CatalogEntry, demand: int) -> ItOption | None:
    c = entry.component
    spec = c.spec
    if not isinstance(spec, ItSpec):
        return None
    req, policy = cands.requirements, cands.policy
    typ, np_ = unit_draw_w(c)
    if typ is None or np_ is None:
        return None  # unknown draw: nothing to size on (C1)
    if spec.liquid_cooled and not (cands.loops_possible and node_fits(cands, spec)):
        return None  # its cold plates need a CDU loop that can carry it
    closed_loop_outdoors = req.site.environment is Environment.OUTDOOR
    if not inlet_ok(c, req.site, high=None if closed_loop_outdoors else req.site.ambient_max_c):
        return None
    if not closed_loop_outdoors and not humidity_ok(c, req.site):
        return None  # indoors the room air is the inlet air (outdoors: it_ok_with_cooling)
    ab = req.redundancy.ab_feeds
    needed = psus_needed(spec, np_)
    dual = ab and spec.psu_count >= 2 and min(psus_per_feed(spec.psu_count)) >= needed
    via_ats = cands.two_n and not dual and spec.psu_connector != "dc"
    pf = spec.power_factor or policy.power_factor_default
    g = cands.growth
    cords_a, cords_b = outlet_cords(spec, dual=dual)
    liquid: dict[str, object] = {}
    if spec.liquid_fraction is not None:
        liquid = {
            "liquid_w": typ * g * spec.liquid_fraction,  # L5: f x P_typ into liquid
            "flow_lpm": spec.coolant_flow_lpm or 0.0,
            "max_inlet_c": spec.max_coolant_inlet_c,
            "connector": spec.coolant_connector,
        }
    return ItOption(
        entry=entry,
        demand=demand,
        dual=dual,
        via_ats=via_ats,
        typ_w=typ * g,
        np_w=np_ * g,
        va_w=typ * g / pf,
        np_va_w=np_ * g / pf,
        u=int(c.u_height),
        kg=c.weight_or_zero_kg,
        cords_a=cords_a,
        cords_b=cords_b,
        **liquid,  # type: ignore[arg-type]
    )


def add_it(
    cands: Candidates, req: Requirements, catalog: Catalog, allowed: list[CatalogEntry]
) -> None:
    by_ref = catalog.by_ref()
    work = req.workload
    for item in work.items:
        entry = by_ref.get(item.ref)
        if entry is None or not entry.kind.is_it:
            cands.problems.append(
                f"workload.items: {item.ref!r} is not an IT component of the catalogue"
            )
            continue
        option = _it_option(cands, entry, len(cands.demands))
        if option is None:
            cands.problems.append(f"workload.items: {item.ref!r} {_why_not(cands, entry)}")
            continue
        cands.it.append(option)
        cands.demands.append(
            ItDemandSpec(item.ref, (len(cands.it) - 1,), item.quantity, None, item.quantity)
        )
    for n, demand in enumerate(work.classes):
        _class_demand(cands, req, demand, allowed, f"workload.classes.{n}")
    customer = customer_component(req)
    if customer is not None:
        entry = CatalogEntry(component=customer)
        option = _it_option(cands, entry, len(cands.demands))
        load = req.workload.customer_load
        if option is None or load is None:
            cands.problems.append("workload.customer_load: cannot run at this site")
            return
        cands.it.append(option)
        cands.demands.append(
            ItDemandSpec("customer IT", (len(cands.it) - 1,), load.devices, None, load.devices)
        )


def _why_not(cands: Candidates, entry: CatalogEntry) -> str:
    """Why a catalogue IT model asked for by reference cannot be proposed."""
    spec = entry.component.spec
    if not (isinstance(spec, ItSpec) and spec.liquid_cooled):
        return "cannot run at this site"
    if cands.medium is CoolingMedium.AIR:
        return "is a cold-plate node, cooled by liquid: cooling 'air' cannot carry it"
    if not cands.loops_possible:
        notes = "; ".join(cands.liquid_notes)
        return f"is a cold-plate node, cooled by liquid, but no loop can be built: {notes}"
    return (
        "is a cold-plate node, but no CDU and facility water source of the catalogue take its "
        "connector and supply coolant it takes at this site"
    )


def _class_demand(
    cands: Candidates,
    req: Requirements,
    demand: ClassDemand,
    allowed: list[CatalogEntry],
    label: str,
) -> None:
    kind = Kind(demand.it_class)
    index = len(cands.demands)
    options: list[int] = []
    for entry in allowed:
        if entry.kind is not kind:
            continue
        spec = entry.component.spec
        if isinstance(spec, ItSpec) and spec.psu_connector == "dc":
            continue  # an AC build cannot feed it
        option = _it_option(cands, entry, index)
        if option is None:
            continue
        # With a load target it must reach the target within max_count units (real draw, C1).
        target = demand.min_typical_kw
        if target is not None and option.typ_w / cands.growth * demand.max_count < target * 1000:
            continue
        cands.it.append(option)
        options.append(len(cands.it) - 1)
    if not options:
        cands.problems.append(f"{label}: no {kind.value} model of the catalogue fits")
        return
    target = demand.min_typical_kw * 1000 if demand.min_typical_kw is not None else None
    cands.demands.append(
        ItDemandSpec(label, tuple(options), demand.count, target, demand.count or demand.max_count)
    )
