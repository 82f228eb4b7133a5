"""Modular against pre-integrated, like with like: facility only (the IT is the customer's).

For each bundle (``BundleSpec``) of the catalogue the solver finds the cheapest build that meets
the same requirements *with the kit*: the kit's rack (as many as it has), UPS model (at least its
units, its battery packs if any), PDU model, cooling model (at least its units) and fire
suppression model (at least its units) are forced, and the solver adds what the requirements
still need (more UPS units or packs, a second UPS system on 2N, more cooling units, an ATS,
blanking panels). The kit price is the bundle's list price plus the add-ons at list price. The
kit's monitoring and network members and its accessories come with it and are not placed (the
modular build has none either); its blanking panels are taken to close its open U.

The saving is ``(kit - modular) / kit`` on facility list price. Where it comes from is shown per
role: the kit's price is spread over its members in proportion to their list prices (that share
is what each role costs inside the kit), plus the add-ons, against the modular build's role
prices; and the sizes (UPS kW, cooling W, rack U) and the vendors of both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rules.solver.candidates import Candidates, candidates
from rules.solver.catalog import Catalog, CatalogEntry
from rules.solver.model import SolverModel
from rules.solver.requirements import CoolingRedundancy, ObjectiveTerm, Requirements
from rules.solver.solve import Proposal, solve_candidates
from rules.specs import BundleSpec, CoolingSpec, Kind, RackSpec, UpsSpec

__all__ = ["BundleComparison", "compare_bundles", "facility_roles"]

ROLE_OF = {
    Kind.RACK: "rack",
    Kind.UPS: "UPS",
    Kind.BATTERY: "battery packs",
    Kind.PDU: "PDUs",
    Kind.ATS: "ATS",
    Kind.COOLING: "cooling",
    Kind.FIRE_SUPPRESSION: "fire suppression",
    Kind.ACCESSORY: "accessories",
    Kind.CDU: "CDUs",
    Kind.FACILITY_WATER: "facility water",
}


@dataclass(frozen=True, slots=True)
class BundleComparison:
    """One kit against the modular build, facility only."""

    bundle: str
    name: str
    feasible: bool
    reason: str  # why the kit cannot meet the requirements, when it cannot
    kit_price: float | None  # bundle list price + add-ons
    addons: tuple[tuple[str, int, float], ...]  # (ref, quantity, list price each)
    modular_price: float
    saving_pct: float | None  # (kit - modular) / kit x 100
    by_role: dict[str, tuple[float, float]]  # role -> (kit, modular)
    notes: tuple[str, ...]


def facility_roles(proposal: Proposal) -> dict[str, float]:
    """List price per facility role of a proposal (IT left out)."""
    out: dict[str, float] = {}
    for rack in proposal.build.racks:
        out["rack"] = out.get("rack", 0.0) + rack.component.list_price
    for item in proposal.build.items:
        role = ROLE_OF.get(item.component.kind)
        if role is not None:
            out[role] = out.get(role, 0.0) + item.component.list_price * item.quantity
    return out


def _members(
    bundle: CatalogEntry, by_key: dict[tuple[str, str], CatalogEntry]
) -> list[tuple[CatalogEntry, int]]:
    spec = bundle.component.spec
    if not isinstance(spec, BundleSpec):
        return []
    out = []
    for member in spec.members:
        entry = by_key.get((member.manufacturer, member.sku))
        if entry is not None:
            out.append((entry, member.quantity))
    return out


def _forced(members: list[tuple[CatalogEntry, int]], kind: Kind) -> tuple[CatalogEntry | None, int]:
    for entry, quantity in members:
        if entry.kind is kind:
            return entry, quantity
    return None, 0


def _kit_constraints(members: list[tuple[CatalogEntry, int]], cands: Candidates) -> Any:
    rack, racks = _forced(members, Kind.RACK)
    ups, ups_q = _forced(members, Kind.UPS)
    pack, pack_k = _forced(members, Kind.BATTERY)
    pdu, _ = _forced(members, Kind.PDU)
    cooling, cool_n = _forced(members, Kind.COOLING)
    fire, fire_n = _forced(members, Kind.FIRE_SUPPRESSION)

    def apply(sm: SolverModel, _: dict[ObjectiveTerm, Any]) -> None:
        m = sm.model
        for r in range(sm.slots):
            if r < racks:
                m.add(sm.active[r] == 1)
            for k, entry in enumerate(cands.racks):
                if rack is not None and entry.ref != rack.ref:
                    m.add(sm.rack[r][k] == 0)
            for p, entry in enumerate(cands.pdus):
                if pdu is not None and entry.ref != pdu.ref:
                    m.add(sm.pdu[r][p] == 0)
        for j, option in enumerate(cands.ups):
            keep = ups is None or (option.ups.ref == ups.ref and option.q >= ups_q)
            if pack is not None:
                keep = keep and option.pack is not None and option.pack.ref == pack.ref
                keep = keep and option.k >= pack_k
            if not keep:
                m.add(sm.ups[j] == 0)
        for n, entry in enumerate(cands.cooling):
            if cooling is not None:
                if entry.ref != cooling.ref:
                    m.add(sm.cool_pick[n] == 0)
                else:
                    m.add(sm.cool_n[n] >= cool_n)
        for n, entry in enumerate(cands.fire):
            if fire is not None:
                if entry.ref != fire.ref:
                    m.add(sm.fire_pick[n] == 0)
                else:
                    m.add(sm.fire_n[n] >= fire_n)
        if fire is not None and sm.fire_pick:
            m.add(sum(sm.fire_pick) == 1)

    return apply


def _missing(members: list[tuple[CatalogEntry, int]], cands: Candidates) -> str:
    """Why a kit part cannot be used at this site, or ''."""
    pools = {
        Kind.RACK: {e.ref for e in cands.racks},
        Kind.UPS: {o.ups.ref for o in cands.ups},
        Kind.PDU: {e.ref for e in cands.pdus},
        Kind.COOLING: {e.ref for e in cands.cooling},
        Kind.FIRE_SUPPRESSION: {e.ref for e in cands.fire},
    }
    for entry, _ in members:
        pool = pools.get(entry.kind)
        if pool is not None and entry.ref not in pool:
            return (
                f"its {ROLE_OF[entry.kind]} {entry.component.name} is ruled out by the site or "
                "the requirements"
            )
    return ""


def _kit_value(members: list[tuple[CatalogEntry, int]]) -> dict[str, float]:
    """Kit members' list value per facility role."""
    value: dict[str, float] = {}
    for entry, quantity in members:
        role = ROLE_OF.get(entry.kind)
        if role is not None and role != "accessories":
            value[role] = value.get(role, 0.0) + entry.component.list_price * quantity
    return value


