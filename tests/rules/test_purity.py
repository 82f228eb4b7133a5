"""The rules engine stays pure: no framework, no app, no I/O, outside its CLI edge.

STYLE.md: "A test walks ``rules/*.py`` with ``ast`` and fails on any framework import." Only
``rules/cli.py``, ``rules/__main__.py`` and ``rules/io.py`` (the command-line edge) may read files
and print; the engine itself is a function of its input.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
EDGE_MODULES = frozenset({"cli.py", "__main__.py", "io.py"})

# Frameworks and the apps that depend on the engine (the dependency points the other way).
FORBIDDEN_FRAMEWORKS = frozenset({"django", "rest_framework", "celery", "catalog", "configurator"})
# Modules whose purpose is I/O: files, processes, network, databases, the terminal.
FORBIDDEN_IO = frozenset(
    {
        "os",
        "sys",
        "io",
        "pathlib",
        "shutil",
        "tempfile",
        "glob",
        "fileinput",
        "socket",
        "ssl",
        "select",
        "selectors",
        "subprocess",
        "multiprocessing",
        "signal",
        "urllib",
        "http",
        "ftplib",
        "smtplib",
        "requests",
        "httpx",
        "sqlite3",
        "dbm",
        "shelve",
        "pickle",
        "logging",
        "importlib",
        "builtins",
        "asyncio",
    }
)
# The edge modules of the engine itself: pure code must not lean on them either.
FORBIDDEN_EDGE = frozenset({"rules.cli", "rules.io", "rules.__main__"})
FORBIDDEN_CALLS = frozenset({"open", "print", "input", "exec", "eval", "__import__", "breakpoint"})


def violations(source: str) -> list[str]:
    """Every forbidden import or call in ``source``, as ``line: what``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            modules += [f"{node.module}.{alias.name}" for alias in node.names]
        for module in modules:
            top = module.split(".")[0]
            if top in FORBIDDEN_FRAMEWORKS or top in FORBIDDEN_IO or module in FORBIDDEN_EDGE:
                found.append(f"{line}: import {module}")
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else None
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and (func.attr == "open" or func.value.id in FORBIDDEN_IO)
            ):
                name = f"{func.value.id}.{func.attr}"
            if name is not None and (name in FORBIDDEN_CALLS or "." in name):
                found.append(f"{line}: call {name}()")
    return found


def _pure_modules() -> list[Path]:
    return sorted(
        p
        for p in RULES_DIR.rglob("*.py")
        if p.relative_to(RULES_DIR).as_posix() not in EDGE_MODULES
    )


def test_purity_walks_the_engine_modules() -> None:
    """The walk finds the engine (guards against a wrong path silently checking nothing)."""
    names = {p.relative_to(RULES_DIR).as_posix() for p in _pure_modules()}
    assert {
        "__init__.py",
        "report.py",
        "model.py",
        "specs/__init__.py",
        "derive/lines.py",
        "derive/flow.py",
        "checks/base.py",
    } <= names
    assert not names & EDGE_MODULES


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: p.relative_to(RULES_DIR).as_posix())
def test_purity_engine_module_has_no_framework_or_io(path: Path) -> None:
    """No engine module imports a framework, an app or an I/O module, or calls open()/print()."""
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import django", ["1: import django"]),
        ("from django.db import models", ["1: import django.db", "1: import django.db.models"]),
        ("import rest_framework.serializers", ["1: import rest_framework.serializers"]),
        ("from celery import shared_task", ["1: import celery", "1: import celery.shared_task"]),
        (
            "from catalog.models import Component",
            ["1: import catalog.models", "1: import catalog.models.Component"],
        ),
        ("import configurator", ["1: import configurator"]),
        ("import os", ["1: import os"]),
        ("from pathlib import Path", ["1: import pathlib", "1: import pathlib.Path"]),
        ("import io", ["1: import io"]),
        ("import socket", ["1: import socket"]),
        ("import subprocess", ["1: import subprocess"]),
        ("from rules import io", ["1: import rules.io"]),
        ("from rules.cli import main", ["1: import rules.cli"]),
        ("x = open('f')", ["1: call open()"]),
        ("print('x')", ["1: call print()"]),
        ("import math\nfrom rules.model import BuildSpec\nx = math.ceil(1.5)", []),
        ("from . import specs", []),  # relative import inside the package
        ("from collections import defaultdict", []),
    ],
)
def test_purity_detector_flags_forbidden_imports_and_calls(
    source: str, expected: list[str]
) -> None:
    """The ast walk flags every forbidden import and I/O call, and nothing else."""
    assert violations(source) == expected
