"""Builds: sites, builds and their lines: models, writes (services), reads (selectors), BOM."""
