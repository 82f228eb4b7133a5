"""A build line names the CDU or facility water line whose liquid loop it is on (reference 8).

A nullable self-reference like the feeds: existing lines get none (air-cooled, as before), and
the migration reverses by dropping the column.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("configurator", "0005_site_humidity_room_cooling"),
    ]

    operations = [
        migrations.AddField(
            model_name="buildline",
            name="coolant_from",
            field=models.ForeignKey(
                blank=True,
                help_text="For a cold-plate node, a CDU or a rear door: the CDU or facility water line whose loop it is on.",
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="coolant_lines",
                to="configurator.buildline",
            ),
        ),
    ]
