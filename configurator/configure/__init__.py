"""Configure: propose a build for a site and a workload (today a selection, later a solver)."""
