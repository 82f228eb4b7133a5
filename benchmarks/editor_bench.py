"""What an edit in the build editor costs: an htmx line edit on an 80-line build, over HTTP.

Measures, in one run and on one real server (gunicorn, DEBUG=0, SQLite), the median time and
response size of the editor's line edit (``POST /builds/{id}/lines/{line}/update/``, htmx,
moving a server between two U and back) as the page's own script sends it: the digests of the
regions the page shows, so the server answers only what changed. Beside it, in the same run and
connection pattern, the API's trivial endpoint ``GET /api/v1/me/`` (session auth); and the whole
editor page (``GET /builds/{id}/``) for an 80-line and a 400-line build. Goals: a line edit at
most ``GOAL_EDIT_MS`` median and ``GOAL_EDIT_BYTES``.

How: a throwaway SQLite database and static root in a temp dir are migrated, seeded with the
demo catalogue and collected; a child process (`_prepare`) creates a sales engineer with a
session, and the builds (benchmarks.api_bench.bench_build_lines: racks of 20 lines). The
client then behaves like the browser: it loads the page, lazy-loads each rack card, keeps every
region's digest and updates them from each answer. Nothing touches the project's own database.
Times are wall times seen by the client over loopback keep-alive connections, so they include
HTTP parsing and middleware; the trivial endpoint shows what that floor is. On a shared, loaded
machine wall times mostly measure the wait for a core, so the server worker's own CPU time per
request (from /proc, Linux) is printed too, for the edit and the trivial endpoint alike.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.api_bench import (
    FIRST_SERVER_U,
    ROOT,
    _env,
    _free_port,
    _gunicorn,
    _machine_note,
    _run,
)

GOAL_EDIT_MS = 20.0
GOAL_EDIT_BYTES = 40_000
SIZES = {"80 lines": 4, "400 lines": 20}  # racks of 20 lines
WARMUP = 10
EDITS = 120  # line edits (and /me/ requests, interleaved)
PAGES = 15  # page loads per build size
SERVER_START_TIMEOUT_S = 30.0
FREE_U = 42  # every bench rack leaves U42 free

DIGEST = re.compile(r'<[^>]*\bid="([^"]+)"[^>]*\bdata-digest="([^"]*)"')
OOB_DELETE = re.compile(r'<tr id="(row-[^"]+)" hx-swap-oob="delete"')
REVISION = re.compile(r'id="editor-summary"[^>]*data-revision="(\d+)"')
LAZY_CARD = re.compile(r'id="rack-(L\d+)"[^>]*hx-get="([^"]+)"', re.S)


# --------------------------------------------------------------------------- child process


def _prepare(out: Path) -> None:
    """Child process entry: the user, a session, and one build per size; writes JSON to `out`."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "configurator.settings")
    import django

    django.setup()

    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from benchmarks.api_bench import bench_build_lines
    from configurator.builds.models import BuildLine
    from configurator.builds.services import builds as build_services
    from configurator.builds.services import sites as site_services
    from configurator.tenancy.models import Membership, Organisation

    organisation = Organisation.objects.create(
        name="Bench Integrations", slug="bench", kind=Organisation.Kind.SELLER
    )
    user = get_user_model().objects.create_user(username="bench-editor", password=None)
    Membership.objects.create(
        user=user, organisation=organisation, role=Membership.Role.SALES_ENGINEER
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend a password sign-in records (axes, listed first, only refuses lockouts).
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    builds = {}
    for label, racks in SIZES.items():
        site = site_services.site_create(
            organisation=organisation,
            name=f"Bench room, {label}",
            country="DE",
            supply_phases=3,
            supply_breaker_a=250,
            ambient_min_c=18,
            ambient_max_c=27,
        )
        build = build_services.build_create(site=site, name=f"Bench {label}", user=user)
        bench_build_lines(build, racks)
        server = (
            BuildLine.objects.filter(build=build, position_u=FIRST_SERVER_U)
            .order_by("sort_order")
            .first()
        )
        assert server is not None
        builds[label] = {
            "id": build.pk,
            "lines": build.lines.count(),
            "server": server.pk,
            "rack": server.rack_id,
        }
    out.write_text(json.dumps({"session": session.session_key, "builds": builds}))


# --------------------------------------------------------------------------- the client


class Browser:
    """One keep-alive connection with the session cookie, the CSRF token and what the editor
    page shows (region digests, rows in order, revision), updated from every answer."""

    def __init__(self, port: int, session: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {"sessionid": session}
        self.csrf = ""
        self.regions: dict[str, str] = {}
        self.rows: dict[str, str] = {}
        self.revision = 0

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if method == "POST":
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": self.csrf,
                    "HX-Request": "true",
                }
            )
            data = urlencode(body or {})
        elif body:
            path += "?" + urlencode(body)
        start = time.perf_counter()
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200:
            raise SystemExit(f"editor bench: {method} {path} answered {response.status}")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.cookies["csrftoken"] = self.csrf = value.split(";", 1)[0].split("=", 1)[1]
        return elapsed, content.decode()

    def absorb(self, html: str) -> None:
        """What the page shows after this answer (its regions' digests, rows, revision)."""
        for region, value in DIGEST.findall(html):
            (self.rows if region.startswith("row-") else self.regions)[region] = value
        for row in OOB_DELETE.findall(html):
            self.rows.pop(row, None)
        found = REVISION.search(html)
        if found:
            self.revision = int(found.group(1))

    def open_editor(self, build: int) -> tuple[float, int]:
        """Load the editor page and its lazy rack cards; the page's own time and size."""
        self.regions, self.rows = {}, {}
        elapsed, html = self.request("GET", f"/builds/{build}/")
        self.absorb(html)
        for rack, lazy in LAZY_CARD.findall(html):
            _, card = self.request("GET", lazy.replace("&amp;", "&"))
            self.absorb(card)
            assert f"rack-{rack}" in self.regions
        return elapsed, len(html)

    def form(self, **fields: str) -> dict[str, str]:
        """A write as editor.js sends it: the fields, revision, shown regions and rows."""
        return {
            **fields,
            "revision": str(self.revision),
            "shown": ",".join(f"{k}:{v}" for k, v in self.regions.items()),
            "rows": ",".join(f"{k}:{v}" for k, v in self.rows.items()),
        }


