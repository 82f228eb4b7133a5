"""Designs: a build's lines frozen as JSON, varied, compared, and written back as lines.

A design is ``{"name": str, "policy_override": {...}, "lines": [line, ...]}``; a line is
``{"key", "component", "quantity", "rack", "position_u", "face", "feed_a", "feed_b", "ups",
"coolant_from", "phase", "note", "sort_order"}`` where `component` is a catalogue id and
`rack`, `feed_a`, `feed_b`, `ups` and `coolant_from` name other lines of the design by their
`key` (or are null; a design frozen before coolant sources existed has no `coolant_from`). Positions
are text ("12.5") so the JSON keeps them exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from catalog.models import Component
from configurator.builds.models import Build, BuildLine

__all__ = [
    "REFERENCES",
    "design_components",
    "design_difference",
    "design_of",
    "design_quantities",
    "design_with_substitutions",
    "lines_create",
    "missing_components",
]

REFERENCES = ("rack", "feed_a", "feed_b", "ups", "coolant_from")
_PLAIN = ("quantity", "face", "phase", "note", "sort_order")


def design_of(build: Build) -> dict[str, Any]:
    """The design of a build as it is now: its name, policy override and lines (one query)."""
    lines = []
    rows = (
        BuildLine.objects.filter(build_id=build.pk)
        .order_by("sort_order", "pk")
        .values("pk", "component_id", "position_u", *(f"{r}_id" for r in REFERENCES), *_PLAIN)
    )
    for row in rows:
        line: dict[str, Any] = {"key": f"L{row['pk']}", "component": row["component_id"]}
        for name in _PLAIN:
            line[name] = row[name]
        line["position_u"] = None if row["position_u"] is None else str(row["position_u"])
        for ref in REFERENCES:
            target = row[f"{ref}_id"]
            line[ref] = None if target is None else f"L{target}"
        lines.append(line)
    return {
        "name": build.name,
        "policy_override": dict(build.policy_override or {}),
        "lines": lines,
    }


def design_with_substitutions(
    design: Mapping[str, Any], substitutions: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The design with each substituted component replaced (a variant's swaps)."""
    swap = {int(s["replace"]): int(s["with"]) for s in substitutions}
    if not swap:
        return dict(design)
    return {
        **design,
        "lines": [
            {**line, "component": swap.get(line["component"], line["component"])}
            for line in design["lines"]
        ],
    }


def design_components(design: Mapping[str, Any]) -> set[int]:
    """The ids of the components a design uses."""
    return {line["component"] for line in design["lines"]}


def design_quantities(design: Mapping[str, Any]) -> dict[int, int]:
    """Units of each component the design takes."""
    quantities: dict[int, int] = {}
    for line in design["lines"]:
        quantities[line["component"]] = quantities.get(line["component"], 0) + line["quantity"]
    return quantities


def design_difference(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What changes from `old` to `new`: units per component, and lines moved or rewired.

    ``{"components": [{"component": id, "before": n, "after": m}, ...], "lines_changed": k,
    "policy_changed": bool}``; components sorted by id, only those whose units differ.
    """
    before, after = design_quantities(old), design_quantities(new)
    components = [
        {"component": pk, "before": before.get(pk, 0), "after": after.get(pk, 0)}
        for pk in sorted(before.keys() | after.keys())
        if before.get(pk, 0) != after.get(pk, 0)
    ]

    def shape(design: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        # A line as placed and wired, naming what it refers to by that line's component and
        # position, so the keys (line ids of different builds) do not matter.
        where = {
            line["key"]: (line["component"], line["position_u"], line["face"])
            for line in design["lines"]
        }
        return sorted(
            (
                (
                    line["component"],
                    line["quantity"],
                    line["position_u"],
                    line["face"],
                    line["phase"],
                    *(where.get(line[ref]) if line.get(ref) else None for ref in REFERENCES),
                )
                for line in design["lines"]
            ),
            key=repr,
        )

    old_shape, new_shape = shape(old), shape(new)
    unmatched = 0
    remaining = list(new_shape)
    for line in old_shape:
        if line in remaining:
            remaining.remove(line)
        else:
            unmatched += 1
    return {
        "components": components,
        "lines_changed": max(unmatched, len(remaining)),
        "policy_changed": dict(old.get("policy_override") or {})
        != dict(new.get("policy_override") or {}),
    }


def _levels(design: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    """The lines in rounds such that every line refers only to lines of earlier rounds."""
    lines = {line["key"]: line for line in design["lines"]}
    depth: dict[str, int] = {}

    def depth_of(key: str, seen: frozenset[str]) -> int:
        if key in depth:
            return depth[key]
        if key in seen:
            raise ValidationError({"design": [f"Line {key} refers to itself through others."]})
        line = lines[key]
        targets = [line[ref] for ref in REFERENCES if line.get(ref)]
        for target in targets:
            if target not in lines:
                raise ValidationError({"design": [f"Line {key} refers to unknown {target}."]})
        depth[key] = 1 + max((depth_of(t, seen | {key}) for t in targets), default=-1)
        return depth[key]

    for key in lines:
        depth_of(key, frozenset())
    rounds: list[list[dict[str, Any]]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for key, line in lines.items():
        rounds[depth[key]].append(line)
    return rounds


def lines_create(placements: Sequence[tuple[Build, Mapping[str, Any]]]) -> int:
    """Write each design's lines into its (saved, empty) build; returns the lines written.

    All builds at once, one insert per round of references (a rack before what it holds, a
    UPS before the PDU it feeds): about four inserts whatever the number of builds. The
    components must exist (callers check, naming the missing ones).
    """
    created: dict[tuple[int, str], int] = {}
    total = 0
    plans = [(build, _levels(design)) for build, design in placements]
    for depth in range(max((len(levels) for _, levels in plans), default=0)):
        batch: list[tuple[int, str, BuildLine]] = []
        for build, levels in plans:
            if depth >= len(levels):
                continue
            for line in levels[depth]:
                refs = {
                    f"{ref}_id": None if not line.get(ref) else created[(build.pk, line[ref])]
                    for ref in REFERENCES
                }
                batch.append(
                    (
                        build.pk,
                        line["key"],
                        BuildLine(
                            build_id=build.pk,
                            component_id=line["component"],
                            quantity=line["quantity"],
                            position_u=(
                                None if line["position_u"] is None else Decimal(line["position_u"])
                            ),
                            face=line["face"],
                            phase=line["phase"],
                            note=line["note"],
                            sort_order=line["sort_order"],
                            **refs,
                        ),
                    )
                )
        rows = BuildLine.objects.bulk_create([row for _, _, row in batch], batch_size=2000)
        for (build_pk, key, _), row in zip(batch, rows, strict=True):
            created[(build_pk, key)] = row.pk
        total += len(rows)
    return total


def missing_components(design: Mapping[str, Any]) -> list[int]:
    """Ids of the design's components no longer in the catalogue (one query)."""
    wanted = design_components(design)
    found = set(Component.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return sorted(wanted - found)
