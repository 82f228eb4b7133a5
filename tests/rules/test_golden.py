"""Every build of the golden corpus gets the report committed beside it.

The corpus (tests/rules/golden) holds the examples, the benchmark's builds and 300 random valid
builds. A redesign of the engine must leave each report as it was: codes, severities, messages,
subjects and every figure. Floats may differ in their last bits only (a sum taken in another
order), so they are compared to a relative 1e-9.
"""

from __future__ import annotations

from typing import Any

import pytest

from rules import BuildSpec, evaluate
from tests.rules.golden.compare import differences
from tests.rules.golden.generate import BUILDS, REPORTS, read

CORPUS: dict[str, Any] = read(BUILDS)
EXPECTED: dict[str, Any] = read(REPORTS)


def test_golden_corpus_covers_every_build() -> None:
    """Each build of the corpus has its committed report, and the corpus is not trivial."""
    assert set(CORPUS) == set(EXPECTED)
    assert len(CORPUS) >= 300


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_golden_report_unchanged(name: str) -> None:
    """The engine gives the build the report committed for it."""
    got = evaluate(BuildSpec.model_validate(CORPUS[name])).model_dump(mode="json")
    out = differences("report", got, EXPECTED[name])
    assert not out, "\n".join(out[:20])
