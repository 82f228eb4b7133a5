"""Serve a few requests with a database that cannot be reached; print what they answered.

Run as ``python -m tests.faults.db_down_probe`` with DATABASE_URL naming a database nobody
listens for (a closed port, a file in a missing folder): Django starts (it opens no
connection at start-up), then each request meets the real connection error. Prints one
JSON object: path -> {"status", "content_type", "body"}.
"""

from __future__ import annotations

import json
import os

import django


def main() -> None:
    """Sign in, open pages and call the API against the unreachable database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "configurator.settings")
    django.setup()
    from django.test import Client

    client = Client(secure=True, raise_request_exception=False)
    # A session cookie makes every logged-in page look its session up in the database.
    client.cookies["sessionid"] = "s" * 32
    token = {"HTTP_AUTHORIZATION": "Token mdc_" + "x" * 40}
    results = {
        "GET /": client.get("/"),
        "GET /builds/1/": client.get("/builds/1/"),
        "POST /accounts/login/": client.post(
            "/accounts/login/", {"username": "sales", "password": "wrong"}
        ),
        "GET /api/v1/me/ (session)": client.get("/api/v1/me/"),
        "GET /api/v1/sites/ (token)": Client(secure=True, raise_request_exception=False).get(
            "/api/v1/sites/", **token
        ),
    }
    print(
        json.dumps(
            {
                name: {
                    "status": response.status_code,
                    "content_type": response.get("Content-Type", ""),
                    "body": response.content.decode(errors="replace"),
                }
                for name, response in results.items()
            }
        )
    )


if __name__ == "__main__":
    main()
