"""Import NetBox devicetype-library YAML (device, module and rack types) into the catalogue.

The NetBox schema describes ports and shapes, not engineering ratings, so the mapping has to
decide what each figure means. The rules, in short (docs/importing.md has the long form):

* Identity: ``manufacturer``; ``model`` -> ``model_name``; ``part_number`` -> ``sku`` (else
  ``model``, else ``slug``). Re-imports upsert on (manufacturer, SKU). Commercial fields
  (prices, currency, lead time, lifecycle, datasheet URL) are never written, except
  ``list_price = 0`` (unpriced) when a component is created.
* Physical: ``u_height`` (int, float or "2.0"; 0 and halves allowed); ``is_full_depth``
  (NetBox default true when absent); ``weight`` in kg/g/lb/oz -> kg; airflow front-to-rear ->
  front_to_back, rear-to-front -> back_to_front, left-to-right / right-to-left / side-to-rear
  / rear-to-side -> side_to_side, passive -> passive. Unknown is not zero: a missing (or 0)
  weight and a missing or unmappable airflow (``mixed``) are unknown, never 0 kg or passive;
  they are not sent, so a figure entered by hand survives a re-import.
* Kind: ``--kind`` wins; otherwise the first matching rule of ``KIND_RULES`` (see
  ``infer_kind``): server families are servers whatever their text says, a model ending in
  ATS or a two-inlet PDU described as a transfer is an ATS, NVRs/DVRs are monitoring. Rack
  types are always ``rack``; module types are never imported.
* Draw of IT devices (``power-ports``): two or more ports that all state the same
  ``maximum_draw`` / ``allocated_draw`` are redundant supplies (feeds A/B): nameplate = one
  port's ``maximum_draw``, typical = one port's ``allocated_draw``, ``psu_count`` = ports,
  ``redundant_psus`` = true, ``psu_rating_w`` = that figure. Otherwise the ports are additive:
  the figures are summed and ``redundant_psus`` is false. DC ports -> ``psu_connector = "dc"``.
* Devices without power ports but with PSU module bays (PSU-1, PSU Bay 2, ...): ``psu_count``
  = bays, power stays unknown (None). ``psu_rating_w`` comes from a module type of the same
  manufacturer only when the device text names its part number or model; a PSU rating is
  not a draw, so nameplate/typical stay None. Unknown power is never stored as 0 W.
* UPS, PDU, ATS: an inlet ``maximum_draw`` is an input rating, so it is never the nameplate.
  Their specs are parsed from the text (kVA, amps, volts, outlets). Never better than the
  data: an assumed UPS kW stays within the inlet's maximum_draw, the topology is unknown
  unless stated, a voltage comes from the text, the plug, then the outlets. Every figure that
  had to be assumed is listed in ``assumed`` ({field, value, why}) and in ``comments``.
* Liquid cooling: the schema has no coolant ports or fields, so none is inferred; IT devices
  are imported air-cooled (liquid figures absent, counted in the report), and liquid words in
  their text or liquid-named keys outside the schema are noted (``netbox_liquid``).
* Rack types: ``u`` = u_height, width/depth from ``outer_*`` (inches converted), usable depth
  = ``mounting_depth``, static load = ``max_weight``; without it a load stated in the
  description ("load rating 800 kg") is used. What the file does not give comes from the form
  factor (wall cabinet or floor rack: ``rack_defaults``) and is listed as assumed.

Everything is parsed and mapped before the database is touched. Every bad file is reported
(``<path>: <field>: <message>``, one line each): a folder without YAML, a file that is not
YAML, a file that cannot be read, mapped or validated, and two files with the same
manufacturer and SKU (``prefer`` picks one). Then nothing is written: the writes happen in
one transaction.

This module walks the library and writes the catalogue; the mapping lives beside it:
``netbox_read`` (YAML, fields, units), ``netbox_kinds`` (kind rules), ``netbox_power`` (PSU
bays, power ports, electrical figures in the text), ``netbox_drafts`` (drafts, notes, assumed
figures), ``netbox_specs`` (device types, spec per kind) and ``netbox_racks`` (rack types).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.importers.netbox_drafts import SOURCE_NETBOX, ComponentDraft
from catalog.importers.netbox_kinds import infer_kind
from catalog.importers.netbox_power import ModuleTypeInfo, module_type_info
from catalog.importers.netbox_racks import map_rack_type
from catalog.importers.netbox_read import DeviceTypeError, DeviceTypeErrors, load_yaml
from catalog.importers.netbox_specs import IMPORTABLE_KINDS, map_device_type
from catalog.models import Component
from catalog.services import component_upsert

__all__ = [
    "IMPORTABLE_KINDS",
    "ComponentChange",
    "ComponentDraft",
    "DeviceTypeError",
    "DeviceTypeErrors",
    "DeviceTypeImportResult",
    "LibraryParse",
    "ModuleTypeInfo",
    "SkippedDuplicate",
    "import_devicetypes",
    "infer_kind",
    "map_device_type",
    "map_rack_type",
    "parse_library",
]

LIBRARY_FOLDERS = ("device-types", "module-types", "rack-types")
YAML_SUFFIXES = (".yaml", ".yml")


# --------------------------------------------------------------------------- the library


@dataclass(frozen=True)
class SkippedDuplicate:
    """A file left out because another file with the same SKU was preferred (``--prefer``)."""

    path: str
    kept: str
    manufacturer: str
    sku: str


@dataclass
class LibraryParse:
    """Everything read from the given paths, mapped and ready to upsert, and what was wrong."""

    drafts: list[ComponentDraft]
    module_types: list[ModuleTypeInfo]
    files: int
    errors: list[DeviceTypeError] = field(default_factory=list)
    skipped: list[SkippedDuplicate] = field(default_factory=list)


def _yaml_files(paths: Iterable[Path]) -> tuple[list[Path], list[DeviceTypeError]]:
    found: list[Path] = []
    errors: list[DeviceTypeError] = []
    for path in paths:
        if path.is_dir():
            in_folder = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in YAML_SUFFIXES
            )
            if not in_folder:
                errors.append(
                    DeviceTypeError(str(path), "", "no YAML files (*.yaml, *.yml) in this folder")
                )
            found += in_folder
        elif path.is_file():
            if path.suffix.lower() not in YAML_SUFFIXES:
                errors.append(
                    DeviceTypeError(str(path), "", "not a YAML file; expected *.yaml or *.yml")
                )
                continue
            found.append(path)
        else:
            errors.append(DeviceTypeError(str(path), "", "no such file or directory"))
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values()), errors


def _folder_type(path: Path) -> str | None:
    for parent in path.resolve().parents:
        if parent.name in LIBRARY_FOLDERS:
            return parent.name
    return None


def _relative_ref(path: Path, root: Path | None, given: Sequence[Path]) -> str:
    resolved = path.resolve()
    candidates: list[Path] = []
    if root is not None:
        candidates.append(root.resolve())
    # Default root: the folder holding device-types/, module-types/ or rack-types/.
    candidates += [p.parent for p in resolved.parents if p.name in LIBRARY_FOLDERS]
    candidates += [g.resolve() if g.is_dir() else g.resolve().parent for g in given]
    for base in candidates:
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return path.as_posix()


def _file_type(data: Mapping[str, Any], path: Path) -> str:
    folder = _folder_type(path)
    if folder:
        return folder
    if "form_factor" in data or "max_weight" in data or "outer_width" in data:
        return "rack-types"
    if "slug" not in data and "u_height" not in data:
        return "module-types"
    return "device-types"


def _preferred(file: Path, prefer: Sequence[Path]) -> bool:
    """The file is one of the --prefer paths or lies under one of them."""
    resolved = file.resolve()
    return any(resolved == p or (p.is_dir() and resolved.is_relative_to(p)) for p in prefer)


def _resolve_duplicates(
    drafts: list[tuple[ComponentDraft, Path]], prefer: Sequence[Path]
) -> tuple[list[ComponentDraft], list[SkippedDuplicate], list[DeviceTypeError]]:
    """One draft per (manufacturer, SKU): the preferred file's, else an error naming all."""
    groups: dict[tuple[str, str], list[tuple[ComponentDraft, Path]]] = {}
    for draft, file in drafts:
        groups.setdefault((draft.manufacturer, draft.sku), []).append((draft, file))
    kept: list[ComponentDraft] = []
    skipped: list[SkippedDuplicate] = []
    errors: list[DeviceTypeError] = []
    for (manufacturer, sku), group in groups.items():
        if len(group) == 1:
            kept.append(group[0][0])
            continue
        chosen = [draft for draft, file in group if _preferred(file, prefer)]
        if len(chosen) == 1:
            kept.append(chosen[0])
            skipped += [
                SkippedDuplicate(draft.path, chosen[0].path, manufacturer, sku)
                for draft, _ in group
                if draft is not chosen[0]
            ]
            continue
        paths = [draft.path for draft, _ in group]
        why = (
            "and --prefer matches more than one of them"
            if chosen
            else "; choose one with --prefer PATH (that file, or a folder holding it)"
        )
        errors.append(
            DeviceTypeError(
                paths[0],
                "part_number",
                f"SKU {sku!r} of {manufacturer} is also in {', '.join(paths[1:])}{why}",
            )
        )
    return kept, skipped, errors


