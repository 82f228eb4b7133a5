"""Component catalogue: manufacturers, components with a per-kind spec, admin, API, seed data."""
