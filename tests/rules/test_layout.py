"""The engine's layout holds: every check is listed once, and a rule code names its home."""

from __future__ import annotations

import importlib
import pkgutil

import rules.checks
from rules.checks import CHECKS, RULES, Check


def _check_objects() -> list[Check]:
    found: list[Check] = []
    for module_info in pkgutil.walk_packages(rules.checks.__path__, "rules.checks."):
        module = importlib.import_module(module_info.name)
        found += [
            v for v in vars(module).values() if isinstance(v, Check) and v.module == module.__name__
        ]
    return found


def test_checks_every_declared_check_is_listed_once() -> None:
    """Each check declared in rules/checks appears exactly once in the ordered CHECKS list."""
    declared = _check_objects()
    assert len(CHECKS) == len(set(CHECKS))
    assert set(declared) == set(CHECKS)


def test_checks_rule_code_prefix_names_the_module() -> None:
    """``power.*`` lives in rules/checks/power/, ``thermal.*`` in rules/checks/thermal/..."""
    for check in CHECKS:
        parts = check.module.split(".")
        assert parts[:2] == ["rules", "checks"]
        assert parts[2] == check.family, f"{check.name} in {check.module}"
        for info in check.rules:
            assert info.code.split(".")[0] == check.family


def test_checks_codes_are_unique_and_complete() -> None:
    """RULES holds every declared code once, with what it protects and its source."""
    codes = [info.code for check in CHECKS for info in check.rules]
    assert len(codes) == len(set(codes)) == len(RULES)
    assert all(info.protects and info.source for info in RULES.values())
