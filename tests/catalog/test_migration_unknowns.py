"""Migration 0003: weights and airflows that meant "not given" become unknown, by policy."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("catalog", "0002_catalogue_managers_group")]
AFTER = [("catalog", "0003_unknown_weight_airflow_assumed")]

OLD_UPS_NOTES = (
    "Import notes (NetBox devicetype-library):\n"
    "- kva 3 parsed from the model name, part number or text\n"
    "- spec assumed from import: kw (= 0.9 x kVA, C3 output PF assumption), "
    "topology (online double conversion)"
)


@pytest.fixture
def old_catalogue(transactional_db: None) -> Iterator[Any]:
    """The catalogue at 0002 (weights not null, airflow passive by default); migrated back to
    the latest state afterwards so other tests find the schema they expect."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    try:
        yield apps
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate() -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    return executor.loader.project_state(AFTER).apps


def _row(apps: Any, sku: str, **fields: Any) -> None:
    maker, _ = apps.get_model("catalog", "Manufacturer").objects.get_or_create(
        name="Acme", slug="acme"
    )
    defaults: dict[str, Any] = {
        "model_name": sku,
        "kind": "server",
        "list_price": Decimal(0),
        "weight_kg": Decimal(0),
        "airflow": "passive",
        "spec": {},
    }
    apps.get_model("catalog", "Component").objects.create(
        manufacturer=maker, sku=sku, **{**defaults, **fields}
    )


def test_migration_makes_not_given_weights_and_airflows_unknown(old_catalogue: Any) -> None:
    """0 kg outside the seed data is unknown; passive on fanned kinds and NetBox rows too."""
    apps = old_catalogue
    _row(apps, "NB-SRV", source="netbox")
    _row(apps, "NB-PDU", source="netbox", kind="pdu", weight_kg=Decimal("4.2"))
    _row(apps, "NB-RACK", source="netbox", kind="rack", weight_kg=Decimal(90))
    _row(apps, "CSV-SW", source="csv", kind="switch", weight_kg=Decimal(3))
    _row(apps, "CSV-PDU", source="csv", kind="pdu", weight_kg=Decimal(2))
    _row(apps, "MAN-SRV", source="manual", airflow="front_to_back")
    _row(apps, "SEED-SW", source="seed", kind="switch", weight_kg=Decimal("1.5"))

    apps = _migrate()
    rows = {
        c.sku: (c.weight_kg, c.airflow, c.assumed)
        for c in apps.get_model("catalog", "Component").objects.all()
    }
    assert rows == {
        "NB-SRV": (None, None, []),
        "NB-PDU": (Decimal("4.20"), None, []),  # NetBox wrote passive for missing airflow
        "NB-RACK": (Decimal("90.00"), "passive", []),  # a rack moves no air: stated
        "CSV-SW": (Decimal("3.00"), None, []),  # passive was the default on a fanned kind
        "CSV-PDU": (Decimal("2.00"), "passive", []),
        "MAN-SRV": (None, "front_to_back", []),
        "SEED-SW": (Decimal("1.50"), "passive", []),  # demo rows keep their data
    }


def test_migration_lists_the_assumed_680_kg_and_corrects_wall_cabinets(
    old_catalogue: Any,
) -> None:
    """A wall cabinet's assumed 680 kg drops to 50 kg; a floor rack's 680 kg is listed."""
    apps = old_catalogue
    note = "Import notes (NetBox devicetype-library):\n- static load rating not in source; "
    spec = {"kind": "rack", "u": 12, "static_load_kg": 680.0}
    _row(apps, "WALL", source="netbox", kind="rack", weight_kg=Decimal(20),
         spec={**spec, "wall_mount": True},
         comments=note + "680 kg assumed (EIA historic rating)")  # fmt: skip
    _row(apps, "FLOOR", source="netbox", kind="rack", weight_kg=Decimal(90), spec=spec,
         comments=note + "680 kg assumed (EIA historic rating)")  # fmt: skip

    apps = _migrate()
    Component = apps.get_model("catalog", "Component")
    wall, floor = Component.objects.get(sku="WALL"), Component.objects.get(sku="FLOOR")
    assert wall.spec["static_load_kg"] == 50.0
    assert "50 kg assumed (wall-mount cabinet" in wall.comments
    assert [(e["field"], e["value"]) for e in wall.assumed] == [("spec.static_load_kg", 50.0)]
    assert floor.spec["static_load_kg"] == 680.0
    assert [(e["field"], e["value"]) for e in floor.assumed] == [("spec.static_load_kg", 680.0)]


def test_migration_takes_back_an_assumed_online_topology(old_catalogue: Any) -> None:
    """A topology the importer assumed becomes unknown; a stated one stays."""
    apps = old_catalogue
    spec = {"kind": "ups", "kva": 3.0, "kw": 2.7, "topology": "online_double_conversion"}
    _row(apps, "ASSUMED", source="netbox", kind="ups", spec=spec, comments=OLD_UPS_NOTES)
    _row(apps, "STATED", source="netbox", kind="ups", spec=spec, comments="Online UPS")

    apps = _migrate()
    Component = apps.get_model("catalog", "Component")
    assumed = Component.objects.get(sku="ASSUMED")
    assert assumed.spec["topology"] is None
    assert assumed.comments.endswith(
        "- spec assumed from import: kw (= 0.9 x kVA, C3 output PF assumption)\n"
        "- topology not stated: unknown"
    )
    assert Component.objects.get(sku="STATED").spec["topology"] == "online_double_conversion"


def test_migration_reverses_unknowns_to_what_the_old_schema_held(old_catalogue: Any) -> None:
    """Backwards: unknown weight is 0 kg and unknown airflow passive again."""
    apps = old_catalogue
    _row(apps, "NB-SRV", source="netbox")
    _migrate()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    row = apps.get_model("catalog", "Component").objects.get(sku="NB-SRV")
    assert (row.weight_kg, row.airflow) == (Decimal("0.00"), "passive")
