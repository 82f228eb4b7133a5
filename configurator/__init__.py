"""Project package and the domain app for organisations, sites, builds and quotes."""

# Loading the Celery app here makes @shared_task bind to it in every process.
from .celery import app as celery_app

__all__ = ("celery_app",)
