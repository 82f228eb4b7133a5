"""NetBox import, issue 12: unknown is not zero, never better than the data, assumed listed.

Each rule is checked on synthetic YAML files and on the shared devicetype-library subset.
"""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from catalog.importers.netbox_read import load_yaml
from catalog.models import Component
from catalog.validation import validate_spec
from tests.catalog.netbox_samples import (
    LIBRARY,
    device,
    inlets,
    needs_library,
    outlets,
    parse_one,
    subset_drafts,
    write_yaml,
)


def _ups(model: str, **fields: Any) -> dict[str, Any]:
    return device(model, interfaces=[], **{"power-outlets": outlets(8), **fields})


def _assumed(fields: dict[str, Any]) -> dict[str, Any]:
    return {entry["field"]: entry["value"] for entry in fields["assumed"]}


# --------------------------------------------------------------------------- weight, airflow


@pytest.mark.parametrize(
    ("fields", "note"),
    [
        ({}, "weight not in source: unknown"),
        ({"weight": 0, "weight_unit": "kg"}, "weight 0 in source read as unknown"),
    ],
)
def test_device_without_weight_is_weight_unknown_not_zero(
    tmp_path: Path, fields: dict[str, Any], note: str
) -> None:
    """No weight (or 0) is not sent: the row's weight is unknown, and the notes say so."""
    draft = parse_one(tmp_path, device("Box", **fields))
    assert "weight_kg" not in draft.fields
    assert note in draft.fields["comments"]


@pytest.mark.parametrize("airflow", [None, "mixed", "bottom-to-top"])
def test_device_without_stated_airflow_is_airflow_unknown_not_passive(
    tmp_path: Path, airflow: str | None
) -> None:
    """A missing or unmappable airflow is unknown, never passive."""
    data = device("Box") if airflow is None else device("Box", airflow=airflow)
    draft = parse_one(tmp_path, data)
    assert "airflow" not in draft.fields
    assert "unknown (an airflow entered by hand is kept)" in draft.fields["comments"]


@pytest.mark.django_db
def test_imported_row_without_weight_and_airflow_stores_unknown(tmp_path: Path) -> None:
    """A new row is unknown; a weight and airflow entered by hand survive a re-import."""
    write_yaml(tmp_path, "device-types/Acme/box.yaml", device("Box"))
    call_command("import_devicetypes", str(tmp_path), stdout=StringIO())
    box = Component.objects.get(sku="Box")
    assert (box.weight_kg, box.airflow) == (None, None)

    Component.objects.filter(pk=box.pk).update(weight_kg=Decimal(7), airflow="front_to_back")
    out = StringIO()
    call_command("import_devicetypes", str(tmp_path), stdout=out)
    box.refresh_from_db()
    assert (box.weight_kg, box.airflow) == (Decimal("7.00"), "front_to_back")
    assert "unchanged 1." in out.getvalue()


@needs_library
@pytest.mark.django_db
def test_subset_weights_and_airflows_are_stated_or_unknown() -> None:
    """After importing the subset, every weight and airflow is the file's, or unknown."""
    call_command("import_devicetypes", str(LIBRARY), stdout=StringIO())
    assert not Component.objects.filter(weight_kg=0).exists()
    stated_weight = stated_airflow = 0
    for component in Component.objects.exclude(kind="rack"):
        data = load_yaml(LIBRARY / component.source_ref, component.source_ref)
        if data.get("weight"):
            stated_weight += 1
            assert component.weight_kg is not None, component.source_ref
        else:
            assert component.weight_kg is None, component.source_ref
        if data.get("airflow"):
            stated_airflow += 1
            assert component.airflow is not None, component.source_ref
        else:
            assert component.airflow is None, component.source_ref
    # The subset: 112 of 213 device types state a weight, 111 an airflow.
    assert (stated_weight, stated_airflow) == (112, 111)


# --------------------------------------------------------------------------- UPS


def test_ups_kw_is_never_assumed_above_its_inlet_maximum_draw(tmp_path: Path) -> None:
    """0.9 x 3 kVA = 2.7 kW, but the inlet draws at most 2100 W: 2.1 kW, listed as assumed."""
    data = _ups("Smart-UPS C 3000", **{"power-ports": inlets("In", kind="iec-60320-c20",
                                                            draw=2100)})  # fmt: skip
    draft = parse_one(tmp_path, data)
    assert draft.kind == "ups"
    assert draft.fields["spec"]["kw"] == 2.1
    (entry,) = [e for e in draft.fields["assumed"] if e["field"] == "spec.kw"]
    assert entry["value"] == 2.1
    assert "above the inlet's maximum_draw of 2100 W" in entry["why"]


