"""Write the golden corpus: builds and the reports the engine gives them.

``python -m tests.rules.golden.generate`` rewrites the reports from the committed builds;
``--builds`` also rebuilds the examples', the benchmark's and the island builds from their
sources, keeping the random ones; ``--redraw`` draws the random builds again too. Regenerate
the reports only for a change of behaviour that a reviewer has read in the diff: the golden
test exists so that a redesign cannot change a figure unnoticed.

The corpus: the shipped examples, the benchmark's synthetic builds, one-island builds with many
power sources, and random valid builds drawn by the property tests' strategy with a fixed seed.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BUILDS = HERE / "builds.json.gz"
REPORTS = HERE / "reports.json.gz"
EXAMPLES = HERE.parents[2] / "rules" / "examples"
RANDOM_BUILDS = 300


def _random_builds() -> list[dict[str, Any]]:
    from hypothesis import HealthCheck, given, settings

    from tests.rules.test_properties import build_specs

    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=RANDOM_BUILDS,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(build_specs(max_items=14))
    def draw(spec: Any) -> None:
        drawn.append(spec.model_dump(mode="json"))

    draw()
    return drawn


def builds(random: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """Every build of the corpus, named (without the random ones unless ``random``)."""
    from benchmarks.rules_bench import one_island_build, synthetic_build

    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(EXAMPLES.glob("*.json")):
        out.append((f"example:{path.stem}", json.loads(path.read_text(encoding="utf-8"))))
    for n in (10, 80, 100, 400):
        out.append((f"synthetic:{n}", synthetic_build(n).model_dump(mode="json")))
    for pairs in (2, 8, 32):
        out.append((f"island:{pairs}", one_island_build(pairs).model_dump(mode="json")))
    if random:
        for n, spec in enumerate(_random_builds()):
            out.append((f"random:{n}", spec))
    return out


def report_of(spec: dict[str, Any]) -> dict[str, Any]:
    """The engine's report of one build, as JSON."""
    from rules import BuildSpec, evaluate

    return evaluate(BuildSpec.model_validate(spec)).model_dump(mode="json")


def _write(path: Path, data: Any) -> None:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


def read(path: Path) -> Any:
    """A gzipped JSON file of the corpus."""
    return json.loads(gzip.decompress(path.read_bytes()))


def main() -> None:
    """Rewrite the reports (and, with ``--builds``, the builds)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--builds", action="store_true", help="rebuild the fixed builds")
    parser.add_argument("--redraw", action="store_true", help="draw the random builds again")
    args = parser.parse_args()
    if args.redraw or not BUILDS.exists():
        _write(BUILDS, dict(builds()))
    elif args.builds:
        kept = {k: v for k, v in read(BUILDS).items() if k.startswith("random:")}
        _write(BUILDS, {**dict(builds(random=False)), **kept})
    corpus = read(BUILDS)
    _write(REPORTS, {name: report_of(spec) for name, spec in corpus.items()})
    print(f"{len(corpus)} builds, reports written to {REPORTS.name}")


if __name__ == "__main__":
    main()