def _wait(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"editor bench: gunicorn exited:\n{log.read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("editor bench: gunicorn did not answer in time")


def _worker_cpu_s(master: int) -> float | None:
    """CPU seconds (user + system) the gunicorn worker (the master's child) has used."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        fields = Path(f"/proc/{children[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def _measure(port: int, prepared: dict[str, Any], master: int) -> dict[str, Any]:
    browser = Browser(port, prepared["session"])
    browser.request("GET", "/")  # the CSRF cookie
    pages: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    for label, build in prepared["builds"].items():
        times = []
        for n in range(PAGES + 2):
            elapsed, size = browser.open_editor(build["id"])
            if n >= 2:
                times.append(elapsed)
            sizes[label] = size
        pages[label] = times

    edit = prepared["builds"]["80 lines"]
    path = f"/builds/{edit['id']}/lines/{edit['server']}/update/"
    browser.open_editor(edit["id"])
    # The server's panel is open, as after clicking it in the rack.
    selected = f"L{edit['server']}"
    _, panel = browser.request(
        "GET", f"/builds/{edit['id']}/lines/{edit['server']}/", {"shown": ""}
    )
    browser.absorb(panel)
    me = Browser(port, prepared["session"])
    edits: list[float] = []
    me_times: list[float] = []
    edit_sizes: list[int] = []
    for n in range(WARMUP + EDITS):
        where = FREE_U if n % 2 == 0 else FIRST_SERVER_U
        body = browser.form(position=f"L{edit['rack']}@{where}", face="front", selected=selected)
        elapsed, html = browser.request("POST", path, body)
        if "Saved" not in html:
            raise SystemExit(f"editor bench: the edit was refused:\n{html[:500]}")
        browser.absorb(html)
        me_elapsed, _ = me.request("GET", "/api/v1/me/")
        if n >= WARMUP:
            edits.append(elapsed)
            me_times.append(me_elapsed)
            edit_sizes.append(len(html.encode()))
    # CPU of the worker per request: a run of edits, then a run of /me/, each alone.
    cpu: dict[str, float | None] = {}
    for name in ("edit", "me"):
        before = _worker_cpu_s(master)
        for n in range(EDITS):
            if name == "me":
                me.request("GET", "/api/v1/me/")
                continue
            where = FREE_U if n % 2 == 0 else FIRST_SERVER_U
            body = browser.form(
                position=f"L{edit['rack']}@{where}", face="front", selected=selected
            )
            browser.absorb(browser.request("POST", path, body)[1])
        after = _worker_cpu_s(master)
        cpu[name] = None if before is None or after is None else (after - before) / EDITS
    return {
        "pages": pages,
        "page_sizes": sizes,
        "edits": edits,
        "edit_sizes": edit_sizes,
        "me": me_times,
        "cpu": cpu,
    }


def main() -> None:
    """Set up the throwaway database and server, measure, print the table."""
    print(_machine_note() + " (noisy machine: compare with the trivial endpoint)")
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="editor-bench-"))
    try:
        env = _env(tmp)
        env["DJANGO_STATIC_ROOT"] = str(tmp / "static")
        _run(env, "manage.py", "migrate", "--noinput")
        _run(env, "manage.py", "seed_catalog")
        _run(env, "manage.py", "collectstatic", "--noinput")
        result_file = tmp / "prepared.json"
        _run(
            env,
            "-c",
            "import sys; from pathlib import Path; "
            "from benchmarks.editor_bench import _prepare; _prepare(Path(sys.argv[1]))",
            str(result_file),
        )
        prepared = json.loads(result_file.read_text())
        setup_s = time.perf_counter() - began
        port = _free_port()
        log = tmp / "gunicorn.log"
        command = [
            _gunicorn(),
            "configurator.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "-k",
            "gthread",
            "--threads",
            "1",
            "--keep-alive",
            "30",
            "--error-logfile",
            str(log),
        ]
        with log.open("wb") as log_file:
            server = subprocess.Popen(  # noqa: S603 - fixed arguments
                command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
        try:
            _wait(port, server, log)
            measured = _measure(port, prepared, server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def ms(values: list[float]) -> str:
        return (
            f"median {statistics.median(values) * 1e3:7.2f} ms, "
            f"p90 {statistics.quantiles(values, n=10)[-1] * 1e3:7.2f} ms, "
            f"min {min(values) * 1e3:7.2f} ms"
        )

    edit_ms = statistics.median(measured["edits"]) * 1e3
    edit_bytes = statistics.median(measured["edit_sizes"])
    print(f"server: gunicorn -w 1 -k gthread --threads 1, SQLite, DEBUG=0; setup {setup_s:.1f} s")
    print()
    print(f"line edit, 80 lines, htmx ({EDITS} moves):  {ms(measured['edits'])}")
    print(f"  response: median {edit_bytes:,.0f} bytes (max {max(measured['edit_sizes']):,})")
    print(f"GET /api/v1/me/ (same run, interleaved): {ms(measured['me'])}")
    cpu = measured["cpu"]
    if cpu["edit"] is not None and cpu["me"] is not None:
        print(
            f"server worker CPU per request ({EDITS} each, alone): line edit "
            f"{cpu['edit'] * 1e3:.1f} ms, GET /api/v1/me/ {cpu['me'] * 1e3:.1f} ms "
            "(clock ticks of 10 ms, averaged)"
        )
    for label, times in measured["pages"].items():
        size = measured["page_sizes"][label]
        print(f"editor page, {label:<9} ({PAGES} loads): {ms(times)}, {size:,} bytes")
    print()
    cpu_ms = None if cpu["edit"] is None else cpu["edit"] * 1e3
    time_ok = "meets" if edit_ms <= GOAL_EDIT_MS else "MISSES"
    if cpu_ms is not None:
        time_ok += f" on wall time; {'meets' if cpu_ms <= GOAL_EDIT_MS else 'MISSES'} on CPU"
    size_ok = "meets" if edit_bytes <= GOAL_EDIT_BYTES else "MISSES"
    print(
        f"goal line edit <= {GOAL_EDIT_MS:g} ms median: {time_ok}; "
        f"<= {GOAL_EDIT_BYTES:,} bytes: {size_ok}"
    )
    print(_machine_note() + f" (after the run, {time.perf_counter() - began:.0f} s in all)")


if __name__ == "__main__":
    main()
