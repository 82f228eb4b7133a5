"""Load the demo catalogue (or a JSON catalogue file in the same shape), idempotently.

By default it reads the demo catalogue's YAML data files (``catalog/fixtures/demo/``,
see ``catalog.demo``); ``--file`` names a JSON catalogue file or another folder of data
files. Upserts on the natural keys (manufacturer name; manufacturer name + SKU) in one
transaction: an invalid row aborts the whole load and names the row and the field.
Bundles go last, so their members exist when they are checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from catalog import services
from catalog.choices import ComponentKind, Source
from catalog.demo import DEMO_DIR, DemoCatalogError, load_demo_catalog

SUPPORTED_VERSIONS = {1}
MANUFACTURER_FIELDS = ("website",)
# Keys of a component row that are not model fields handed to the service as they are.
ROW_KEYS = frozenset(
    {"manufacturer", "sku"} | (services.COMPONENT_FIELDS - {"source", "source_ref"})
)


class RowError(Exception):
    """A row of the file is invalid; the message names the row and the field."""


def _format_errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Create or update the demo catalogue from its YAML data files (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=DEMO_DIR,
            help=(
                "Catalogue JSON file, or a folder of YAML data files "
                "(default: catalog/fixtures/demo/)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        data = self._read(path)
        try:
            counts = self._load(data, source_ref=path.name)
        except RowError as exc:
            raise CommandError(f"{path}: {exc} Nothing was changed.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Manufacturers: {counts['m_created']} created, {counts['m_updated']} updated, "
                f"{counts['m_unchanged']} unchanged. "
                f"Components: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged."
            )
        )

    def _read(self, path: Path) -> dict[str, Any]:
        if path.is_dir():
            try:
                return load_demo_catalog(path)
            except DemoCatalogError as exc:
                raise CommandError(f"{path}: {exc}") from exc
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(f"Catalogue file not found: {path}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(data, dict) or data.get("version") not in SUPPORTED_VERSIONS:
            raise CommandError(
                f"{path}: expected an object with version in {sorted(SUPPORTED_VERSIONS)}."
            )
        for key in ("manufacturers", "components"):
            if not isinstance(data.get(key, []), list):
                raise CommandError(f"{path}: {key!r} must be a list.")
        return data

    @transaction.atomic
    def _load(self, data: dict[str, Any], *, source_ref: str) -> dict[str, int]:
        counts = dict.fromkeys(
            ("m_created", "m_updated", "m_unchanged", "created", "updated", "unchanged"), 0
        )
        for index, row in enumerate(data.get("manufacturers", [])):
            name = row.get("name", "") if isinstance(row, dict) else ""
            fields = {key: row[key] for key in MANUFACTURER_FIELDS if key in row}
            try:
                _, created, changed = services.manufacturer_upsert(name=name, **fields)
            except ValidationError as exc:
                raise RowError(
                    f"manufacturers[{index}] ({name!r}): {_format_errors(exc)}."
                ) from exc
            counts["m_created" if created else "m_updated" if changed else "m_unchanged"] += 1

        rows = list(enumerate(data.get("components", [])))
        # Bundles reference other rows of the file by manufacturer + SKU: load them last.
        ordered = [r for r in rows if _kind(r[1]) != ComponentKind.BUNDLE] + [
            r for r in rows if _kind(r[1]) == ComponentKind.BUNDLE
        ]
        for index, row in ordered:
            _, created, changed = self._upsert_component(index, row, source_ref=source_ref)
            counts["created" if created else "updated" if changed else "unchanged"] += 1
        return counts

    def _upsert_component(self, index: int, row: Any, *, source_ref: str) -> tuple[Any, bool, bool]:
        if not isinstance(row, dict):
            raise RowError(f"components[{index}]: must be an object.")
        label = f"components[{index}] ({row.get('manufacturer')!r} / {row.get('sku')!r})"
        unknown = set(row) - ROW_KEYS
        if unknown:
            raise RowError(f"{label}: unknown key(s) {', '.join(sorted(unknown))}.")
        fields = {k: v for k, v in row.items() if k not in {"manufacturer", "sku"}}
        # JSON has no "missing" for a nullable number; an absent key means unknown, not 0
        # (nor passive for airflow). The data files state every figure they assume.
        for nullable in (
            "cost_price",
            "nameplate_w",
            "typical_w",
            "depth_mm",
            "weight_kg",
            "airflow",
        ):
            fields.setdefault(nullable, None)
        fields.setdefault("assumed", [])
        try:
            return services.component_upsert(
                manufacturer_name=str(row.get("manufacturer", "")),
                sku=str(row.get("sku", "")),
                source=Source.SEED,
                source_ref=source_ref,
                **fields,
            )
        except ValidationError as exc:
            raise RowError(f"{label}: {_format_errors(exc)}.") from exc


def _kind(row: Any) -> Any:
    return row.get("kind") if isinstance(row, dict) else None
