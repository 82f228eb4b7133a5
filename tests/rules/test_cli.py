"""The command line ``python -m rules``: check, schema, rules; exit codes and readable errors."""

from __future__ import annotations

import io
import json
import runpy
import sys
from pathlib import Path

import pytest

from rules import evaluate
from rules.checks import RULES
from rules.cli import EXIT_ERRORS, EXIT_INVALID, EXIT_OK, main
from rules.io import InputError, load_build, load_policy, render_json, render_text
from rules.model import BuildSpec, Severity

EXAMPLES = Path(__file__).resolve().parents[2] / "rules" / "examples"
RETAIL = EXAMPLES / "retail_store_rack.json"
GPU = EXAMPLES / "gpu_inference_overloaded.json"


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def retail() -> dict[str, object]:
    data: dict[str, object] = json.loads(RETAIL.read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- check


def test_cli_check_compliant_build_exits_0_with_a_text_report() -> None:
    """A build without error findings prints the text report and exits 0."""
    code, out, err = run("check", str(RETAIL))
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith("Retail store rack (back office, Lyon): OK (0 errors")
    for label in (
        "IT load typical / nameplate",
        "UPS load kW / kVA",
        "Runtime",
        "Heat",
        "BTU/h",
        "Cooling sensible required / installed",
        "Rack 'rack1' U used / total",
        "Rack 'rack1' weight",
        "PUE (estimate)",
        "kWh/yr",
        "CO2",
        "Energy cost",
        "Headroom",
        "Binding constraint",
    ):
        assert label in out


def test_cli_check_failing_build_exits_1_and_lists_errors_first() -> None:
    """A build with error findings exits 1; the errors are listed under their own heading."""
    code, out, _ = run("check", str(GPU))
    assert code == EXIT_ERRORS
    assert ": FAILS (" in out.splitlines()[0]
    errors_at = out.index("\nErrors (")
    assert "[power.ups_kw_capacity]" in out[errors_at:]
    if "\nWarnings (" in out:
        assert errors_at < out.index("\nWarnings (")


def test_cli_check_json_is_the_report_model_dump() -> None:
    """--format json prints ``report.model_dump(mode="json")`` with unrounded values."""
    code, out, _ = run("check", str(GPU), "--format", "json")
    expected = evaluate(load_build(GPU.read_text(encoding="utf-8"))).model_dump(mode="json")
    assert code == EXIT_ERRORS
    assert json.loads(out) == expected
    assert json.loads(out)["ok"] is False


def test_cli_check_text_rounds_figures_per_c8() -> None:
    """Text rounds W to 0.1 with thousands separators (C8); the report stays unrounded."""
    spec = load_build(GPU.read_text(encoding="utf-8"))
    report = evaluate(spec)
    text = render_text(report, title=spec.name)
    m = report.metrics
    assert f"{m.it_load_typical_w:,.1f} W / {m.it_load_nameplate_w:,.1f} W" in text
    assert f"{m.heat_w:,.1f} W" in text
    for finding in report.findings:
        assert f"[{finding.code}]" in text


def test_cli_check_reads_stdin_with_dash() -> None:
    """'-' reads the build from standard input."""
    code, out, _ = run("check", "-", "--format", "json", stdin=RETAIL.read_text(encoding="utf-8"))
    assert code == EXIT_OK
    assert json.loads(out)["ok"] is True


def test_cli_check_policy_replaces_the_builds_policy(tmp_path: Path) -> None:
    """--policy replaces the build's policy: asking for fire suppression fails the retail rack."""
    policy = write(tmp_path, "policy.json", {"require_fire_suppression": True})
    code, out, _ = run("check", str(RETAIL), "--policy", policy, "--format", "json")
    codes = {f["code"] for f in json.loads(out)["findings"] if f["severity"] == "error"}
    assert code == EXIT_ERRORS
    assert "fire.required" in codes


def test_cli_check_policy_replaces_rather_than_merges(tmp_path: Path) -> None:
    """An empty policy file means the default policy, not the build's own policy."""
    data = retail()
    data["policy"] = {"require_fire_suppression": True}
    build = write(tmp_path, "build.json", data)
    assert run("check", build)[0] == EXIT_ERRORS
    assert run("check", build, "--policy", write(tmp_path, "p.json", {}))[0] == EXIT_OK


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["items"][3].__setitem__("quantity", 0),
            "items.3.quantity: Input should be greater than or equal to 1",
        ),
        (
            lambda d: d["site"].__setitem__("supply_phases", 2),
            "site.supply_phases: Input should be 1 or 3",
        ),
        (
            lambda d: d["items"][0]["component"]["spec"].__setitem__("kva", -3),
            "items.0.component.spec.ups.kva: Input should be greater than or equal to 0.1",
        ),
        (
            lambda d: d["items"][1].__setitem__("feed_a", "nowhere"),
            "items.1.feed_a: no item 'nowhere' in this build",
        ),
        (
            lambda d: d.__setitem__("colour", "blue"),
            "colour: Extra inputs are not permitted",
        ),
        (
            lambda d: d["items"][2].pop("id"),
            "items.2.id: Field required",
        ),
    ],
    ids=["quantity", "phases", "kva", "feed", "extra", "missing"],
)
def test_cli_check_invalid_build_exits_2_naming_the_field(
    tmp_path: Path, mutate: object, message: str
) -> None:
    """A build that fails validation exits 2 and names the field with a dotted path."""
    data = retail()
    mutate(data)  # type: ignore[operator]
    code, out, err = run("check", write(tmp_path, "bad.json", data))
    assert (code, out) == (EXIT_INVALID, "")
    assert "error: invalid build in" in err
    assert f"  {message}\n" in err


