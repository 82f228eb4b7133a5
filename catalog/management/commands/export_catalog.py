"""Export the whole catalogue (cost prices included) as CSV, XLSX or the solver's JSON.

    python manage.py export_catalog [--format csv|xlsx|solver] [-o FILE] [--without-cost]

Without ``-o`` a CSV or the solver's JSON goes to standard output; an XLSX is binary and needs
``-o``. CSV and XLSX re-import unchanged with ``import_catalog``. ``--format solver`` writes the
``--catalog`` file of ``python -m rules configure`` (``rules.solver.catalog``), each component's
ref being ``manufacturer:sku``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.importers.tabular import FORMATS, catalog_export
from catalog.selectors import solver_catalog

SOLVER = "solver"


class Command(BaseCommand):
    help = (
        "Export the catalogue as CSV or XLSX (one row per component, cost price included), or "
        "as the solver's JSON catalogue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format",
            choices=(*FORMATS, SOLVER),
            help="Output format (default: from -o, else csv).",
        )
        parser.add_argument("-o", "--output", type=Path, help="Write to this file.")
        parser.add_argument(
            "--without-cost",
            action="store_true",
            help="Solver format only: leave cost prices out (a catalogue to hand to others).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path | None = options["output"]
        fmt = options["format"]
        if fmt is None:
            suffix = output.suffix.lower().lstrip(".") if output else ""
            fmt = suffix if suffix in FORMATS else "csv"
        if output is None and fmt == "xlsx":
            raise CommandError("XLSX is a binary format: give a file with -o FILE.")
        if fmt == SOLVER:
            catalog = solver_catalog(with_cost=not options["without_cost"], by_key=True)
            entries = [e.model_dump(mode="json", exclude_defaults=True) for e in catalog.entries]
            data = (json.dumps(entries, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        else:
            data = catalog_export(fmt)
        if output is None:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
            return
        output.write_bytes(data)
        self.stderr.write(f"wrote {len(data)} bytes to {output}")
