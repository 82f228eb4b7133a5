"""Documents rendered from builds: BOM as CSV and XLSX (later spec sheets and quotes)."""
