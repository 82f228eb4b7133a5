"""Import NetBox devicetype-library YAML files or folders into the catalogue.

    python manage.py import_devicetypes PATH... [--kind KIND] [--prefer PATH]... [--dry-run]
                                       [--library-root DIR]

Device types and rack types become components (upserted on manufacturer + SKU); module
types are read as PSU reference data only. Every bad file of the batch is reported, one line
each, and then nothing is written. Two files with the same manufacturer and SKU are an error
unless ``--prefer`` names one of them (or a folder holding it). docs/importing.md explains
the mapping rules.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.importers.netbox import (
    IMPORTABLE_KINDS,
    DeviceTypeErrors,
    DeviceTypeImportResult,
    import_devicetypes,
)


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str | dict) else str(value)
    return text if len(text) <= 120 else text[:117] + "..."


class Command(BaseCommand):
    help = "Import NetBox devicetype-library YAML (device, module and rack types)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="YAML files or folders.")
        parser.add_argument(
            "--kind",
            choices=IMPORTABLE_KINDS,
            help="Import every device type as this kind instead of inferring it.",
        )
        parser.add_argument(
            "--prefer",
            action="append",
            type=Path,
            default=[],
            metavar="PATH",
            help="When two files share a manufacturer and SKU, import the one that is PATH or "
            "lies under PATH and skip the others (repeatable).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change (with per-field diffs) and write nothing.",
        )
        parser.add_argument(
            "--library-root",
            type=Path,
            help="Folder that source_ref paths are relative to (default: the folder holding "
            "device-types/, module-types/ or rack-types/).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            result = import_devicetypes(
                options["paths"],
                library_root=options["library_root"],
                kind=options["kind"],
                prefer=options["prefer"],
                dry_run=options["dry_run"],
            )
        except DeviceTypeErrors as exc:
            if len(exc.errors) == 1:
                raise CommandError(f"{exc}. Nothing was imported.") from exc
            raise CommandError(
                f"{exc}\n{len({e.path for e in exc.errors})} files cannot be imported. "
                "Nothing was imported."
            ) from exc
        self._report(result, verbosity=options["verbosity"])
        elapsed = time.perf_counter() - started
        total = len(result.changes)
        if result.dry_run:
            self.stdout.write(
                f"dry run: would import {total} components in {elapsed:.2f} s; nothing written"
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"imported {total} components in {elapsed:.2f} s"))

    def _report(self, result: DeviceTypeImportResult, *, verbosity: int) -> None:
        verb = "would be " if result.dry_run else ""
        # A dry run lists what would change; -v 2 lists everything, unchanged rows included.
        listed = [
            c
            for c in result.changes
            if verbosity >= 2 or (result.dry_run and c.action != "unchanged")
        ]
        for skip in result.skipped:
            self.stdout.write(
                f"  skipped  {skip.manufacturer} {skip.sku}  <- {skip.path} "
                f"(same SKU as {skip.kept}, chosen by --prefer)"
            )
        for change in listed:
            self.stdout.write(
                f"{change.action:>9}  {change.manufacturer} {change.sku} ({change.kind})"
                f"  <- {change.path}"
            )
            for name, (old, new) in change.changes.items():
                self.stdout.write(f"             {name}: {_show(old)} -> {_show(new)}")
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(result.kinds.items()))
        self.stdout.write(
            f"{result.files_read} files read: {len(result.changes)} components ({kinds}), "
            f"{result.module_types_read} module types read as PSU reference data."
        )
        self.stdout.write(
            f"{verb}created {result.count('created')}, {verb}updated {result.count('updated')}, "
            f"unchanged {result.count('unchanged')}."
        )
        liquid = result.liquid
        if liquid:
            # The NetBox schema has no coolant ports or fields (catalog.importers.netbox_liquid).
            self.stdout.write(
                f"liquid cooling: not in the NetBox schema; {liquid['absent']} IT device types "
                "imported air-cooled (liquid figures absent), "
                f"{liquid['stated']} say liquid-cooled in their text (figures absent, see "
                "comments)."
            )