def compare_bundles(
    req: Requirements,
    catalog: Catalog,
    modular: Proposal,
    *,
    time_limit_s: float = 2.0,
    workers: int = 1,
) -> list[BundleComparison]:
    """Every bundle of the catalogue against the modular build (see the module docstring)."""
    by_key = {(e.vendor, e.component.sku): e for e in catalog.entries}
    modular_roles = facility_roles(modular)
    modular_price = sum(modular_roles.values())
    out: list[BundleComparison] = []
    for bundle in catalog.of_kind(Kind.BUNDLE):
        members = _members(bundle, by_key)
        racks = sum(q for e, q in members if e.kind is Kind.RACK) or 1
        # The kit brings its fire suppression even where none is asked: it must then work.
        fire = req.constraints.fire_suppression or any(
            e.kind is Kind.FIRE_SUPPRESSION for e, _ in members
        )
        update: dict[str, Any] = {
            "constraints": req.constraints.model_copy(
                # The budget is on the modular build's price; the kit is priced apart.
                update={"max_racks": racks, "fire_suppression": fire, "budget": None}
            )
        }
        if req.redundancy.cooling is CoolingRedundancy.NONE and any(
            e.kind is Kind.COOLING for e, _ in members
        ):
            # The kit brings its cooling even where the room would do.
            update["redundancy"] = req.redundancy.model_copy(
                update={"cooling": CoolingRedundancy.N}
            )
        kit_req = req.model_copy(update=update)
        cands = candidates(kit_req, catalog)
        why = _missing(members, cands)
        if not why:
            found = solve_candidates(
                cands,
                time_limit_s=time_limit_s,
                workers=workers,
                extra=_kit_constraints(members, cands),
                objective=[ObjectiveTerm.LIST_PRICE],
            )
            if found.proposal is None:
                why = "its fixed parts cannot meet the requirements, whatever is added"
        proposal = None if why else found.proposal
        if proposal is None:
            out.append(
                BundleComparison(
                    bundle.ref,
                    bundle.component.name,
                    False,
                    why,
                    None,
                    (),
                    modular_price,
                    None,
                    {},
                    (),
                )
            )
            continue
        out.append(_compare(bundle, members, proposal, modular, modular_roles, modular_price))
    out.sort(key=lambda b: (not b.feasible, b.kit_price or 0.0))
    return out


