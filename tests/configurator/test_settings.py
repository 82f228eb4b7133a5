"""Settings come from the environment and refuse insecure production configurations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = "x7Qm2VbN9pLr4TzK8wEy1HcJ6dFs3GaU5oIe0RtYqWnMbVcXzLkJhGfDsAp-_=+9"


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run Python in a fresh process with only our DJANGO_*/REDIS_URL variables set."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "API_THROTTLE_")) and key != "REDIS_URL"
    }
    clean.update(env)
    return subprocess.run(  # noqa: S603 - fixed interpreter, code written in this file
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SETUP = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='configurator.settings'; "


def test_settings_without_secret_outside_debug_refuse_to_start() -> None:
    """No DJANGO_SECRET_KEY and DJANGO_DEBUG=0: start-up fails with ImproperlyConfigured."""
    result = run_python(SETUP + "django.setup()", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_settings_in_debug_run_without_secret() -> None:
    """DJANGO_DEBUG=1 (what `make run` uses) starts with a development key."""
    code = SETUP + "django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = run_python(code, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_settings_check_deploy_is_clean_in_production_mode() -> None:
    """`manage.py check --deploy` reports no issue with DEBUG off and a real secret."""
    code = (
        "import sys; from django.core.management import execute_from_command_line; "
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='configurator.settings'; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'DEBUG'])"
    )
    result = run_python(
        code,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=STRONG_SECRET,
        DJANGO_ALLOWED_HOSTS="example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("redis_url", "expected"),
    [
        ("", "eager=True broker=memory:// cache=LocMemCache"),
        (
            "redis://127.0.0.1:6379/3",
            "eager=False broker=redis://127.0.0.1:6379/3 cache=RedisCache",
        ),
    ],
)
def test_settings_redis_url_selects_broker_and_cache(redis_url: str, expected: str) -> None:
    """REDIS_URL unset runs tasks eagerly on locmem; set, it is broker, backend and cache."""
    code = (
        SETUP + "django.setup(); from django.conf import settings as s; "
        'print(f"eager={s.CELERY_TASK_ALWAYS_EAGER} broker={s.CELERY_BROKER_URL} '
        "cache={s.CACHES['default']['BACKEND'].rsplit('.', 1)[1]}\")"
    )
    result = run_python(code, DJANGO_DEBUG="1", REDIS_URL=redis_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_settings_under_pytest_use_fast_hasher_and_eager_tasks(settings) -> None:
    """The test run hashes passwords with MD5 and runs Celery tasks in-process."""
    assert settings.TESTING is True
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
