"""Tenancy: organisations, memberships and roles, permissions, API tokens and authentication."""
