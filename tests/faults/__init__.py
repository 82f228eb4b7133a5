"""Helpers that put a real fault in front of the app: an unreachable database or Redis."""
