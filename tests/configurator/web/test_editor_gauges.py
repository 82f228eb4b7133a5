"""The editor's gauges: a rack holding lines of unknown mass shows a lower bound; the airflow
gauge flips with the engine's check; heat, air, humidity, energy and water are shown."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from catalog.choices import ComponentKind
from configurator.builds.selectors import build_report, build_snapshot
from configurator.web.editor_gauges import gauges_of, site_figures
from rules import evaluate
from rules.io import load_build
from rules.model import BuildSpec, Report
from tests.factories import BuildFactory, BuildLineFactory, ComponentFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[3] / "rules" / "examples"


def _weight_gauge(weights: list[Decimal | None]) -> tuple[str, str]:
    build = BuildFactory()
    rack = BuildLineFactory(build=build, component=ComponentFactory(kind=ComponentKind.RACK))
    for position, weight in enumerate(weights, start=1):
        BuildLineFactory(
            build=build,
            rack=rack,
            position_u=Decimal(position),
            component=ComponentFactory(weight_kg=weight),
        )
    spec = build_snapshot(build)
    gauges = gauges_of(spec, build_report(build), {})
    (gauge,) = [g for g in gauges if g.label.startswith("Weight")]
    return gauge.text, gauge.note


def test_weight_gauge_is_plain_when_every_mass_is_known() -> None:
    """No note when nothing is unknown."""
    text, note = _weight_gauge([Decimal(10), Decimal(20)])
    assert not text.startswith("at least")
    assert note == ""


@pytest.mark.parametrize(("unknown", "note"), [(1, "1 line has"), (2, "2 lines have")])
def test_weight_gauge_says_lines_without_weight_make_it_a_lower_bound(
    unknown: int, note: str
) -> None:
    """'N lines have no weight; the load shown is a lower bound', and 'at least' in the text."""
    text, shown = _weight_gauge([Decimal(10), *([None] * unknown)])
    assert text.startswith("at least ")
    assert shown == f"{note} no weight; the load shown is a lower bound"


# --------------------------------------------------------------------------- heat, air, water


def _example(name: str) -> tuple[BuildSpec, Report]:
    spec = load_build((EXAMPLES / f"{name}.json").read_bytes())
    return spec, evaluate(spec)


@pytest.mark.parametrize(
    ("name", "over"), [("retail_store_rack", False), ("gpu_inference_overloaded", True)]
)
def test_airflow_gauge_flips_with_the_engines_airflow_check(name: str, over: bool) -> None:
    """The cooling's basis against what the units move, over exactly when thermal.airflow
    fails: retail needs 428.6 m3/h of its units' 900; the GPU rack 4,159.2 of 3,600."""
    spec, report = _example(name)
    (gauge,) = [g for g in gauges_of(spec, report, {}) if g.key == "airflow"]
    assert gauge.over is over
    assert over is any(f.code == "thermal.airflow" for f in report.findings)
    assert (gauge.value, gauge.high) == (
        report.metrics.airflow_required_m3h,
        report.metrics.airflow_installed_m3h,
    )
    assert "CFM" in gauge.text
    assert "the IT pulls" in gauge.note


def test_site_figures_show_it_heat_airflows_cue_and_water() -> None:
    """Retail (rules/examples/README.md): IT heat 1,455 W x 3.412 = 4,964 BTU/h; PUE 1.6; no
    humidity stated; dry cooling, so 0 L of water and a WUE of 0.00."""
    _, report = _example("retail_store_rack")
    rows = dict(site_figures(report))
    assert rows["Heat, IT alone"] == "1,455 W (4,964 BTU/h)"
    assert rows["Airflow the IT pulls through"].endswith("CFM)")
    assert rows["Airflow to carry all the heat"].startswith("429 m\u00b3/h")
    assert rows["Room humidity"] == "not stated by the site"
    assert rows["PUE (estimate)"] == "1.60"
    assert "CUE 0.090 kg per IT kWh" in rows["CO\u2082 a year"]
    assert rows["Water a year"] == "0 L (WUE 0.00 L per IT kWh)"


def test_site_figures_say_the_rooms_humidity_when_given() -> None:
    """27 degC at 60 % RH: dew point 18.6 degC (Magnus, L3)."""
    spec, _ = _example("retail_store_rack")
    site = spec.site.model_copy(
        update={"ambient_max_c": 27, "relative_humidity_max_pct": 60, "dew_point_max_c": None}
    )
    report = evaluate(spec.model_copy(update={"site": site}))
    rows = dict(site_figures(report))
    assert rows["Room humidity at its warmest"] == "60 % RH, dew point 18.6 \u00b0C"