def test_ups_kw_within_the_inlet_keeps_the_power_factor_assumption(tmp_path: Path) -> None:
    """An inlet rated above 0.9 x kVA does not change the C3 figure."""
    data = _ups("UPS 1500", **{"power-ports": inlets("In", draw=2300)})
    draft = parse_one(tmp_path, data)
    assert draft.fields["spec"]["kw"] == 1.35
    assert _assumed(draft.fields)["spec.kw"] == 1.35


def test_ups_stated_kw_is_kept_and_a_disagreeing_inlet_is_noted(tmp_path: Path) -> None:
    """A stated figure is data: it is not assumed, but a contradiction is pointed out."""
    data = _ups(
        "UPS 3000",
        comments="Online UPS, 3000 VA / 2700 W",
        **{"power-ports": inlets("In", kind="iec-60320-c20", draw=2100)},
    )
    draft = parse_one(tmp_path, data)
    assert draft.fields["spec"]["kw"] == 2.7
    assert "spec.kw" not in _assumed(draft.fields)
    assert "stated kw 2.7 is above the inlet's maximum_draw 2100 W" in draft.fields["comments"]


def test_ups_inlet_below_a_real_rating_does_not_bound_kw(tmp_path: Path) -> None:
    """10 W is the unit's own electronics, not its input rating: said, and not used."""
    data = _ups("UPS 1000", **{"power-ports": inlets("In", draw=10)})
    draft = parse_one(tmp_path, data)
    assert draft.fields["spec"]["kw"] == 0.9
    assert "too small to be the UPS's input rating" in draft.fields["comments"]


@pytest.mark.parametrize(
    ("text", "topology"),
    [
        ("", None),
        ("Rack UPS 2U", None),
        ("Line-interactive UPS", "line_interactive"),
        ("On-line double conversion UPS", "online_double_conversion"),
        ("Standby UPS", "standby"),
    ],
)
def test_ups_topology_is_unknown_unless_the_data_states_it(
    tmp_path: Path, text: str, topology: str | None
) -> None:
    """Never online by default: an unstated topology is None in the stored spec."""
    draft = parse_one(tmp_path, _ups("UPS 2000", comments=text))
    spec = validate_spec("ups", draft.fields["spec"])
    assert spec["topology"] == topology
    assert ("topology not stated: unknown" in draft.fields["comments"]) is (topology is None)
    assert "spec.topology" not in _assumed(draft.fields)


@pytest.mark.parametrize(
    ("plug", "amps"), [("iec-60320-c14", 10), ("iec-60320-c20", 16), ("nema-5-20p", 20)]
)
def test_ups_inlet_current_comes_from_the_plug(tmp_path: Path, plug: str, amps: float) -> None:
    """The inlet's plug bounds the UPS's input: the engine checks the supply against it."""
    draft = parse_one(tmp_path, _ups("UPS 1500", **{"power-ports": inlets("In", kind=plug)}))
    assert draft.fields["spec"]["input_current_a"] == amps


