"""Hand-off to operations: an approved build pushed into NetBox, dry-run, or exported as files.

models.py (connections, pushes), crypto.py (API tokens encrypted at rest), mapping/ (pure:
build snapshot + catalogue rows -> NetBox objects in dependency order, one module per family:
reference data and site, ports, racks and devices, power), plan.py (those objects against what
NetBox holds -> create / update / unchanged / delete; one pass in staging.py, comparing in
compare.py, steps in steps.py), client.py (pynetbox: read, write, errors), services.py (use
cases), tasks.py (the push as a Celery job), selectors.py (reads), export.py (NetBox import
files). docs/netbox-handoff.md has the mapping.
"""
