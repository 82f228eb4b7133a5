"""Importers of the catalogue: NetBox devicetype-library YAML and CSV/XLSX sheets.

Both parse and map everything first, validate every row with the catalogue's one validator
(through `catalog.services.component_upsert`) and write in one transaction, so a bad file
or row changes nothing. docs/importing.md explains the mapping rules.
"""
