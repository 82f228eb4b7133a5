from django.apps import AppConfig


class ConfiguratorConfig(AppConfig):
    """Organisations, memberships, API tokens, sites, builds, quotes and their documents."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "configurator"
    verbose_name = "Configurator"

    def ready(self) -> None:
        # Services queue Celery tasks by name and never import a tasks module (the tasks
        # import the services). Importing them here registers every task in every process,
        # web included, so a name always resolves and eager mode runs it in-process.
        import configurator.configure.tasks
        import configurator.documents.tasks
        import configurator.fleet.tasks
        import configurator.handoff.checks
        import configurator.handoff.tasks
        import configurator.quotes.tasks  # noqa: F401
        from configurator.fleet import signals

        # A component saved with other figures is a catalogue change whose impact is judged.
        signals.connect()
