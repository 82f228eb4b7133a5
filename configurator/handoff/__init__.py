"""Hand-off to operations: an approved build pushed into NetBox, dry-run, or exported as files.

models.py (connections, pushes), crypto.py (API tokens encrypted at rest), mapping.py (pure:
build snapshot + catalogue rows -> NetBox objects in dependency order), plan.py (pure: those
objects against what NetBox holds -> create / update / unchanged / delete), client.py (pynetbox:
read, write, errors), services.py (use cases), tasks.py (the push as a Celery job),
selectors.py (reads), export.py (NetBox import files). docs/netbox-handoff.md has the mapping.
"""
