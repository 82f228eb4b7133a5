"""System check: outside debug, NetBox tokens need NETBOX_TOKEN_KEY (`handoff.E001`)."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from configurator.handoff.crypto import KEY_VARIABLE, require_key_at_start_up


@checks.register(checks.Tags.security, checks.Tags.database)
def netbox_token_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Error when connections exist but no key could decrypt their tokens."""
    if not kwargs.get("databases"):
        return []
    try:
        require_key_at_start_up()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), hint=f"Set {KEY_VARIABLE}.", id="handoff.E001")]
    return []
