"""SQLite, the embedded default, takes concurrent writers without "database is locked"."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.transaction import atomic


def sqlite_connection(path: Path, alias: str) -> Any:
    """A Django SQLite connection to `path` configured as settings configure the default."""
    return DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": dict(getattr(settings, "SQLITE_OPTIONS", {})),
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=alias,
    )


def test_two_workers_editing_at_once_never_see_database_is_locked(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    """Two connections each read then write in a transaction, 25 times, concurrently.

    With deferred transactions both take a read lock, then neither can upgrade it: SQLite
    answers "database is locked" at once, whatever the timeout. Immediate transactions
    (and WAL, and a busy timeout) make the second writer wait its turn instead.
    """
    with django_db_blocker.unblock():
        _two_writers(tmp_path / "db.sqlite3")


def _two_writers(path: Path) -> None:
    setup = sqlite_connection(path, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE build (id INTEGER PRIMARY KEY, revision INTEGER)")
        cursor.execute("INSERT INTO build VALUES (1, 0)")
    setup.close()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def edit(alias: str) -> None:
        # What a server worker does for each edit: a transaction that reads, then writes.
        connection = sqlite_connection(path, alias)
        connections[alias] = connection  # this thread's own connection, as in a worker
        try:
            barrier.wait()
            for _ in range(25):
                with atomic(using=alias), connection.cursor() as cursor:
                    cursor.execute("SELECT revision FROM build WHERE id = 1")
                    revision = cursor.fetchone()[0]
                    time.sleep(0.002)
                    cursor.execute("UPDATE build SET revision = %s WHERE id = 1", [revision + 1])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    check = sqlite_connection(path, "check")
    with check.cursor() as cursor:
        cursor.execute("SELECT revision FROM build WHERE id = 1")
        assert cursor.fetchone()[0] == 50
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    check.close()
