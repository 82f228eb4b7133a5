"""The quote PDF's appendix: modular against pre-integrated kits, like with like.

For the quoted build's IT, site and policy (``rules.solver.requirements_around`` of the frozen
build), the solver finds the optimal modular facility and, for each kit of the catalogue, the
cheapest build with that kit and whatever it still needs (``rules.solver.bundles``). Facility
only: the IT is the customer's either way. The figures are worked out once, when the PDF is
first rendered, and kept with the document (``RenderedDocument.source_json``), so a later
catalogue edit never changes an issued quote's PDF.
"""

from __future__ import annotations

from typing import Any

from catalog.choices import ComponentKind, Lifecycle
from catalog.models import Component
from catalog.selectors import solver_catalog
from configurator.quotes.models import Quote
from rules.model import BuildSpec
from rules.solver import configure, requirements_around
from rules.solver.bundles import compare_bundles

__all__ = ["KIT_TIME_LIMIT_S", "quote_kit_appendix"]

KIT_TIME_LIMIT_S = 10.0


def _facility_price(spec: BuildSpec) -> float:
    """List price of everything but the IT in a build."""
    price = sum(r.component.list_price for r in spec.racks)
    price += sum(
        i.component.list_price * i.quantity for i in spec.items if not i.component.kind.is_it
    )
    return round(price, 2)


def quote_kit_appendix(quote: Quote) -> dict[str, Any]:
    """The appendix's figures for an issued quote (``{}``: no kit to compare, or no IT)."""
    if not quote.spec_json:
        return {}
    kits = Component.objects.filter(kind=ComponentKind.BUNDLE, lifecycle=Lifecycle.ACTIVE)
    if not kits.exists():
        return {}
    spec = BuildSpec.model_validate(quote.spec_json)
    if not any(i.component.kind.is_it for i in spec.items):
        return {}
    requirements = requirements_around(spec, extra={"objective": {"terms": ["list_price"]}})
    catalog = solver_catalog(with_cost=False, seller_id=quote.seller_id)
    conf = configure(requirements, catalog, time_limit_s=KIT_TIME_LIMIT_S, extras=False)
    proposal = conf.result.proposal
    out: dict[str, Any] = {
        "currency": quote.currency,
        "quoted_facility_price": _facility_price(spec),
        "status": conf.result.status,
        "modular_price": None,
        "kits": [],
    }
    if proposal is None:
        return out
    out["modular_price"] = round(proposal.facility_list_price, 2)
    names = {e.ref: e.component.name for e in catalog.entries}
    for kit in compare_bundles(requirements, catalog, proposal, time_limit_s=KIT_TIME_LIMIT_S / 5):
        out["kits"].append(
            {
                "name": kit.name,
                "feasible": kit.feasible,
                "reason": kit.reason,
                "kit_price": None if kit.kit_price is None else round(kit.kit_price, 2),
                "saving_pct": None if kit.saving_pct is None else round(kit.saving_pct, 1),
                "notes": list(kit.notes),
                "addons": [
                    {"name": names.get(ref, ref), "quantity": quantity}
                    for ref, quantity, _ in kit.addons
                ],
                "by_role": [
                    {"role": role, "kit": round(k, 2), "modular": round(m, 2)}
                    for role, (k, m) in sorted(kit.by_role.items())
                ],
            }
        )
    return out
