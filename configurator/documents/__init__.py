"""Documents: quote and spec sheet PDFs, the rack elevation SVG, BOM export, render tasks."""
