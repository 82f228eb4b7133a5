"""Unknown is not zero: weight and airflow become nullable, and assumed figures get a list.

Schema: ``weight_kg`` and ``airflow`` accept NULL (= unknown); ``assumed`` holds the figures a
source did not state, as ``[{field, value, why}]``.

Data policy (forward), docs/importing.md repeats it:

* ``weight_kg = 0`` becomes unknown on every row not loaded from the demo data (source
  ``seed``). The old column could not be empty, so 0 kg was how "not given" was stored: the
  NetBox importer left it at 0 on new rows, a sheet without the column and the admin form
  defaulted to it. No rack equipment weighs 0 kg. Seed rows keep their weights (all real).
* ``airflow = passive`` becomes unknown on NetBox rows other than racks (the old importer
  wrote passive for a missing or unmappable airflow alike, and a re-import restores the
  files that do state passive), and on every non-seed row of a kind that moves air with its
  own fans (IT kinds and UPSs), where passive was the column default rather than a fact.
* NetBox racks whose comments say "680 kg assumed" get that figure in ``assumed``; on a
  wall-mount cabinet it drops to 50 kg, the low end of a wall cabinet's usual 50-100 kg rating
  (680 kg overstated it by an order of magnitude).
* NetBox UPSs whose comments say the topology was assumed (online double conversion) get
  topology unknown: the data never stated it.

Everything else the importer now derives differently (kW capped at the inlet, voltages from
outlets, kinds) is recomputed by running ``import_devicetypes`` on the library again.

Reverse: unknown weight -> 0 kg, unknown airflow -> passive (what the old schema stored);
the rack and UPS corrections are left as they are.
"""

from decimal import Decimal

from django.db import migrations, models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce

# Mirrors of catalog/rules vocabulary as of this migration (migrations never import app code).
FANNED_KINDS = ("server", "gpu_server", "switch", "router", "storage", "monitoring", "ups")
RACK_680_MARK = "680 kg assumed (EIA historic rating)"
WALL_STATIC_LOAD_KG = 50.0
# The importer's wording (catalog/importers/netbox_racks.py) at the time of this migration.
WALL_NOTE = "50 kg assumed (wall-mount cabinet, low end of the usual 50-100 kg)"
WALL_WHY = (
    "static load rating not in source; 50 kg assumed for a wall-mount cabinet: "
    "the low end of a wall cabinet's usual 50-100 kg (reference 3)"
)
FLOOR_WHY = (
    "static load rating not in source; 680 kg assumed for a floor-standing rack: "
    "EIA historic rating, the lower of 680 / 1,360 kg (reference 3)"
)
TOPOLOGY_MARK = "topology (online double conversion)"
ASSUMED_LINE = "- spec assumed from import: "


def forward(apps, schema_editor):
    Component = apps.get_model("catalog", "Component")
    rows = Component.objects.using(schema_editor.connection.alias)

    rows.exclude(source="seed").filter(weight_kg=0).update(weight_kg=None)
    rows.filter(
        Q(source="netbox", airflow="passive") & ~Q(kind="rack")
        | Q(kind__in=FANNED_KINDS, airflow="passive") & ~Q(source="seed")
    ).update(airflow=None)

    for rack in rows.filter(source="netbox", kind="rack", comments__contains=RACK_680_MARK):
        spec = dict(rack.spec or {})
        if spec.get("wall_mount"):
            spec["static_load_kg"] = WALL_STATIC_LOAD_KG
            rack.comments = rack.comments.replace(RACK_680_MARK, WALL_NOTE)
            entry = {"field": "spec.static_load_kg", "value": WALL_STATIC_LOAD_KG, "why": WALL_WHY}
        else:
            entry = {"field": "spec.static_load_kg", "value": spec.get("static_load_kg", 680.0),
                     "why": FLOOR_WHY}  # fmt: skip
        rack.spec = spec
        rack.assumed = [*(rack.assumed or []), entry]
        rack.save(update_fields=["spec", "comments", "assumed"])

    for ups in rows.filter(source="netbox", kind="ups", comments__contains=TOPOLOGY_MARK):
        spec = dict(ups.spec or {})
        spec["topology"] = None
        ups.spec = spec
        ups.comments = _without_assumed_topology(ups.comments)
        ups.save(update_fields=["spec", "comments"])


def _without_assumed_topology(comments):
    """The import notes with topology taken off the assumed line and said to be unknown."""
    lines = []
    for line in comments.split("\n"):
        if line.startswith(ASSUMED_LINE) and TOPOLOGY_MARK in line:
            rest = line.removeprefix(ASSUMED_LINE)
            for mark in (", " + TOPOLOGY_MARK, TOPOLOGY_MARK + ", ", TOPOLOGY_MARK):
                rest = rest.replace(mark, "")
            lines.append(ASSUMED_LINE + rest if rest else "- spec read from the text; check the datasheet")
            lines.append("- topology not stated: unknown")
        else:
            lines.append(line)
    return "\n".join(lines)


def backward(apps, schema_editor):
    Component = apps.get_model("catalog", "Component")
    rows = Component.objects.using(schema_editor.connection.alias)
    # One UPDATE, each row written once: PostgreSQL refuses the ALTER TABLE that follows in
    # this transaction while a row updated twice in it still has a pending FK trigger event.
    rows.filter(Q(weight_kg__isnull=True) | Q(airflow__isnull=True)).update(
        weight_kg=Coalesce("weight_kg", Value(Decimal(0))),
        airflow=Coalesce("airflow", Value("passive")),
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_catalogue_managers_group")]

    operations = [
        migrations.AddField(
            model_name="component",
            name="assumed",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "Figures the source did not state, each as {field, value, why}; an entry "
                    "goes when its figure is changed (catalog.assumed)."
                ),
            ),
        ),
        migrations.AlterField(
            model_name="component",
            name="weight_kg",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Mass of one unit in kg; empty = unknown, never 0 for unknown.",
                max_digits=8,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="component",
            name="airflow",
            field=models.CharField(
                blank=True,
                choices=[
                    ("front_to_back", "Front to back"),
                    ("back_to_front", "Back to front"),
                    ("side_to_side", "Side to side"),
                    ("passive", "Passive"),
                ],
                help_text="Direction air moves through the device; empty = unknown, never passive.",
                max_length=16,
                null=True,
            ),
        ),
        migrations.RemoveConstraint(
            model_name="component", name="catalog_component_weight_kg_gte_0"
        ),
        migrations.AddConstraint(
            model_name="component",
            constraint=models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=0),
                name="catalog_component_weight_kg_gte_0",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
