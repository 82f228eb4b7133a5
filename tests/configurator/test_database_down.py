"""A database that cannot be reached answers 503, never a 500 with the DSN or a traceback.

The fault is real: a fresh process whose DATABASE_URL names a database that cannot be
opened (here a SQLite file in a folder that does not exist; on CI also PostgreSQL on a
closed port, tests/integration/test_faults.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.faults.runner import run_probe

SECRETS = ("Traceback", "nonexistent-folder", "unable to open", "OperationalError", 'File "')


def assert_all_503(results: dict[str, Any], *secrets: str) -> None:
    """Every probe answered 503: JSON envelope on the API, a plain page elsewhere."""
    for name, result in results.items():
        assert result["status"] == 503, (name, result)
        for secret in (*SECRETS, *secrets):
            assert secret not in result["body"], (name, secret, result["body"][:500])
        if "/api/" in name:
            assert result["content_type"] == "application/json", (name, result)
            assert '"code": "service_unavailable"' in result["body"].replace('":"', '": "')
        else:
            assert "temporarily unavailable" in result["body"].lower(), (name, result)


@pytest.mark.slow
def test_unreachable_sqlite_database_answers_503_everywhere(tmp_path: Any) -> None:
    """Logged-in pages, the login and the API answer 503 without leaking anything."""
    url = f"sqlite:///{tmp_path}/nonexistent-folder/db.sqlite3"
    assert_all_503(run_probe("tests.faults.db_down_probe", DATABASE_URL=url, REDIS_URL=""))
