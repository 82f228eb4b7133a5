"""Celery application: configuration comes from Django settings prefixed CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "configurator.settings")

app = Celery("configurator")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's `tasks` module, and the rooms of the configurator app that hold tasks.
app.autodiscover_tasks()
app.autodiscover_tasks(
    [
        "configurator.configure",
        "configurator.documents",
        "configurator.fleet",
        "configurator.handoff",
        "configurator.quotes",
    ]
)


@app.task(name="configurator.tasks.ping")
def ping() -> str:
    """Answer "pong": proves a worker consumes from the broker and returns results."""
    return "pong"