def parse_library(
    paths: Sequence[Path | str],
    *,
    library_root: Path | str | None = None,
    kind: str | None = None,
    prefer: Sequence[Path | str] = (),
    raise_errors: bool = True,
) -> LibraryParse:
    """Read and map every YAML file under ``paths`` (no database); module types first.

    Every bad file is collected: a folder without YAML files, a file that is not YAML, a file
    that cannot be read or mapped, and two files with one manufacturer and SKU (unless
    ``prefer`` picks one: a file, or a folder holding it). With ``raise_errors`` (the default)
    they are raised together as ``DeviceTypeErrors``; otherwise they come back in ``errors``
    beside the drafts of the good files.
    """
    given = [Path(p) for p in paths]
    root = Path(library_root) if library_root else None
    files, errors = _yaml_files(given)
    preferred = [Path(p) for p in prefer]
    for path in preferred:
        if not path.exists():
            errors.append(DeviceTypeError(str(path), "--prefer", "no such file or directory"))
    preferred = [p.resolve() for p in preferred]
    loaded: list[tuple[str, str, dict[str, Any], Path]] = []
    for path in files:
        ref = _relative_ref(path, root, given)
        try:
            data = load_yaml(path, ref)
        except DeviceTypeError as exc:
            errors.append(exc)
            continue
        loaded.append((ref, _file_type(data, path), data, path))

    modules: list[ModuleTypeInfo] = []
    for ref, file_type, data, _ in loaded:
        if file_type == "module-types":
            try:
                modules.append(module_type_info(data, ref))
            except DeviceTypeError as exc:
                errors.append(exc)
    mapped: list[tuple[ComponentDraft, Path]] = []
    for ref, file_type, data, path in loaded:
        if file_type == "module-types":
            continue
        try:
            if file_type == "rack-types":
                draft = map_rack_type(data, ref)
            else:
                draft = map_device_type(data, ref, module_types=modules, kind=kind)
        except DeviceTypeError as exc:
            errors.append(exc)
            continue
        mapped.append((draft, path))
    drafts, skipped, duplicate_errors = _resolve_duplicates(mapped, preferred)
    errors += duplicate_errors
    parse = LibraryParse(drafts, modules, len(files), errors, skipped)
    if errors and raise_errors:
        raise DeviceTypeErrors(errors)
    return parse


