"""Command line: ``python -m rules check BUILD.json | configure REQUIREMENTS.json --catalog
CATALOG.json | schema | rules``.

Exit codes of ``check``: 0 when the build has no error finding, 1 when it has some, 2 when the
input cannot be read or validated (argparse also exits 2 on bad arguments). ``configure``: 0 when
a build the engine accepts was found, 1 when none fits (or the engine rejects the proposal), 2 on
bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rules.io import (
    InputError,
    dumps,
    load_build,
    load_catalog,
    load_policy,
    load_requirements,
    render_json,
    render_rules_json,
    render_rules_text,
    render_text,
)
from rules.model import BuildSpec

__all__ = ["EXIT_ERRORS", "EXIT_INVALID", "EXIT_OK", "build_parser", "main"]

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_INVALID = 2


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m rules`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m rules",
        description="Check a micro data center build against the engineering rules.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="evaluate a build (JSON) and print the report",
        description="Evaluate a build and print its report. Exit 0 when no finding is an "
        "error, 1 when some are, 2 when the input is invalid.",
    )
    check.add_argument("build", metavar="BUILD.json", help="build file ('-' reads stdin)")
    check.add_argument(
        "--policy", metavar="POLICY.json", help="policy file that replaces the build's policy"
    )
    check.add_argument("--format", choices=("text", "json"), default="text")

    configure = commands.add_parser(
        "configure",
        help="find the cheapest valid build for requirements (JSON) over a catalogue",
        description="Solve requirements over a catalogue with CP-SAT and print the proposal, "
        "its proof of optimality, alternatives, a price/energy Pareto front, the kits compared, "
        "or the conflicting requirements. Exit 0 when a build was found, 1 when none fits, 2 "
        "when the input is invalid.",
    )
    configure.add_argument("requirements", metavar="REQUIREMENTS.json")
    configure.add_argument(
        "--catalog",
        metavar="CATALOG.json",
        required=True,
        help="candidate components (see rules/solver/catalog.py; `python -m catalog.demo` "
        "prints the demo catalogue)",
    )
    configure.add_argument("--format", choices=("text", "json"), default="text")
    configure.add_argument("--time-limit", type=float, default=10.0, metavar="S")
    configure.add_argument("--workers", type=int, default=1, metavar="N")
    configure.add_argument(
        "--no-extras", action="store_true", help="the optimum only: no alternatives or kits"
    )

    commands.add_parser("schema", help="print the JSON Schema of a build (BuildSpec)")

    rules = commands.add_parser("rules", help="list every rule code the engine can emit")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _read(path: str, what: str, stdin: TextIO) -> str:
    if path == "-":
        return stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(what, [f"cannot read {path}: {reason}"]) from None


def _report_input_error(exc: InputError, path: str, stderr: TextIO) -> int:
    stderr.write(f"error: invalid {exc.what} in {path}:\n")
    for line in exc.messages:
        stderr.write(f"  {line}\n")
    return EXIT_INVALID


def _check(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from rules.report import evaluate  # the checks load only when a build is evaluated

    try:
        spec = load_build(_read(args.build, "build", stdin))
    except InputError as exc:
        return _report_input_error(exc, args.build, stderr)
    if args.policy is not None:
        try:
            policy = load_policy(_read(args.policy, "policy", stdin))
        except InputError as exc:
            return _report_input_error(exc, args.policy, stderr)
        spec = BuildSpec.model_validate({**dict(spec), "policy": policy})

    report = evaluate(spec)
    if args.format == "json":
        stdout.write(render_json(report) + "\n")
    else:
        stdout.write(render_text(report, title=spec.name))
    return EXIT_OK if report.ok else EXIT_ERRORS


def _configure(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from rules.solver import configure
    from rules.solver.render import as_data, as_text

    try:
        requirements = load_requirements(_read(args.requirements, "requirements", stdin))
    except InputError as exc:
        return _report_input_error(exc, args.requirements, stderr)
    try:
        catalog = load_catalog(_read(args.catalog, "catalogue", stdin))
    except InputError as exc:
        return _report_input_error(exc, args.catalog, stderr)
    conf = configure(
        requirements,
        catalog,
        time_limit_s=args.time_limit,
        workers=args.workers,
        extras=not args.no_extras,
    )
    if args.format == "json":
        stdout.write(dumps(as_data(conf)) + "\n")
    else:
        stdout.write(as_text(conf))
    if conf.result.status == "INVALID_INPUT":
        return EXIT_INVALID
    proposal = conf.result.proposal
    return EXIT_OK if proposal is not None and proposal.ok else EXIT_ERRORS


def _rules(args: argparse.Namespace, stdout: TextIO) -> int:
    from rules.checks import RULES

    if args.format == "json":
        stdout.write(render_rules_json(RULES.values()) + "\n")
    else:
        stdout.write(render_rules_text(RULES.values()))
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the CLI and return its exit code."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    args = build_parser().parse_args(argv)
    if args.command == "check":
        return _check(args, stdin, stdout, stderr)
    if args.command == "configure":
        return _configure(args, stdin, stdout, stderr)
    if args.command == "schema":
        stdout.write(dumps(BuildSpec.model_json_schema()) + "\n")
        return EXIT_OK
    return _rules(args, stdout)
