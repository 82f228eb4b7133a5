"""Serializers of the API, one module per resource: they translate JSON to service arguments
and rows to JSON. Engine values (BuildSpec, Report, BOM) are not serialized here: views answer
their pydantic dumps, documented by the schema classes of configurator.api.schema.
"""
