from django.apps import AppConfig


class ConfiguratorConfig(AppConfig):
    """Organisations, memberships, API tokens, and later sites, builds and quotes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "configurator"
    verbose_name = "Configurator"