def test_cli_check_bad_json_exits_2(tmp_path: Path) -> None:
    """Text that is not JSON exits 2 with a parse message."""
    code, _, err = run("check", write(tmp_path, "bad.json", '{"name": "x",'))
    assert code == EXIT_INVALID
    assert "not valid JSON" in err


def test_cli_check_missing_file_exits_2(tmp_path: Path) -> None:
    """An unreadable file exits 2 and says which file."""
    missing = str(tmp_path / "nope.json")
    code, _, err = run("check", missing)
    assert code == EXIT_INVALID
    assert f"cannot read {missing}: No such file or directory" in err


def test_cli_check_invalid_policy_exits_2_naming_the_field(tmp_path: Path) -> None:
    """A policy that fails validation exits 2 and names the field."""
    policy = write(tmp_path, "policy.json", {"utilisation_limit": 1.5, "ups_redundancy": "3N"})
    code, _, err = run("check", str(RETAIL), "--policy", policy)
    assert code == EXIT_INVALID
    assert "error: invalid policy in" in err
    assert "utilisation_limit: Input should be less than or equal to 1" in err
    assert "ups_redundancy: Input should be 'none', 'N', 'N+1', '2N' or '2(N+1)'" in err


def test_cli_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Unknown commands or formats are argparse errors (exit 2)."""
    with pytest.raises(SystemExit) as exc:
        main(["check", str(RETAIL), "--format", "xml"])
    assert exc.value.code == EXIT_INVALID
    assert "invalid choice" in capsys.readouterr().err


# --------------------------------------------------------------------------- schema, rules


def test_cli_schema_prints_the_buildspec_json_schema() -> None:
    """``schema`` prints ``BuildSpec.model_json_schema()``."""
    code, out, _ = run("schema")
    assert code == EXIT_OK
    assert json.loads(out) == BuildSpec.model_json_schema()
    assert out.startswith('{\n  "$defs"')


def test_cli_schema_documents_the_liquid_cooling_vocabulary() -> None:
    """The schema names the CDU and facility water kinds with their specs, the cold-plate
    fields of IT, the rear-door water points and an item's ``coolant_from`` (reference 8)."""
    _, out, _ = run("schema")
    defs = json.loads(out)["$defs"]
    assert {"cdu", "facility_water"} <= set(defs["Kind"]["enum"])
    assert {"approach_k", "secondary_flow_min_lpm", "facility_classes"} <= set(
        defs["CduSpec"]["properties"]
    )
    assert {"source_type", "supply_temp_c", "water_l_per_kwh"} <= set(
        defs["FacilityWaterSpec"]["properties"]
    )
    assert {"liquid_fraction", "coolant_flow_lpm", "max_coolant_inlet_c"} <= set(
        defs["ItSpec"]["properties"]
    )
    assert {"rated_water_c", "warm_water_sensible_w", "active"} <= set(
        defs["CoolingSpec"]["properties"]
    )
    assert (
        "CDU or facility water" in defs["PlacedItem"]["properties"]["coolant_from"]["description"]
    )


