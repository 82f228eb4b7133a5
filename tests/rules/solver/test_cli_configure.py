"""``python -m rules configure``: exit codes like ``check``, readable errors, text and JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from catalog.demo import demo_solver_catalog
from rules.cli import EXIT_ERRORS, EXIT_INVALID, EXIT_OK, main

EXAMPLES = Path(__file__).resolve().parents[3] / "rules" / "examples" / "configure"
RETAIL = EXAMPLES / "retail_customer_it.json"


def run(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(""), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo catalogue as a ``--catalog`` file."""
    path = tmp_path_factory.mktemp("catalog") / "catalog.json"
    path.write_text(json.dumps(demo_solver_catalog()), encoding="utf-8")
    return str(path)


def _requirements(tmp_path: Path, data: object) -> str:
    path = tmp_path / "requirements.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_cli_configure_found_exits_0_with_proof_and_build(catalog_file: str) -> None:
    """A feasible example prints the status, objective, bound, the build and exits 0."""
    code, out, err = run("configure", str(RETAIL), "--catalog", catalog_file, "--no-extras")
    assert (code, err) == (EXIT_OK, "")
    assert "Solver status: OPTIMAL; objective" in out
    assert "best bound" in out
    assert "Engine verdict: OK (0 errors" in out


def test_cli_configure_json_carries_the_build_and_the_figures(catalog_file: str) -> None:
    """``--format json`` prints one document with the proof, figures, build and extras."""
    code, out, _ = run("configure", str(RETAIL), "--catalog", catalog_file, "--format", "json")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["status"] == "OPTIMAL"
    assert data["objective"] == pytest.approx(data["bound"])
    assert data["proposal"]["ok"] is True
    assert data["proposal"]["build"]["racks"]
    assert data["alternatives"][0]["label"] == "best mixed"
    assert data["bundles"]


def test_cli_configure_infeasible_exits_1_with_the_conflict(
    catalog_file: str, tmp_path: Path
) -> None:
    """Nothing fits: exit 1, the conflicting requirement and its relaxation are printed."""
    data = json.loads(RETAIL.read_text(encoding="utf-8"))
    data["workload"]["customer_load"]["nameplate_kw"] = 2.3  # the 16 A supply is too small
    code, out, _ = run("configure", _requirements(tmp_path, data), "--catalog", catalog_file)
    assert code == EXIT_ERRORS
    assert "Solver status: INFEASIBLE" in out
    assert "the site's supply breaker" in out
    assert "supply breaker 16 A -> 20 A" in out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"constraints": {"runtime_min": -5}}, "constraints.runtime_min"),
        ({"constraints": {"max_racks": 9}}, "constraints.max_racks"),
        ({"redundancy": {"ups": "3N"}}, "redundancy.ups"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_cli_configure_bad_requirements_exit_2_naming_the_field(
    catalog_file: str, tmp_path: Path, change: dict[str, object], expected: str
) -> None:
    """Invalid requirements: exit 2 and one line naming the field and the problem."""
    data = {**json.loads(RETAIL.read_text(encoding="utf-8")), **change}
    code, out, err = run("configure", _requirements(tmp_path, data), "--catalog", catalog_file)
    assert code == EXIT_INVALID
    assert out == ""
    assert "invalid requirements" in err
    assert expected in err


def test_cli_configure_bad_catalogue_exits_2(tmp_path: Path) -> None:
    """A catalogue that does not validate is refused with exit 2."""
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps([{"component": {"ref": "x"}}]), encoding="utf-8")
    code, _, err = run("configure", str(RETAIL), "--catalog", str(catalog))
    assert code == EXIT_INVALID
    assert "invalid catalogue" in err
    assert "component.name" in err


def test_cli_configure_unknown_ref_is_invalid_input(catalog_file: str, tmp_path: Path) -> None:
    """A workload naming a part the catalogue lacks is bad input (exit 2), said plainly."""
    data = json.loads(RETAIL.read_text(encoding="utf-8"))
    data["workload"]["items"] = [{"ref": "nobody:nothing", "quantity": 1}]
    code, out, _ = run("configure", _requirements(tmp_path, data), "--catalog", catalog_file)
    assert code == EXIT_INVALID
    assert "'nobody:nothing' is not an IT component of the catalogue" in out
