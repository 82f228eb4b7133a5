"""Browser tests: Playwright (sync API) driving Debian's headless Chromium against a live server.

Chromium comes from the system package (`apt-get install chromium`, see .ci/run), never from
`playwright install`. Without /usr/bin/chromium or the playwright package these tests skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

# Playwright's sync API runs an asyncio loop in the test thread; Django then refuses ORM calls
# from that thread (SynchronousOnlyOperation) unless told the loop is not ours to protect.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class SerialWSGIServer(WSGIServer):
    """The live server, one request at a time.

    The test database is SQLite in memory, shared with the server thread through one
    connection: two requests at once (an htmx GET while a POST writes) fail with "database
    table is locked". Browsers open several connections; serving them in turn is enough here.
    """

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = SerialWSGIServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
TIMEOUT_MS = 15_000
# Assertions wait as long as actions do: a loaded CI machine is slow, not wrong.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class ConsoleLog:
    """Console errors and CSP violations a page reported, for tests to assert on."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    @property
    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(
    browser: Any, live_server: Any, transactional_db: None, console: ConsoleLog
) -> Iterator[Any]:
    """A fresh browser context (no cookies) at 1280 px, pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("console", lambda m: console.errors.append(m.text) if m.type == "error" else None)
    yield tab
    context.close()


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the form at "/" and land on the dashboard."""
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
