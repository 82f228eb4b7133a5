"""Requirements around a build: its IT taken as the fixed workload, its site and its policy.

What "configure for me" and the kit comparison of a quote ask of the solver: the IT an engineer
placed stays (each model and count, taken as given), and the solver designs the rest. The
redundancy, runtime and fire suppression asked are the build policy's (``Policy``): UPS N,
N+1 or 2N (2(N+1) is asked as 2N, the strongest the solver designs); cooling N+1 when the
policy says so, none when the build has no cooling unit and the site states its room's own
air conditioning, else N. A/B feeds when the policy asks 2N or any IT line is fed from two
sources. The racks allowed are as many as the build has (at least one), or more when its IT
does not fit one 42 U rack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rules.model import BuildSpec
from rules.solver.requirements import Requirements
from rules.specs import Kind, Redundancy

__all__ = ["requirements_around"]

RACK_U = 42  # the U a rack of the usual height holds, to size how many racks the IT may take


def _ups_wanted(level: Redundancy) -> str:
    if level in (Redundancy.TWO_N, Redundancy.TWO_N_PLUS_1):
        return "2N"
    return "N+1" if level is Redundancy.N_PLUS_1 else "N"


def requirements_around(
    spec: BuildSpec, *, name: str | None = None, extra: Mapping[str, Any] | None = None
) -> Requirements:
    """The requirements of ``spec``'s IT at its site under its policy (see the module
    docstring); ``extra`` overrides top-level parts (``objective``, ``constraints``...).

    Component refs are kept as the build's: the catalogue the solver is given must carry them.
    """
    counts: dict[str, int] = {}
    it_u = 0.0
    dual = False
    has_cooling = False
    for item in spec.items:
        kind = item.component.kind
        if kind is Kind.COOLING:
            has_cooling = True
        if not kind.is_it:
            continue
        counts[item.component.ref] = counts.get(item.component.ref, 0) + item.quantity
        it_u += item.component.u_height * item.quantity
        dual = dual or (item.feed_a is not None and item.feed_b is not None)
    policy = spec.policy
    site = spec.site
    ups = _ups_wanted(policy.ups_redundancy)
    if policy.cooling_redundancy.rank >= Redundancy.N_PLUS_1.rank:
        cooling = "N+1"
    elif not has_cooling and site.room_cooling_w is not None and site.environment == "indoor":
        cooling = "none"
    else:
        cooling = "N"
    racks = max(1, len(spec.racks), min(4, -(-int(it_u) // RACK_U)))
    data: dict[str, Any] = {
        "name": name or spec.name,
        "site": site.model_dump(),
        "workload": {"items": [{"ref": ref, "quantity": n} for ref, n in counts.items()]},
        "redundancy": {"ups": ups, "cooling": cooling, "ab_feeds": dual or ups == "2N"},
        "constraints": {
            "runtime_min": policy.required_runtime_min,
            "fire_suppression": policy.require_fire_suppression,
            "max_racks": min(4, racks),
        },
        "policy": policy.model_dump(),
    }
    if extra:
        data.update(extra)
    return Requirements.model_validate(data)
