"""Fixtures of the solver tests: the demo catalogue as solver entries (no database)."""

from __future__ import annotations

import pytest

from catalog.demo import load_demo_catalog
from rules.solver.catalog import Catalog, catalog_from_rows


@pytest.fixture(scope="session")
def demo_catalog() -> Catalog:
    """The 238 demo components, read from the YAML data files."""
    return catalog_from_rows(load_demo_catalog()["components"])
