"""Quotes: priced offers of a build, their numbers, discounts, tax and totals."""
