"""Hand an approved build off to NetBox from the command line (see docs/netbox-handoff.md).

    manage.py netbox_handoff connection-set --organisation demo --name ops --url URL \\
        [--token-env VAR] [--create-manufacturers] [--no-verify-tls]     (token read from stdin
                                                                          without --token-env)
    manage.py netbox_handoff connection-test --organisation demo --name ops
    manage.py netbox_handoff dry-run BUILD --connection ops [--json]
    manage.py netbox_handoff push BUILD --connection ops [--no-wait]
    manage.py netbox_handoff export BUILD -o build.zip
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from configurator.builds.models import Build
from configurator.errors import DomainError
from configurator.handoff import services
from configurator.handoff.export import export_zip
from configurator.handoff.mapping import map_build
from configurator.handoff.models import NetBoxConnection, NetBoxPush
from configurator.handoff.plan import Plan
from configurator.handoff.selectors import build_handoff_input, connections_for_build
from configurator.tenancy.models import Organisation


class Command(BaseCommand):
    help = "NetBox hand-off: set and test connections, dry-run, push or export a build."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        conn = actions.add_parser("connection-set", help="Create or change a connection.")
        conn.add_argument("--organisation", required=True, help="Organisation slug.")
        conn.add_argument("--name", required=True)
        conn.add_argument("--url", required=True, help="NetBox base URL.")
        conn.add_argument(
            "--token-env", help="Read the token from this environment variable (else stdin)."
        )
        conn.add_argument("--create-manufacturers", action="store_true")
        conn.add_argument("--no-verify-tls", action="store_true")
        conn.add_argument(
            "--no-branching", action="store_true", help="Never write through NetBox Branching."
        )
        test = actions.add_parser("connection-test", help="Reach NetBox with the stored token.")
        test.add_argument("--organisation", required=True)
        test.add_argument("--name", required=True)
        for name, text in (
            ("dry-run", "What a push would do, per object."),
            ("push", "Push the build (a Celery job) and wait for it."),
        ):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("build", type=int, help="Build id.")
            sub.add_argument("--connection", required=True, help="Connection name or id.")
            if name == "dry-run":
                sub.add_argument("--json", action="store_true", help="The whole plan as JSON.")
            else:
                sub.add_argument("--no-wait", action="store_true", help="Queue and return.")
        export = actions.add_parser("export", help="NetBox import files (zip of YAML).")
        export.add_argument("build", type=int)
        export.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        try:
            getattr(self, action)(**options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    # ------------------------------------------------------------------ helpers

    def _organisation(self, slug: str) -> Organisation:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"No organisation {slug!r}.")
        return organisation

    def _build(self, pk: int) -> Build:
        build = Build.objects.select_related("site__organisation").filter(pk=pk).first()
        if build is None:
            raise CommandError(f"No build {pk}.")
        return build

    def _connection(self, build: Build, name: str) -> NetBoxConnection:
        connections = connections_for_build(build)
        found = (
            connections.filter(pk=int(name)).first()
            if name.isdigit()
            else connections.filter(name=name).first()
        )
        if found is None:
            raise CommandError(
                f"No connection {name!r} for build {build.pk}'s organisation or its seller."
            )
        return found

    # ------------------------------------------------------------------ actions

    def connection_set(self, **options: Any) -> None:
        organisation = self._organisation(options["organisation"])
        if options["token_env"]:
            token = os.environ.get(options["token_env"], "")
            if not token:
                raise CommandError(f"${options['token_env']} is empty.")
        else:
            token = sys.stdin.readline().strip()
        fields = {
            "url": options["url"],
            "verify_tls": not options["no_verify_tls"],
            "create_manufacturers": options["create_manufacturers"],
            "use_branching": not options["no_branching"],
        }
        existing = NetBoxConnection.objects.filter(
            organisation=organisation, name=options["name"]
        ).first()
        if existing is None:
            connection = services.connection_create(
                organisation=organisation, name=options["name"], token=token, **fields
            )
            self.stdout.write(f"Created connection {connection.pk} {connection}.")
        else:
            connection = services.connection_update(connection=existing, token=token, **fields)
            self.stdout.write(f"Updated connection {connection.pk} {connection}.")

    def connection_test(self, **options: Any) -> None:
        organisation = self._organisation(options["organisation"])
        connection = NetBoxConnection.objects.filter(
            organisation=organisation, name=options["name"]
        ).first()
        if connection is None:
            raise CommandError(f"No connection {options['name']!r} of {organisation.slug}.")
        result = services.connection_test(connection=connection)
        if not result.ok:
            raise CommandError(result.message)
        branching = " NetBox Branching is installed." if result.branching else ""
        self.stdout.write(f"{result.message}{branching} ({result.seconds:.2f} s)")

    def dry_run(self, **options: Any) -> None:
        build = self._build(options["build"])
        plan = services.handoff_dry_run(
            build=build, connection=self._connection(build, options["connection"])
        )
        if options["json"]:
            self.stdout.write(json.dumps(plan.as_dict(), indent=1, default=str))
            return
        self._print_plan(plan)

    def _print_plan(self, plan: Plan) -> None:
        for step in plan.steps:
            if step.action == "unchanged":
                continue
            self.stdout.write(f"{step.action:>13}  {step.label}")
            for field, (old, new) in step.changes.items():
                self.stdout.write(f"{'':>15}{field}: {old!r} -> {new!r}")
        for problem in plan.problems:
            self.stdout.write(self.style.ERROR(f"blocked: {problem}"))
        for note in plan.notes:
            self.stdout.write(f"not in NetBox: {note}")
        counts = ", ".join(f"{n} {action}" for action, n in plan.counts.items())
        self.stdout.write(f"NetBox {plan.netbox_version}: {counts} ({plan.seconds:.2f} s)")

    def push(self, **options: Any) -> None:
        build = self._build(options["build"])
        push = services.push_request(
            build=build, connection=self._connection(build, options["connection"])
        )
        self.stdout.write(f"Push {push.pk} of build {build.pk} revision {push.build_revision}.")
        if options["no_wait"]:
            return
        while True:
            push = NetBoxPush.objects.get(pk=push.pk)
            if push.is_finished:
                break
            self.stdout.write(f"  {push.status}: {push.progress_done}/{push.progress_total}")
            time.sleep(1)
        for line in push.log:
            self.stdout.write(f"  {line['at']} {line['level']}: {line['message']}")
        if push.status == NetBoxPush.Status.FAILED:
            raise CommandError(f"{push.error}\n{push.advice}")
        self.stdout.write(f"Pushed in {push.seconds:.2f} s: {push.counts}")

    def export(self, **options: Any) -> None:
        build = self._build(options["build"])
        if build.status != Build.Status.APPROVED:
            raise CommandError("Only an approved build is handed off; approve it first.")
        mapping = map_build(build_handoff_input(build, create_manufacturers=True))
        options["output"].write_bytes(
            export_zip(mapping, build_name=build.name, revision=build.revision)
        )
        self.stdout.write(f"Wrote {options['output']}.")