# --------------------------------------------------------------------------- database


@dataclass(frozen=True)
class ComponentChange:
    """What an import did (or, in a dry run, would do) to one component."""

    path: str
    manufacturer: str
    sku: str
    kind: str
    action: str  # "created", "updated" or "unchanged"
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    liquid: str = ""  # IT kinds: "absent" or "stated" (catalog.importers.netbox_liquid)


@dataclass
class DeviceTypeImportResult:
    """The outcome of an import: one entry per component, plus what was read."""

    changes: list[ComponentChange]
    module_types_read: int
    files_read: int
    dry_run: bool
    seconds: float = 0.0
    skipped: list[SkippedDuplicate] = field(default_factory=list)

    def count(self, action: str) -> int:
        """How many components got this action."""
        return sum(1 for change in self.changes if change.action == action)

    @property
    def kinds(self) -> Counter[str]:
        """Components per kind."""
        return Counter(change.kind for change in self.changes)

    @property
    def liquid(self) -> Counter[str]:
        """IT components by what the library says of their liquid cooling (absent, stated)."""
        return Counter(change.liquid for change in self.changes if change.liquid)


def _validation_message(ref: str, exc: ValidationError) -> DeviceTypeError:
    if hasattr(exc, "error_dict"):
        fields = sorted(exc.message_dict)
        detail = "; ".join(f"{f}: {' '.join(exc.message_dict[f])}" for f in fields)
        return DeviceTypeError(ref, "", detail)
    return DeviceTypeError(ref, "", " ".join(exc.messages))