def _compare(
    bundle: CatalogEntry,
    members: list[tuple[CatalogEntry, int]],
    kit_build: Proposal,
    modular: Proposal,
    modular_roles: dict[str, float],
    modular_price: float,
) -> BundleComparison:
    kit_roles_list = facility_roles(kit_build)
    member_value = _kit_value(members)
    covered = sum(member_value.values())
    bundle_price = bundle.component.list_price
    share = bundle_price / covered if covered else 0.0
    # Add-ons: what the kit build has beyond the members, at list price (panels are the kit's).
    by_role: dict[str, tuple[float, float]] = {}
    addon_total = 0.0
    for role in sorted(set(kit_roles_list) | set(modular_roles) | set(member_value)):
        if role == "accessories":
            continue
        built = kit_roles_list.get(role, 0.0)
        inside = member_value.get(role, 0.0)
        addon = max(0.0, built - inside)
        addon_total += addon
        by_role[role] = (inside * share + addon, modular_roles.get(role, 0.0))
    addons = _addons(kit_build, members)
    kit_price = bundle_price + addon_total
    saving = (kit_price - modular_price) / kit_price * 100 if kit_price else None
    return BundleComparison(
        bundle.ref,
        bundle.component.name,
        True,
        "",
        kit_price,
        addons,
        modular_price,
        saving,
        by_role,
        tuple(_notes(kit_build, modular)),
    )


def _addons(
    kit_build: Proposal, members: Sequence[tuple[CatalogEntry, int]]
) -> tuple[tuple[str, int, float], ...]:
    have: dict[str, int] = {}
    prices: dict[str, float] = {}
    for rack in kit_build.build.racks:
        have[rack.component.ref] = have.get(rack.component.ref, 0) + 1
        prices[rack.component.ref] = rack.component.list_price
    for item in kit_build.build.items:
        if item.component.kind in ROLE_OF and item.component.kind is not Kind.ACCESSORY:
            have[item.component.ref] = have.get(item.component.ref, 0) + item.quantity
            prices[item.component.ref] = item.component.list_price
    for entry, quantity in members:
        if entry.ref in have:
            have[entry.ref] -= quantity
    return tuple((ref, n, prices[ref]) for ref, n in sorted(have.items()) if n > 0)


def _sizes(p: Proposal) -> tuple[float, float, int, set[str]]:
    ups = p.design.ups
    spec = ups.ups.component.spec
    kw = spec.rated_kw * ups.q * p.design.systems if isinstance(spec, UpsSpec) else 0.0
    cooling = 0.0
    if p.design.cooling is not None and isinstance(p.design.cooling.component.spec, CoolingSpec):
        cooling = p.design.cooling.component.spec.sensible_w * p.design.cooling_count
    u = sum(r.component.spec.u for r in p.build.racks if isinstance(r.component.spec, RackSpec))
    vendors = {r.component.manufacturer for r in p.build.racks} | {
        i.component.manufacturer for i in p.build.items if not i.component.kind.is_it
    }
    return kw, cooling, u, vendors


def _notes(kit: Proposal, modular: Proposal) -> list[str]:
    k_kw, k_cool, k_u, k_vendors = _sizes(kit)
    m_kw, m_cool, m_u, m_vendors = _sizes(modular)
    notes = []
    if m_kw < k_kw:
        notes.append(f"right-sizing: UPS {m_kw:g} kW against the kit's {k_kw:g} kW")
    if m_cool < k_cool:
        notes.append(f"right-sizing: cooling {m_cool:,.0f} W against the kit's {k_cool:,.0f} W")
    if m_u < k_u:
        notes.append(f"right-sizing: {m_u} U of racks against the kit's {k_u} U")
    if len(m_vendors) > 1 and m_vendors != k_vendors:
        notes.append(f"vendor mix: {', '.join(sorted(m_vendors))}")
    return notes
