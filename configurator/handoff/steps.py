"""A dry run's answer and a push's record: one step per object, and the writes NetBox took."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["WRITES", "Plan", "Step", "Write"]

WRITES = ("create", "update", "delete")


@dataclass
class Step:
    """What happens (or happened) to one object."""

    key: str
    endpoint: str
    label: str
    action: str  # create, update, delete, unchanged, from_template, blocked
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    netbox_id: int | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "object_type": self.endpoint,
            "label": self.label,
            "action": self.action,
            "netbox_id": self.netbox_id,
            "changes": {k: {"from": a, "to": b} for k, (a, b) in self.changes.items()},
            "note": self.note,
        }


@dataclass
class Plan:
    """A dry run's answer, or a push's record: one step per object, problems, notes."""

    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    netbox_version: str = ""
    branching: bool = False
    branch: str = ""
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "delete": 0, "unchanged": 0, "from_template": 0}
        for step in self.steps:
            if step.action in counts:
                counts[step.action] += 1
        return counts

    @property
    def writes(self) -> int:
        return sum(1 for step in self.steps if step.action in WRITES)

    def as_dict(self) -> dict[str, Any]:
        return {
            "netbox_version": self.netbox_version,
            "branching": self.branching,
            "counts": self.counts,
            "problems": self.problems,
            "notes": self.notes,
            "steps": [step.as_dict() for step in self.steps],
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class Write:
    """One write NetBox accepted: recorded by the push as it happens."""

    action: str
    endpoint: str
    netbox_id: int
    key: str
    label: str
