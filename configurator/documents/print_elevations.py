"""The spec sheet's rack drawings: front and rear elevations as inline SVG sized for print."""

from __future__ import annotations

import importlib
import importlib.util
import re
from typing import Any

from rules.model import BuildSpec, Finding

__all__ = ["ELEVATION_MODULE", "PRINT_MM_PER_PX", "PRINT_WIDTH_MM", "elevations"]

ELEVATION_MODULE = "configurator.documents.elevation"

# Print scale of the rack drawings: at 0.24 mm per drawing pixel one U (22 px) is 5.3 mm, a
# 42U rack fits an A4 page's height, and its 11 px labels print at 7.5 pt (10 px U numbers at
# 6.8 pt). Every rack is drawn at this one scale, so U heights compare across racks; only a
# rack too wide for front and rear side by side is drawn smaller.
PRINT_MM_PER_PX = 0.24
PRINT_WIDTH_MM = 172.0  # A4 less the page margins (178 mm) and the gap between the faces
_SVG_SIZE = re.compile(r'^(<svg\b[^>]*?) width="([0-9.]+)" height="([0-9.]+)"')


def svg_size(svg: str) -> tuple[float, float]:
    found = _SVG_SIZE.match(svg)
    if found is None:
        raise ValueError("an elevation SVG without a width and height")
    return float(found.group(2)), float(found.group(3))


def print_size(svg: str, mm_per_px: float) -> str:
    """The SVG with its width and height in millimetres; the viewBox keeps the drawing."""
    width, height = svg_size(svg)
    return _SVG_SIZE.sub(
        lambda m: (
            f'{m.group(1)} width="{width * mm_per_px:.1f}mm" height="{height * mm_per_px:.1f}mm"'
        ),
        svg,
        count=1,
    )


def elevations(spec: BuildSpec, findings: list[Finding]) -> list[dict[str, Any]] | None:
    """Front and rear elevation of each rack as inline SVG sized for print; None while
    documents.elevation is missing.

    Looked up at render time rather than imported, so the sheet switches from the position
    tables to drawings as soon as the module ships, without a change here. An error inside
    the module is not swallowed: the render fails, is retried, and shows its error.
    """
    if importlib.util.find_spec(ELEVATION_MODULE) is None:
        return None
    module = importlib.import_module(ELEVATION_MODULE)
    build_all = getattr(module, "build_elevations_svg", None)
    if build_all is None:
        return None
    names = {rack.id: rack.name or rack.component.name for rack in spec.racks}
    fronts = dict(build_all(spec, face="front", findings=findings))
    rears = dict(build_all(spec, face="rear", findings=findings))
    racks = []
    for rack_id, front in fronts.items():
        rear = rears[rack_id]
        both_px = svg_size(front)[0] + svg_size(rear)[0]
        scale = min(PRINT_MM_PER_PX, PRINT_WIDTH_MM / both_px)
        racks.append(
            {
                "id": str(rack_id),
                "name": names.get(rack_id, str(rack_id)),
                "front": print_size(str(front), scale),
                "rear": print_size(str(rear), scale),
            }
        )
    return racks
