"""Import a catalogue sheet (CSV or XLSX), all or nothing.

    python manage.py import_catalog FILE [--format csv|xlsx] [--dry-run]

Every row is validated first; any error (reported as "row N: field: message") leaves the
catalogue untouched. See catalog/importers/tabular.py for the columns and cell formats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.importers.tabular import FORMATS, catalog_import


class Command(BaseCommand):
    help = "Import catalogue components from a CSV or XLSX file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The .csv or .xlsx file.")
        parser.add_argument(
            "--format", choices=FORMATS, help="File format (default: from the file extension)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        fmt = options["format"] or path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError(f"{path}: cannot tell the format; pass --format csv or xlsx.")
        try:
            with path.open("rb") as handle:
                result = catalog_import(handle, fmt, dry_run=options["dry_run"])
        except FileNotFoundError as exc:
            raise CommandError(f"File not found: {path}") from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"{path.name}: {error}")
            raise CommandError(f"{len(result.errors)} error(s) in {path.name}; nothing imported.")
        verb = "would be " if result.dry_run else ""
        if options["verbosity"] >= 2 or result.dry_run:
            for row in result.rows:
                if row.action == "unchanged" and options["verbosity"] < 2:
                    continue
                self.stdout.write(f"row {row.row}: {row.action} {row.manufacturer} {row.sku}")
                for name, (old, new) in row.changes.items():
                    self.stdout.write(f"    {name}: {old!r} -> {new!r}")
        summary = (
            f"{verb}created {result.count('created')}, {verb}updated {result.count('updated')}, "
            f"unchanged {result.count('unchanged')}."
        )
        if result.dry_run:
            self.stdout.write(f"dry run: {summary} Nothing written.")
        else:
            self.stdout.write(self.style.SUCCESS(summary))
