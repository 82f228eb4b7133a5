"""Configure: the cheapest valid build for a site and a workload, proven optimal (rules.solver)."""
