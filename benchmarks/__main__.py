"""``python -m benchmarks [NAME ...]``: run the named benchmarks (default: all of them).

Each benchmark is a module of this package with a ``main() -> None`` that prints its table;
add a new one to ``BENCHMARKS``.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

BENCHMARKS: dict[str, str] = {
    "rules": "benchmarks.rules_bench",
    "pdf": "benchmarks.pdf_bench",
    "api": "benchmarks.api_bench",
    "solver": "benchmarks.solver_bench",
    "editor": "benchmarks.editor_bench",
    # 16 clients for 60 s against gunicorn (two workers): throughput, errors, throttle accuracy.
    "load": "benchmarks.load",
    "fleet": "benchmarks.fleet_bench",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmarks in order and return an exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"one of: {', '.join(BENCHMARKS)} (default: all)"
    )
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    for name in args.names or list(BENCHMARKS):
        print(f"== benchmark: {name}")
        importlib.import_module(BENCHMARKS[name]).main()
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
