"""Create the "Catalogue managers" group with every catalogue model permission.

Permissions are normally created after migrate (post_migrate), so on a fresh database they
do not exist yet when this runs: create them here with get_or_create, the same rows
post_migrate would make, which then finds them and leaves them alone.
"""

from django.db import migrations

GROUP_NAME = "Catalogue managers"
MODELS = {"manufacturer": "manufacturer", "component": "component"}
ACTIONS = ("add", "change", "delete", "view")


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    db = schema_editor.connection.alias

    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    permissions = []
    for model, verbose_name in MODELS.items():
        content_type, _ = ContentType.objects.using(db).get_or_create(
            app_label="catalog", model=model
        )
        for action in ACTIONS:
            permission, _ = Permission.objects.using(db).get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose_name}"},
            )
            permissions.append(permission)
    group.permissions.add(*permissions)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    # The permissions belong to the models (post_migrate manages them); only the group goes.
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
