"""Auto-configuration: the cheapest valid build for a workload, proven optimal (CP-SAT).

``configure(requirements, catalog) -> Configuration``: the optimum with its proof (status,
objective, best bound), alternatives, a price/energy Pareto front, the pre-integrated kits
compared, or, when nothing fits, a minimal set of conflicting requirements and their cheapest
relaxations. Every proposal is a wired ``BuildSpec`` that ``rules.evaluate`` judges. Pure
Python plus OR-Tools; no Django. See README.md in this package for the model.
"""

from rules.solver.around import requirements_around
from rules.solver.catalog import Catalog, CatalogEntry, entry_from_row
from rules.solver.configure import Configuration, Progress, configure
from rules.solver.requirements import Requirements
from rules.solver.solve import Proposal, SolveResult, solve

__all__ = [
    "Catalog",
    "CatalogEntry",
    "Configuration",
    "Progress",
    "Proposal",
    "Requirements",
    "SolveResult",
    "configure",
    "entry_from_row",
    "requirements_around",
    "solve",
]
