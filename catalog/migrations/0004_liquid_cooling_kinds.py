"""Two kinds for liquid cooling: CDUs and facility water sources (reference 8).

Only the field's choices change, so the database keeps its rows as they are and the
migration reverses by restoring the old choices (no row uses the new kinds before it).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_unknown_weight_airflow_assumed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="component",
            name="kind",
            field=models.CharField(
                choices=[
                    ("rack", "Rack / enclosure"),
                    ("ups", "UPS"),
                    ("battery", "Battery pack"),
                    ("pdu", "PDU"),
                    ("ats", "ATS"),
                    ("cooling", "Cooling unit"),
                    ("fire_suppression", "Fire suppression unit"),
                    ("server", "Server"),
                    ("gpu_server", "GPU server"),
                    ("switch", "Network switch"),
                    ("router", "Router / firewall"),
                    ("storage", "Storage"),
                    ("monitoring", "Monitoring / security device"),
                    ("accessory", "Blanking panel / accessory"),
                    ("bundle", "Bundle"),
                    ("cdu", "Coolant distribution unit (CDU)"),
                    ("facility_water", "Facility water source (dry cooler / chiller)"),
                ],
                max_length=32,
            ),
        ),
    ]