def import_devicetypes(
    paths: Sequence[Path | str],
    *,
    library_root: Path | str | None = None,
    kind: str | None = None,
    prefer: Sequence[Path | str] = (),
    dry_run: bool = False,
) -> DeviceTypeImportResult:
    """Parse the files, then upsert every component in one transaction (rolled back if dry).

    All or nothing: every bad file is collected, those the catalogue's validator refuses
    included, and ``DeviceTypeErrors`` lists them all; then nothing is written.
    """
    started = time.perf_counter()
    parsed = parse_library(
        paths, library_root=library_root, kind=kind, prefer=prefer, raise_errors=False
    )
    errors = list(parsed.errors)
    makers = {d.manufacturer for d in parsed.drafts}
    existing = {
        (c.manufacturer.name, c.sku): c
        for c in Component.objects.select_related("manufacturer").filter(
            manufacturer__name__in=makers
        )
    }
    changes: list[ComponentChange] = []
    with transaction.atomic():
        for draft in parsed.drafts:
            fields = {**draft.fields, "source": SOURCE_NETBOX, "source_ref": draft.path}
            before = existing.get((draft.manufacturer, draft.sku))
            if before is None:
                fields["list_price"] = Decimal(0)
            old = {name: getattr(before, name) for name in fields} if before else {}
            try:
                # component_upsert runs in a savepoint: a refused row leaves the others be.
                component, created, changed = component_upsert(
                    manufacturer_name=draft.manufacturer, sku=draft.sku, **fields
                )
            except ValidationError as exc:
                errors.append(_validation_message(draft.path, exc))
                continue
            diff = {}
            if changed:
                for name in fields:
                    new = getattr(component, name)
                    if old.get(name) != new:
                        diff[name] = (old.get(name), new)
            action = "created" if created else "updated" if changed else "unchanged"
            changes.append(
                ComponentChange(
                    draft.path,
                    draft.manufacturer,
                    draft.sku,
                    draft.kind,
                    action,
                    diff,
                    draft.liquid,
                )
            )
        if errors or dry_run:
            transaction.set_rollback(True)
    if errors:
        raise DeviceTypeErrors(errors)
    return DeviceTypeImportResult(
        changes=changes,
        module_types_read=len(parsed.module_types),
        files_read=parsed.files,
        dry_run=dry_run,
        seconds=time.perf_counter() - started,
        skipped=parsed.skipped,
    )
