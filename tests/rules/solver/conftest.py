"""Fixtures of the solver tests: the demo catalogue as solver entries (no database)."""

from __future__ import annotations

import pytest

from catalog.demo import load_demo_catalog
from rules.solver.catalog import Catalog, catalog_from_rows


@pytest.fixture(scope="session")
def demo_catalog() -> Catalog:
    """The 238 demo components, read from the YAML data files."""
    return catalog_from_rows(load_demo_catalog()["components"])


@pytest.fixture(scope="session")
def small_catalog(demo_catalog: Catalog) -> Catalog:
    """Part of the demo catalogue (one maker per role), for the tests that solve many times."""
    makers = {
        "Cobaltframe Enclosures",
        "Northbeam Power",
        "Polarwind Climate",
        "Tessellon Systems",
        "Emberguard Fire Safety",
    }
    return Catalog(entries=tuple(e for e in demo_catalog.entries if e.vendor in makers))
