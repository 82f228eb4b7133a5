"""export_catalog --format solver: the catalogue as the solver's --catalog JSON."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from catalog.choices import ComponentKind, Lifecycle
from rules.solver.catalog import Catalog, catalog_adapter
from tests.factories import ComponentFactory

pytestmark = pytest.mark.django_db


def _export(*args: str) -> Catalog:
    out = io.StringIO()
    call_command("export_catalog", "--format", "solver", *args, stdout=out)
    found = catalog_adapter().validate_python(json.loads(out.getvalue()))
    return found if isinstance(found, Catalog) else Catalog(entries=tuple(found))


def test_export_solver_reads_back_as_the_solvers_catalogue() -> None:
    """Every component, its ref manufacturer:sku, its lifecycle and its cost price."""
    ups = ComponentFactory(kind=ComponentKind.UPS, cost_price=Decimal("812.70"))
    ComponentFactory(lifecycle=Lifecycle.END_OF_LIFE)
    catalog = _export()
    by_ref = catalog.by_ref()
    assert len(by_ref) == 2
    entry = by_ref[f"{ups.manufacturer.name}:{ups.sku}"]
    assert entry.kind.value == "ups"
    assert entry.cost_price == pytest.approx(812.70)
    assert sorted(e.lifecycle for e in catalog.entries) == ["active", "end_of_life"]


def test_export_solver_without_cost_leaves_cost_out() -> None:
    """--without-cost: a catalogue to hand to others has list prices only."""
    ComponentFactory(cost_price=Decimal("700.00"))
    assert [e.cost_price for e in _export("--without-cost").entries] == [None]