@needs_library
def test_subset_upss_never_assume_kw_above_the_inlet_nor_an_unstated_topology() -> None:
    """On the subset: assumed kW <= inlet maximum_draw; no assumed online topology."""
    capped = {}
    for path, draft in subset_drafts().items():
        if draft.kind != "ups":
            continue
        data = load_yaml(LIBRARY / path, path)
        draws = [p.get("maximum_draw") for p in data.get("power-ports") or []]
        inlet = max((d for d in draws if d and d >= 50), default=None)
        spec, assumed = draft.fields["spec"], _assumed(draft.fields)
        if "spec.kw" in assumed and inlet is not None:
            assert spec["kw"] * 1000 <= inlet, path
            (why,) = [e["why"] for e in draft.fields["assumed"] if e["field"] == "spec.kw"]
            if "the inlet's figure is used" in why:
                capped[path.rsplit("/", 1)[1]] = spec["kw"]
        if spec.get("topology") is not None:
            # Said by the unit's own text, never by its maker's name ("ONLINE USV-Systeme").
            said = " ".join(
                str(data.get(key, ""))
                for key in ("model", "part_number", "comments", "description")
            ).lower()
            assert re.search(r"interactive|on-?line|double|standby|off-?line|avr", said), path
        assert "spec.topology" not in assumed
    xanto = subset_drafts()["device-types/ONLINE USV-Systeme/X1000R.yaml"]
    assert "topology" not in xanto.fields["spec"]
    assert capped == {
        "SMC3000RMI2U.yml": 2.1,
        "SMT1000RMI2UC.yaml": 0.7,
        "SMT750I.yaml": 0.5,
        "SURTD3000XLI.yml": 2.1,
        "OR1000LCDRM1U.yaml": 0.6,
        "OR2200LCDRT2U.yaml": 1.32,
        "Tripp-Lite-SMART2200CRMXL.yaml": 1.92,
    }


# --------------------------------------------------------------------------- PDU voltage


@pytest.mark.parametrize(
    ("inlet", "outlet", "volts", "assumed"),
    [
        ("iec-60320-c14", "ita-f", 230, False),  # Schuko sockets: a 230 V strip
        ("iec-60320-c14", "nema-5-15r", 120, False),  # NEMA 5 sockets: a 120 V strip
        ("iec-60320-c20", "iec-60320-c13", 230, True),  # nothing says: assumed, and listed
        ("nema-l6-30p", "nema-5-15r", 208, False),  # the inlet plug speaks first
    ],
)
def test_pdu_voltage_comes_from_its_outlets_when_the_inlet_does_not_say(
    tmp_path: Path, inlet: str, outlet: str, volts: float, assumed: bool
) -> None:
    """Text, then the inlet plug, then the outlets; only then 230 V, listed as assumed."""
    data = device(
        "Strip", interfaces=[],
        **{"power-ports": inlets("In", kind=inlet), "power-outlets": outlets(6, outlet)},
    )  # fmt: skip
    draft = parse_one(tmp_path, data)
    assert draft.kind == "pdu"
    assert draft.fields["spec"]["voltage_v"] == volts
    assert ("spec.voltage_v" in _assumed(draft.fields)) is assumed


@needs_library
def test_subset_power_gear_reads_voltage_from_outlets() -> None:
    """Bachmann and Rittal strips (Schuko) are 230 V by their outlets; WTI's ATS 120 V."""
    drafts = subset_drafts()
    for path, volts in (
        ("device-types/Bachmann/Bachmann-9x-power-socket.yml", 230),
        ("device-types/Rittal/DK-7240-210.yml", 230),
        ("device-types/WTI/NPS-8H20-ATS-1.yml", 120),
    ):
        draft = drafts[path]
        assert draft.fields["spec"]["voltage_v"] == volts, path
        assert "spec.voltage_v" not in _assumed(draft.fields), path
        assert "outlets" in draft.fields["comments"], path


# --------------------------------------------------------------------------- assumed list


@needs_library
def test_subset_assumed_lists_match_the_figures_they_name() -> None:
    """Every assumed entry names a figure of the draft with exactly the assumed value, and
    every "spec assumed from import" comment has structured entries behind it."""
    for path, draft in subset_drafts().items():
        fields = draft.fields
        spec = validate_spec(draft.kind, fields["spec"])
        for entry in fields["assumed"]:
            name = entry["field"]
            value = spec[name[5:]] if name.startswith("spec.") else fields[name]
            assert value == entry["value"], (path, name)
            assert entry["why"], (path, name)
        assert ("spec assumed from import" in fields["comments"]) is bool(
            [e for e in fields["assumed"] if e["field"].startswith("spec.")]
        ), path


@needs_library
@pytest.mark.django_db
def test_imported_assumed_figures_reach_the_catalogue_row() -> None:
    """The importer's list is stored per component and stays put on a re-import."""
    call_command("import_devicetypes", str(LIBRARY), stdout=StringIO())
    ups = Component.objects.get(sku="SMC3000RMI2U")
    assert [(e["field"], e["value"]) for e in ups.assumed] == [("spec.kw", 2.1)]
    assert ups.spec["topology"] is None
    assert Component.objects.exclude(assumed=[]).count() > 40
