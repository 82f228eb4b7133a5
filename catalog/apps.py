from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """The component catalogue app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = "Catalogue"
