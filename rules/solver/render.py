"""A configuration as JSON-ready data or as text a person reads (display rounding only, C8)."""

from __future__ import annotations

from typing import Any

from rules.model import Severity
from rules.solver.alternatives import Alternative
from rules.solver.configure import Configuration
from rules.solver.medium import CoolingChoice
from rules.solver.solve import Proposal, SolveResult

__all__ = ["as_data", "as_text", "cooling_data"]


def _proposal(p: Proposal) -> dict[str, Any]:
    return {
        "ok": p.ok,
        "list_price": round(p.list_price, 2),
        "cost_price": round(p.cost_price, 2),
        "facility_list_price": round(p.facility_list_price, 2),
        "lead_time_days": p.lead_time_days,
        "annual_kwh": round(p.annual_kwh, 1),
        "energy_cost_per_year": round(p.energy_cost_per_year, 2),
        "tco": round(p.tco, 2),
        "findings": p.counts(),
        "errors": [f.model_dump(mode="json") for f in p.report.errors],
        "grown_errors": [f.model_dump(mode="json") for f in p.design_report.errors]
        if p.design_report is not None
        else [],
        "build": p.build.model_dump(mode="json", exclude_defaults=True),
    }


def _result(r: SolveResult) -> dict[str, Any]:
    return {
        "status": r.status,
        "objective": r.objective,
        "bound": r.bound,
        "gap": r.gap,
        "time_limit_hit": r.time_limit_hit,
        "wall_s": round(r.wall_s, 3),
        "stages": list(r.stages),
        "problems": list(r.problems),
    }


def cooling_data(choice: CoolingChoice) -> dict[str, Any]:
    """How a configuration cools and why, JSON-ready."""
    return {
        "asked": choice.asked,
        "chosen": choice.chosen,
        "reason": choice.reason,
        "air_limit_kw": choice.air_limit_kw,
        "densest_air_kw": choice.densest_air_kw,
        "liquid_kw": choice.liquid_kw,
        "air_price": choice.air_price,
        "liquid_price": choice.liquid_price,
    }


def as_data(conf: Configuration) -> dict[str, Any]:
    """Everything of a configuration, JSON-ready."""
    out: dict[str, Any] = {"name": conf.requirements.name, **_result(conf.result)}
    if conf.cooling is not None:
        out["cooling"] = cooling_data(conf.cooling)
    if conf.result.proposal is not None:
        out["proposal"] = _proposal(conf.result.proposal)
    out["alternatives"] = [a.summary() for a in conf.alternatives]
    out["pareto"] = [a.summary() for a in conf.pareto]
    out["bundles"] = [
        {
            "bundle": b.bundle,
            "name": b.name,
            "feasible": b.feasible,
            "reason": b.reason,
            "kit_price": None if b.kit_price is None else round(b.kit_price, 2),
            "addons": [{"ref": r, "quantity": q, "list_price": p} for r, q, p in b.addons],
            "modular_price": round(b.modular_price, 2),
            "saving_pct": None if b.saving_pct is None else round(b.saving_pct, 1),
            "by_role": {k: [round(v[0], 2), round(v[1], 2)] for k, v in b.by_role.items()},
            "notes": list(b.notes),
        }
        for b in conf.bundles
    ]
    if conf.conflict is not None:
        c = conf.conflict
        out["conflict"] = {
            "requirements": list(c.requirements),
            "verified_minimal": c.verified_minimal,
            "message": c.describe(),
            "relaxations": [
                {
                    "requirement": r.requirement,
                    "change": r.change,
                    "list_price": r.list_price,
                    "enough": r.enough,
                    "then": list(r.then),
                }
                for r in c.relaxations
            ],
        }
    return out


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _alt_line(a: Alternative, currency: str) -> str:
    p = a.proposal
    counts = p.counts()
    verdict = "OK" if p.ok else "REJECTED"
    return (
        f"  - {a.label}: {_money(p.list_price, currency)}, {p.annual_kwh:,.0f} kWh/yr, "
        f"{p.lead_time_days} days, {verdict} ({counts['error']} errors, "
        f"{counts['warning']} warnings) [{a.status}]"
    )


