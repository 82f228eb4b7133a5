"""The configurator's ears on the catalogue: a component saved with other figures is a change.

Connected in ConfiguratorConfig.ready. Fixture loading (``raw``) and new components are not
changes. The figures before a save are read in `pre_save` (one query per save of an existing
component) and compared in `post_save` (configurator.fleet.services.changes).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save

from catalog.models import Component
from configurator.fleet.services.changes import component_before, component_change_record

__all__ = ["connect"]

_BEFORE = "_fleet_before"


def _remember_before(sender: Any, instance: Component, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    instance.__dict__[_BEFORE] = component_before(instance.pk)


def _record_change(
    sender: Any, instance: Component, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    if raw or created or before is None:
        return
    component_change_record(component=instance, before=before)


def connect() -> None:
    """Listen to component saves (idempotent: Django keys receivers by dispatch_uid)."""
    pre_save.connect(_remember_before, sender=Component, dispatch_uid="fleet.component.before")
    post_save.connect(_record_change, sender=Component, dispatch_uid="fleet.component.change")
