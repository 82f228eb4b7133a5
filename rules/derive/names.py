"""How findings and the configurator name the racks and items of a build, in people's words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rules.derive.electrical import SITE
from rules.derive.geometry import u_span_text
from rules.model import BuildSpec, PlacedItem

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
    ids: the words are for people. ``by_id``: the build's lines by id, when the caller has
    them already.
    """

    __slots__ = ("_fixed", "_items", "_named", "_racks")

    def __init__(self, spec: BuildSpec, by_id: Mapping[str, PlacedItem] | None = None) -> None:
        # An item is named when a finding or a page first asks for it: most builds name a
        # handful of their lines, and an evaluation should not spell out all of them.
        fixed: dict[str, str] = {SITE: "the site supply"}
        racks: dict[str, str] = {}
        for n, rack in enumerate(spec.racks, start=1):
            racks[rack.id] = rack.name or f"rack {n}"
            fixed[rack.id] = f"{racks[rack.id]} ({rack.id})"
        self._fixed = fixed
        self._racks = racks
        # An item whose id is also a rack's (or "site") is named as the item.
        self._items = by_id if by_id is not None else {item.id: item for item in spec.items}
        self._named: dict[str, str] = {}

    def _item_name(self, item: PlacedItem) -> str:
        text = item.component.name
        if item.quantity > 1:
            text = f"{item.quantity} \u00d7 {text}"
        note = item.note.strip()
        if note and len(note) <= NOTE_AS_LABEL_MAX and "\n" not in note:
            text += f" \u201c{note}\u201d"
        if item.rack_id is not None:
            text += f" in {self._racks.get(item.rack_id, item.rack_id)}"
            if item.position_u is not None and item.component.u_height > 0:
                top = item.position_u + item.component.u_height * item.quantity
                text += f" at {u_span_text(item.position_u, top)}"
        return f"{text} ({item.id})"

    def __call__(self, subject_id: str | None) -> str:
        """The words for one rack, item or the site supply (None: a feed left to the site)."""
        key = SITE if subject_id is None else subject_id
        found = self._named.get(key)
        if found is None:
            item = self._items.get(key)
            if item is not None:
                found = self._item_name(item)
            else:
                found = self._fixed.get(key)
                if found is None:
                    found = f"'{key}'"
            self._named[key] = found
        return found

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
