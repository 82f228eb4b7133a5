"""WSGI entry point (gunicorn configurator.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "configurator.settings")

application = get_wsgi_application()

# Outside debug, refuse to serve while NetBox tokens exist that no key could read.
from configurator.handoff.crypto import require_key_at_start_up  # noqa: E402

require_key_at_start_up()