def as_text(conf: Configuration) -> str:
    """A configuration as text."""
    r = conf.result
    cur = conf.requirements.site.currency
    lines = [f"Configuration: {conf.requirements.name}", ""]
    proof = f"Solver status: {r.status}"
    if r.objective is not None:
        proof += f"; objective {r.objective:,.2f}, best bound {r.bound:,.2f}"
        if r.gap:
            proof += f", gap {r.gap * 100:.2f} %"
    if r.time_limit_hit:
        proof += " (time limit hit: the best build found is shown, not proven optimal)"
    lines += [proof + f"; {r.wall_s:.2f} s", ""]
    for problem in r.problems:
        lines.append(f"  ! {problem}")
    if conf.cooling is not None and conf.cooling.chosen is not None:
        lines += [f"Cooling ({conf.cooling.asked} asked): {conf.cooling.reason}", ""]
    p = r.proposal
    if p is not None:
        counts = p.counts()
        lines += [
            f"Price {_money(p.list_price, cur)} (facility {_money(p.facility_list_price, cur)}, "
            f"cost {_money(p.cost_price, cur)}); lead time {p.lead_time_days} days; "
            f"{p.annual_kwh:,.0f} kWh/yr ({_money(p.energy_cost_per_year, cur)}/yr); "
            f"{conf.requirements.objective.tco_years}-year cost {_money(p.tco, cur)}",
            f"Engine verdict: {'OK' if p.ok else 'REJECTED'} ({counts['error']} errors, "
            f"{counts['warning']} warnings, {counts['info']} information)",
            "",
            "Build:",
        ]
        for rack in p.build.racks:
            lines.append(f"  {rack.id}: {rack.component.name} [{rack.component.ref}]")
        for item in p.build.items:
            where = (
                f"{item.rack_id} U{item.position_u:g}"
                if item.position_u
                else (item.rack_id or "room")
            )
            feeds = " + ".join(f for f in (item.feed_a, item.feed_b) if f)
            fed = f" <- {feeds}" if feeds else ""
            phase = f" L{item.phase}" if item.phase else ""
            water = f" ~ {item.coolant_from}" if item.coolant_from else ""
            lines.append(
                f"  {item.quantity:>3} x {item.component.name} ({item.id}, {where}{fed}{phase}"
                f"{water})"
            )
        findings = [f for f in p.report.findings if f.severity is not Severity.INFO]
        if findings:
            lines += ["", "Findings:"]
            lines += [f"  [{f.severity.value}] {f.code}: {f.message}" for f in findings]
    if conf.alternatives:
        lines += ["", "Alternatives:"] + [_alt_line(a, cur) for a in conf.alternatives]
    if conf.pareto:
        lines += ["", "Price against energy (Pareto front):"]
        lines += [_alt_line(a, cur) for a in conf.pareto]
    if conf.bundles:
        lines += ["", "Pre-integrated kits (facility only):"]
        for b in conf.bundles:
            if not b.feasible or b.kit_price is None:
                lines.append(f"  - {b.name}: cannot meet the requirements ({b.reason})")
                continue
            lines.append(
                f"  - {b.name}: kit {_money(b.kit_price, cur)} against modular "
                f"{_money(b.modular_price, cur)}: modular saves {b.saving_pct or 0:.1f} %"
                + (f" ({'; '.join(b.notes)})" if b.notes else "")
            )
            # Where the difference comes from: each role's share of the kit against modular.
            roles = sorted(b.by_role.items(), key=lambda kv: kv[1][1] - kv[1][0])
            shown = [
                f"{role} {kit:,.0f} -> {mod:,.0f}"
                for role, (kit, mod) in roles
                if abs(kit - mod) >= 1
            ]
            if shown:
                lines.append(f"      by role (kit -> modular): {'; '.join(shown)}")
    if conf.conflict is not None:
        c = conf.conflict
        lines += ["", c.describe() + (" (verified minimal)" if c.verified_minimal else "")]
        for relax in c.relaxations:
            price = (
                f": cheapest build {_money(relax.list_price, cur)}"
                if relax.list_price is not None
                else ""
            )
            enough = "" if relax.enough else f" (not enough alone; then: {', '.join(relax.then)})"
            lines.append(f"  - {relax.change}{price}{enough}")
    return "\n".join(lines) + "\n"
