"""What a NetBox device type says about liquid cooling, and what it leaves unsaid (reference 8).

The devicetype-library's schema has no coolant ports and no liquid-cooling fields: ``airflow``
is its only cooling figure (the keys this importer reads are ``netbox_read.DEVICE_KEYS``; the
shared subset has no key, port type or text about coolant at all). So nothing liquid is ever
inferred: an imported IT device carries no ``liquid_fraction``, ``coolant_flow_lpm``,
``max_coolant_inlet_c`` or ``coolant_connector`` and is judged air-cooled, and the import
report counts it so (``absent``). What the library does say is kept, in the comments:

* text that calls the device liquid-cooled (cold plate, direct liquid cooling, DLC, coolant,
  water-cooled) is noted (``stated``): its liquid figures must come from its data sheet;
* a key the schema does not define but that names coolant, liquid or water (a newer or private
  schema) is named as not read.

CDUs and facility water sources are never inferred either: the library has no figures for them,
and "CDU" in a power strip's name is Server Technology's Cabinet Distribution Unit, a PDU.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from catalog.importers.netbox_read import DEVICE_KEYS

__all__ = ["LIQUID_FIELDS", "LiquidStatus", "liquid_cooling"]

LiquidStatus = Literal["absent", "stated"]
LIQUID_FIELDS = ("liquid_fraction", "coolant_flow_lpm", "max_coolant_inlet_c", "coolant_connector")
_LIQUID_TEXT = re.compile(
    r"liquid[- ]cool|direct[- ]liquid|\bdlc\b|cold[- ]?plate|\bcoolant\b|water[- ]cool",
    re.IGNORECASE,
)
_LIQUID_KEY = re.compile(r"coolant|liquid|water", re.IGNORECASE)


def liquid_cooling(data: Mapping[str, Any], text: str, kind: str) -> tuple[LiquidStatus, list[str]]:
    """Whether the library says the device is liquid-cooled, and the import notes to keep."""
    notes = [
        f"{key!r} is not part of the NetBox schema: its liquid-cooling data was not read"
        for key in data
        if key not in DEVICE_KEYS and _LIQUID_KEY.search(str(key))
    ]
    fields = ", ".join(LIQUID_FIELDS)
    if _LIQUID_TEXT.search(text):
        notes.append(
            "the library's text calls it liquid-cooled but its schema has no coolant figures: "
            f"{fields} are absent, so it is judged air-cooled until they are set from its "
            "data sheet"
        )
        return "stated", notes
    if kind == "gpu_server":
        notes.append(
            "liquid cooling not in the library (no coolant ports or fields): imported as "
            f"air-cooled; {fields} absent"
        )
    return "absent", notes
