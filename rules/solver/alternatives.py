"""Diverse alternatives and a small price-versus-energy Pareto front.

* Alternatives: the best build with the whole power chain (UPS, packs, PDUs, ATS) from one
  manufacturer, for each manufacturer that makes UPSs among the candidates, beside the best
  mixed build; distinct designs only, cheapest first, at most ``limit``.
* Pareto front (epsilon constraint): the cheapest build, the build of least annual energy
  (ties broken on price), and the cheapest build under energy caps spread between the two.
  Energy is the site's typical draw x 8,760 h (``rules.solver.solve``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.solver.candidates import Candidates
from rules.solver.linear import Lin
from rules.solver.model import SolverModel
from rules.solver.requirements import ObjectiveTerm
from rules.solver.solve import Proposal, SolveResult, solve_candidates
from rules.units import HOURS_PER_YEAR

__all__ = ["Alternative", "alternatives", "pareto_front"]


@dataclass(frozen=True, slots=True)
class Alternative:
    """One alternative build and what sets it apart."""

    label: str
    status: str
    proposal: Proposal

    def summary(self) -> dict[str, Any]:
        """The figures a person compares builds on."""
        p = self.proposal
        return {
            "label": self.label,
            "status": self.status,
            "list_price": round(p.list_price, 2),
            "annual_kwh": round(p.annual_kwh, 1),
            "lead_time_days": p.lead_time_days,
            "ok": p.ok,
            "findings": p.counts(),
            "power_vendor": p.design.ups.ups.vendor,
        }


def _signature(p: Proposal) -> tuple[Any, ...]:
    return tuple(sorted((i.component.ref, i.quantity) for i in p.build.items)) + tuple(
        sorted(r.component.ref for r in p.build.racks)
    )


def _only_vendor(vendor: str) -> Any:
    def restrict(sm: SolverModel, _: dict[ObjectiveTerm, Any]) -> None:
        c = sm.cands
        m = sm.model
        for j, option in enumerate(c.ups):
            vendors = {option.ups.vendor} | ({option.pack.vendor} if option.pack else set())
            if vendors != {vendor}:
                m.add(sm.ups[j] == 0)
        for r in range(sm.slots):
            for p, entry in enumerate(c.pdus):
                if entry.vendor != vendor:
                    m.add(sm.pdu[r][p] == 0)
            for t, entry in enumerate(c.ats):
                if entry.vendor != vendor:
                    m.add(sm.ats[r][t] == 0)

    return restrict


def alternatives(
    cands: Candidates,
    best: SolveResult,
    *,
    limit: int = 5,
    time_limit_s: float = 2.0,
    workers: int = 1,
) -> list[Alternative]:
    """The best mixed build and the best single-power-vendor build per UPS manufacturer."""
    out: list[Alternative] = []
    seen: set[tuple[Any, ...]] = set()
    if best.proposal is not None:
        out.append(Alternative("best mixed", best.status, best.proposal))
        seen.add(_signature(best.proposal))
    for vendor in sorted({o.ups.vendor for o in cands.ups}):
        found = solve_candidates(
            cands, time_limit_s=time_limit_s, workers=workers, extra=_only_vendor(vendor)
        )
        if found.proposal is None:
            continue
        signature = _signature(found.proposal)
        if signature in seen:
            continue
        seen.add(signature)
        out.append(Alternative(f"power chain from {vendor}", found.status, found.proposal))
    head, rest = out[:1], sorted(out[1:], key=lambda a: a.proposal.list_price)
    return (head + rest)[:limit]


def pareto_front(
    cands: Candidates, *, points: int = 4, time_limit_s: float = 2.0, workers: int = 1
) -> list[Alternative]:
    """Price against annual energy: cheapest, least energy, and capped points between."""
    cheapest = solve_candidates(
        cands, time_limit_s=time_limit_s, workers=workers, objective=[ObjectiveTerm.LIST_PRICE]
    )
    if cheapest.proposal is None:
        return []

    def least_energy(sm: SolverModel, exprs: dict[ObjectiveTerm, Any]) -> None:
        exprs[ObjectiveTerm.TCO] = sum(round(c * 1000) * v for c, v in sm.energy_w.terms)

    greenest = solve_candidates(
        cands,
        time_limit_s=time_limit_s,
        workers=workers,
        extra=least_energy,
        objective=[ObjectiveTerm.TCO, ObjectiveTerm.LIST_PRICE],
    )
    front = [Alternative("cheapest", cheapest.status, cheapest.proposal)]
    if greenest.proposal is None:
        return front
    high = cheapest.proposal.annual_kwh
    low = greenest.proposal.annual_kwh
    if high - low > 1e-6:
        for n in range(1, points - 1):
            cap_kwh = high - (high - low) * n / (points - 1)
            cap_w = cap_kwh * 1000 / HOURS_PER_YEAR

            def capped(sm: SolverModel, _: dict[ObjectiveTerm, Any], cap: float = cap_w) -> None:
                Lin().plus(sm.energy_w).le(sm.model, cap)

            found = solve_candidates(
                cands,
                time_limit_s=time_limit_s,
                workers=workers,
                extra=capped,
                objective=[ObjectiveTerm.LIST_PRICE],
            )
            if found.proposal is not None:
                front.append(
                    Alternative(f"energy <= {cap_kwh:,.0f} kWh/yr", found.status, found.proposal)
                )
    front.append(Alternative("least energy", greenest.status, greenest.proposal))
    # Keep the non-dominated points, cheapest first.
    front.sort(key=lambda a: (a.proposal.list_price, a.proposal.annual_kwh))
    kept: list[Alternative] = []
    for alt in front:
        if all(alt.proposal.annual_kwh < k.proposal.annual_kwh - 1e-6 for k in kept):
            kept.append(alt)
    return kept
