"""How findings and the configurator name the racks and items of a build, in people's words."""

from __future__ import annotations

from collections.abc import Iterable

from rules.derive.electrical import SITE
from rules.derive.geometry import u_span_text
from rules.model import BuildSpec

__all__ = ["NOTE_AS_LABEL_MAX", "Names"]

# A line's note names it in findings only when it reads as a label ("PDU A"), not as a remark.
NOTE_AS_LABEL_MAX = 30


class Names:
    """How findings name the racks and items of a build, in people's words.

    An item is its component and where it is, then its id for the editor and the API:
    "Helix Compute R150 in Rack 1 at U12 (L50)", the count first when a line holds several,
    its note when short enough to be a label ("PDU A"), no U for a zero-U part; a rack is its
    name and id, "Rack 1 (L44)"; the site supply (or no source: None) is "the site supply". An
    id the build does not hold is quoted as it is. Finding codes and subjects keep the bare
    ids: the words are for people.
    """

    __slots__ = ("_names",)

    def __init__(self, spec: BuildSpec) -> None:
        names: dict[str, str] = {SITE: "the site supply"}
        racks: dict[str, str] = {}
        for n, rack in enumerate(spec.racks, start=1):
            racks[rack.id] = rack.name or f"rack {n}"
            names[rack.id] = f"{racks[rack.id]} ({rack.id})"
        for item in spec.items:
            text = item.component.name
            if item.quantity > 1:
                text = f"{item.quantity} \u00d7 {text}"
            note = item.note.strip()
            if note and len(note) <= NOTE_AS_LABEL_MAX and "\n" not in note:
                text += f" \u201c{note}\u201d"
            if item.rack_id is not None:
                text += f" in {racks.get(item.rack_id, item.rack_id)}"
                if item.position_u is not None and item.component.u_height > 0:
                    top = item.position_u + item.component.u_height * item.quantity
                    text += f" at {u_span_text(item.position_u, top)}"
            names[item.id] = f"{text} ({item.id})"
        self._names = names

    def __call__(self, subject_id: str | None) -> str:
        """The words for one rack, item or the site supply (None: a feed left to the site)."""
        if subject_id is None:
            return self._names[SITE]
        return self._names.get(subject_id, f"'{subject_id}'")

    def start(self, subject_id: str | None) -> str:
        """The same at the start of a sentence (first letter capitalised)."""
        text = self(subject_id)
        return text[:1].upper() + text[1:]

    def many(self, subject_ids: Iterable[str]) -> str:
        """Several subjects: "A", "A and B", "A, B and C"."""
        words = [self(i) for i in subject_ids]
        if len(words) < 2:
            return "".join(words)
        return ", ".join(words[:-1]) + " and " + words[-1]