def test_cli_rules_lists_every_registered_code() -> None:
    """``rules`` lists each code with what it protects and its source."""
    code, out, _ = run("rules")
    assert code == EXIT_OK
    assert RULES, "no check registered"
    for rule in RULES.values():
        assert f"  {rule.code}\n" in out
        assert rule.protects in out
    assert "power.ups_kw_capacity" in out


def test_cli_rules_json_has_code_family_protects_source() -> None:
    """``rules --format json`` is a list sorted by code."""
    code, out, _ = run("rules", "--format", "json")
    rows = json.loads(out)
    assert code == EXIT_OK
    assert [r["code"] for r in rows] == sorted(RULES)
    assert all(set(r) == {"code", "family", "protects", "source"} for r in rows)
    assert all(r["code"].startswith(r["family"] + ".") for r in rows)


def test_cli_module_entry_point_runs_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m rules`` exits with the code ``main`` returns."""
    monkeypatch.setattr(sys, "argv", ["rules", "check", str(GPU), "--format", "json"])
    with pytest.raises(SystemExit) as exc:
        runpy.run_module("rules", run_name="__main__")
    assert exc.value.code == EXIT_ERRORS
    assert json.loads(capsys.readouterr().out)["ok"] is False


# --------------------------------------------------------------------------- io helpers


def test_io_load_build_raises_input_error_with_all_messages() -> None:
    """Every validation problem is reported, one line each."""
    data = retail()
    data["items"][0]["quantity"] = 0  # type: ignore[index]
    data["site"]["altitude_m"] = 9000  # type: ignore[index]
    with pytest.raises(InputError) as exc:
        load_build(json.dumps(data))
    assert exc.value.messages == (
        "site.altitude_m: Input should be less than or equal to 6000",
        "items.0.quantity: Input should be greater than or equal to 1",
    )


def test_io_load_policy_accepts_partial_policy() -> None:
    """A policy file gives only what differs from the defaults."""
    policy = load_policy('{"required_runtime_min": 15}')
    assert policy.required_runtime_min == 15
    assert policy.utilisation_limit == 0.8


def test_io_text_report_groups_findings_by_severity() -> None:
    """Findings appear grouped under Errors, Warnings, Information, in that order."""
    report = evaluate(load_build(GPU.read_text(encoding="utf-8")))
    text = render_text(report, title="GPU")
    headings = [
        name
        for severity, name in (
            (Severity.ERROR, "Errors"),
            (Severity.WARNING, "Warnings"),
            (Severity.INFO, "Information"),
        )
        if any(f.severity is severity for f in report.findings)
    ]
    positions = [text.index(f"\n{name} (") for name in headings]
    assert positions == sorted(positions)
    assert text.index("\nHeadroom\n") > max(positions)


def test_io_json_report_never_emits_infinity() -> None:
    """A non-finite figure is written as null (strict JSON has no Infinity), as pydantic does."""
    report = evaluate(load_build(RETAIL.read_text(encoding="utf-8")))
    headroom = report.headroom.model_copy(update={"typical_load_w": float("inf")})
    text = render_json(report.model_copy(update={"headroom": headroom}))
    assert "Infinity" not in text
    assert json.loads(text)["headroom"]["typical_load_w"] is None


def test_text_report_has_a_section_for_the_loops() -> None:
    """The liquid example's text report gives the heat into liquid, each loop's heat, flow and
    temperatures, and the rack's heat and air share (README hand calculation: 29,120 W; the CDU
    35.0 degC out, 43.4 degC back, 52.0 L/min where 43.9 are needed; 37.00 kW, 7.88 kW to the
    air); an air-cooled build's report has none of it."""
    code, out, _ = run("check", str(EXAMPLES / "liquid_ai_inference_rack.json"))
    assert code == EXIT_OK
    assert "Heat into liquid (cold plates, L5)" in out
    assert "29,120.0 W\n" in out
    assert (
        "29,120.0 W of 50,000.0 W; 52.0 L/min (heat needs 43.9 L/min); supply 35.0 °C, "
        "return 43.4 °C" in out
    )
    assert "29,120.0 W of 60,000.0 W; supply 32.0 °C" in out
    assert "37.00 kW / 7.88 kW" in out
    _, retail, _ = run("check", str(RETAIL))
    assert "Heat into liquid" not in retail
