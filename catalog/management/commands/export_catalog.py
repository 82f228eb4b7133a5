"""Export the whole catalogue (cost prices included) as CSV or XLSX.

    python manage.py export_catalog [--format csv|xlsx] [-o FILE]

Without ``-o`` a CSV goes to standard output; an XLSX is binary and needs ``-o``. The
output re-imports unchanged with ``import_catalog``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.importers.tabular import FORMATS, catalog_export


class Command(BaseCommand):
    help = "Export the catalogue as CSV or XLSX (one row per component, cost price included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format", choices=FORMATS, help="Output format (default: from -o, else csv)."
        )
        parser.add_argument("-o", "--output", type=Path, help="Write to this file.")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path | None = options["output"]
        fmt = options["format"]
        if fmt is None:
            suffix = output.suffix.lower().lstrip(".") if output else ""
            fmt = suffix if suffix in FORMATS else "csv"
        if output is None and fmt == "xlsx":
            raise CommandError("XLSX is a binary format: give a file with -o FILE.")
        data = catalog_export(fmt)
        if output is None:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
            return
        output.write_bytes(data)
        self.stderr.write(f"wrote {len(data)} bytes to {output}")
