"""NetBox devicetype-library import: mapping rules, kind inference, atomicity, the whole subset."""

from __future__ import annotations

import logging
import re
import shutil
from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.importers.netbox import (
    DeviceTypeError,
    infer_kind,
    map_device_type,
    map_rack_type,
    parse_library,
)
from catalog.models import Component, Manufacturer

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "netbox"
SAMPLES = FIXTURES / "library"
# The repository sits next to a `shared/` folder (also in CI, where the clone has it beside).
LIBRARY = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "devicetype-library"
needs_library = pytest.mark.skipif(
    not (LIBRARY / "device-types").is_dir(),
    reason=f"shared devicetype-library subset not found at {LIBRARY.resolve()}",
)


def _device(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "manufacturer": "Acme",
        "model": "Box 1",
        "slug": "acme-box-1",
        "u_height": 1,
        "is_full_depth": True,
        "interfaces": [{"name": "eth0", "type": "1000base-t"}],
    }
    data.update(overrides)
    return data


def _ports(*figures: tuple[float | None, float | None], kind: str = "iec-60320-c14") -> list[Any]:
    ports = []
    for i, (maximum, allocated) in enumerate(figures):
        port: dict[str, Any] = {"name": f"PSU{i}", "type": kind}
        if maximum is not None:
            port["maximum_draw"] = maximum
        if allocated is not None:
            port["allocated_draw"] = allocated
        ports.append(port)
    return ports


def _by_sku(sku: str) -> Component:
    return Component.objects.select_related("manufacturer").get(sku=sku)


# --------------------------------------------------------------------------- power rules


def test_equal_power_ports_are_redundant_supplies_not_a_sum() -> None:
    """Two ports of equal maximum_draw are feeds A/B: the draw is one port's figure."""
    draft = map_device_type(_device(**{"power-ports": _ports((750, 300), (750, 300))}), "x.yaml")
    assert draft.fields["nameplate_w"] == Decimal("750")
    assert draft.fields["typical_w"] == Decimal("300")
    assert draft.fields["spec"] == {
        "kind": "it",
        "psu_connector": "C14",
        "psu_count": 2,
        "redundant_psus": True,
        "psu_rating_w": 750,
    }


def test_different_power_ports_are_additive() -> None:
    """Ports with different draws feed different loads inside the device: they add up."""
    draft = map_device_type(_device(**{"power-ports": _ports((120, 60), (380, 100))}), "x.yaml")
    assert draft.fields["nameplate_w"] == Decimal("500")
    assert draft.fields["typical_w"] == Decimal("160")
    assert draft.fields["spec"]["psu_count"] == 2
    assert "redundant_psus" not in draft.fields["spec"]
    assert "psu_rating_w" not in draft.fields["spec"]


def test_single_port_draws_map_to_nameplate_and_typical() -> None:
    """maximum_draw -> nameplate_w, allocated_draw -> typical_w."""
    draft = map_device_type(_device(**{"power-ports": _ports((250, 100))}), "x.yaml")
    assert (draft.fields["nameplate_w"], draft.fields["typical_w"]) == (Decimal(250), Decimal(100))
    assert draft.fields["spec"]["psu_count"] == 1


def test_dc_terminal_ports_give_a_dc_connector() -> None:
    """A device fed only by DC terminals needs a DC feed, not a C13 outlet."""
    draft = map_device_type(
        _device(**{"power-ports": _ports((40, None), (40, None), kind="dc-terminal")}), "x.yaml"
    )
    assert draft.fields["spec"]["psu_connector"] == "dc"


@pytest.mark.parametrize("ports", [[], _ports((None, None), (None, None))])
def test_missing_power_stays_unknown_never_zero(ports: list[Any]) -> None:
    """No draw in the source means power unknown (None), so the UI asks for it."""
    draft = map_device_type(_device(**{"power-ports": ports}), "x.yaml")
    assert draft.fields["nameplate_w"] is None
    assert draft.fields["typical_w"] is None
    assert "power unknown" in draft.fields["comments"]


def test_zero_watt_draw_is_read_as_unknown() -> None:
    """0 W is how an empty field sometimes gets exported; it is never stored as a draw."""
    draft = map_device_type(_device(**{"power-ports": _ports((0, None))}), "x.yaml")
    assert draft.fields["nameplate_w"] is None
    assert "treated as unknown" in draft.fields["comments"]


def test_ups_inlet_draw_is_not_its_nameplate() -> None:
    """On a UPS the inlet maximum_draw is an input rating, not a consumption figure."""
    data = _device(
        model="SMT1500RMI2U",
        part_number="SMT1500RMI2U",
        interfaces=[],
        **{
            "power-ports": _ports((2300, None)),
            "power-outlets": [{"name": "1", "type": "iec-60320-c13"}],
        },
    )
    draft = map_device_type(data, "x.yaml")
    assert draft.kind == "ups"
    assert draft.fields["nameplate_w"] is None
    assert "2300 W is an input rating" in draft.fields["comments"]


# --------------------------------------------------------------------------- physical rules


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(0, "0"), (0.5, "0.5"), ("2.0", "2.0"), (2, "2"), (1.5, "1.5"), (0.0, "0.0")],
)
def test_u_height_accepts_zero_halves_floats_and_strings(raw: Any, expected: str) -> None:
    """Zero-U and half-U devices exist; ints, floats and numeric strings all appear."""
    draft = map_device_type(_device(u_height=raw), "x.yaml")
    assert draft.fields["u_height"] == Decimal(expected)


def test_bad_u_height_names_file_and_field() -> None:
    """A value that is not a number stops the import with the file and field named."""
    with pytest.raises(DeviceTypeError) as info:
        map_device_type(_device(u_height="abc"), "device-types/X/Y.yaml")
    assert str(info.value) == "device-types/X/Y.yaml: u_height: could not convert 'abc'"


def test_u_height_must_be_a_multiple_of_half_a_unit() -> None:
    """0.3 U cannot be placed in a rack."""
    with pytest.raises(DeviceTypeError, match=r"u_height: must be a multiple of 0.5 U"):
        map_device_type(_device(u_height=0.3), "x.yaml")


@pytest.mark.parametrize(
    ("weight", "unit", "kg"),
    [(10, "kg", "10"), (9.92, "lb", "4.50"), (16, "oz", "0.45"), (455, "g", "0.46")],
)
def test_weight_is_converted_to_kg(weight: float, unit: str, kg: str) -> None:
    """1 lb = 0.45359237 kg, 1 oz = 0.028349523125 kg, 1 g = 0.001 kg."""
    draft = map_device_type(_device(weight=weight, weight_unit=unit), "x.yaml")
    assert draft.fields["weight_kg"] == Decimal(kg)


def test_unknown_weight_unit_is_an_error() -> None:
    """A weight without a known unit is ambiguous by a factor of 2.2: refuse it."""
    with pytest.raises(DeviceTypeError, match=r"weight_unit: unknown unit 'stone'"):
        map_device_type(_device(weight=3, weight_unit="stone"), "x.yaml")


def test_missing_weight_leaves_the_column_alone() -> None:
    """An unknown weight is not sent: a new row starts unknown, a manual value survives."""
    draft = map_device_type(_device(), "x.yaml")
    assert "weight_kg" not in draft.fields
    assert "weight not in source" in draft.fields["comments"]


@pytest.mark.parametrize(
    ("airflow", "expected"),
    [
        ("front-to-rear", "front_to_back"),
        ("rear-to-front", "back_to_front"),
        ("left-to-right", "side_to_side"),
        ("right-to-left", "side_to_side"),
        ("side-to-rear", "side_to_side"),
        ("passive", "passive"),
    ],
)
def test_airflow_maps_to_the_engine_vocabulary(airflow: str, expected: str) -> None:
    """NetBox airflow values map to ours."""
    draft = map_device_type(_device(airflow=airflow), "x.yaml")
    assert draft.fields["airflow"] == expected


def test_airflow_without_equivalent_is_unknown_and_noted() -> None:
    """'mixed' has no equivalent: the airflow stays unknown (never passive) and it is said."""
    draft = map_device_type(_device(airflow="mixed"), "x.yaml")
    assert "airflow" not in draft.fields
    assert "airflow 'mixed' has no equivalent: unknown" in draft.fields["comments"]


def test_sku_falls_back_to_model_when_no_part_number() -> None:
    """part_number is the SKU; without it the model name is."""
    assert map_device_type(_device(part_number="P-1"), "x.yaml").sku == "P-1"
    assert map_device_type(_device(), "x.yaml").sku == "Box 1"


def test_unknown_keys_are_ignored_with_a_debug_log(caplog: pytest.LogCaptureFixture) -> None:
    """New NetBox keys must not break the import; they are logged at debug level."""
    with caplog.at_level(logging.DEBUG, logger="catalog.importers.netbox"):
        map_device_type(_device(shiny_new_key=1), "x.yaml")
    assert "ignoring unknown keys shiny_new_key" in caplog.text


def test_kind_override_wins() -> None:
    """--kind replaces the inference for every device type."""
    draft = map_device_type(_device(), "x.yaml", kind="storage")
    assert (draft.kind, draft.kind_rule) == ("storage", "--kind")


def test_kind_override_refuses_kinds_netbox_cannot_fill() -> None:
    """A cooling spec needs capacities the NetBox schema does not carry."""
    with pytest.raises(DeviceTypeError, match="cannot import a device type as 'cooling'"):
        map_device_type(_device(), "x.yaml", kind="cooling")


@pytest.mark.parametrize(
    ("overrides", "kind", "why"),
    [
        (
            {
                "comments": "Smart-UPS X 120V External Battery Pack",
                "power-ports": [{"name": "DC", "type": "other"}],
            },
            "battery",
            "battery words beat the UPS name",
        ),
        (
            {"comments": "Rack Transfer Switch PDU", "power-outlets": [{"name": "1"}]},
            "ats",
            "transfer switch beats the outlets",
        ),
        ({"model": "PortServer TS 16"}, "monitoring", "console server before storage 'TS-'"),
        ({"model": "Catalyst C8200 Edge Platform"}, "router", "router before 'Catalyst'"),
        ({"interfaces": [{"name": f"p{i}"} for i in range(24)]}, "switch", "many ports"),
        ({"is_powered": False, "interfaces": []}, "accessory", "unpowered"),
        ({}, "server", "default"),
    ],
)
def test_kind_rules_are_ordered(overrides: dict[str, Any], kind: str, why: str) -> None:
    """The first matching rule decides; the order resolves overlapping words."""
    assert infer_kind(_device(**overrides))[0] == kind, why


# --------------------------------------------------------------------------- power gear specs


@pytest.mark.parametrize(
    ("model", "part", "comments", "kva"),
    [
        ("SMT1500RMI2U", "SMT1500RMI2U", "", 1.5),
        ("Smart-UPS SRT 5KRM", "SRT5KRMXLI", "", 5.0),
        ("Xanto 3000 R", "X3000R", "", 3.0),
        ("Some UPS", "U-1", "Online UPS, 6 kVA, 230V", 6.0),
    ],
)
def test_ups_kva_is_parsed_from_name_part_or_text(
    model: str, part: str, comments: str, kva: float
) -> None:
    """kVA comes from the text, else 'NK' or a VA number in the model / part number."""
    data = _device(model=model, part_number=part, comments=comments, interfaces=[])
    draft = map_device_type(data, "x.yaml", kind="ups")
    assert draft.fields["spec"]["kva"] == kva
    assert draft.fields["spec"]["kw"] == pytest.approx(0.9 * kva)
    assert "kw (= 0.9 x kVA, C3 output PF assumption)" in draft.fields["comments"]


def test_ups_stated_real_power_is_used() -> None:
    """'2200 VA, 1980 W' gives kW directly, no power-factor assumption."""
    data = _device(model="5PX2200IRT", comments="Eaton 5PX UPS, 2200 VA, 1980 W", interfaces=[])
    spec = map_device_type(data, "x.yaml", kind="ups").fields["spec"]
    assert (spec["kva"], spec["kw"]) == (2.2, 1.98)


def test_pdu_without_figures_gets_valid_defaults_said_in_comments() -> None:
    """Unknown voltage/current/phases: 230 V, 16 A, 1 phase, each listed as assumed."""
    data = _device(
        model="Strip", interfaces=[], **{"power-outlets": [{"name": "1", "type": "other"}]}
    )
    draft = map_device_type(data, "x.yaml")
    assert draft.kind == "pdu"
    spec = draft.fields["spec"]
    assert (spec["voltage_v"], spec["input_current_a"], spec["phases"]) == (230, 16, 1)
    assert spec["outlets_other"] == 1
    assert (
        "spec assumed from import: voltage_v (230 V), phases (1), input_current_a (16 A)"
        in draft.fields["comments"]
    )


def test_pdu_amps_volts_and_outlets_come_from_the_text_and_outlets() -> None:
    """'30A, 208V' in the text and the outlet list fill the PDU spec."""
    outlets = [{"name": str(i), "type": "iec-60320-c13"} for i in range(21)] + [
        {"name": "c19", "type": "iec-60320-c19"}
    ]
    data = _device(
        model="AP8641",
        comments="Rack PDU 2G, Switched, ZeroU, 30A, 208V, (21) C13",
        interfaces=[],
        **{"power-outlets": outlets, "power-ports": _ports((None, None), kind="nema-l6-30p")},
    )
    spec = map_device_type(data, "x.yaml").fields["spec"]
    assert (spec["input_current_a"], spec["voltage_v"]) == (30, 208)
    assert (spec["outlets_c13"], spec["outlets_c19"], spec["switched"]) == (21, 1, True)


# --------------------------------------------------------------------------- racks


def _rack(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "manufacturer": "Acme",
        "model": "R42",
        "slug": "acme-r42",
        "form_factor": "4-post-cabinet",
        "u_height": 42,
        "outer_width": 600,
        "outer_depth": 1200,
        "outer_unit": "mm",
        "mounting_depth": 1000,
        "weight": 120,
        "max_weight": 1500,
        "weight_unit": "kg",
    }
    data.update(overrides)
    return data


def test_rack_type_maps_to_rack_spec() -> None:
    """u, width, depth, usable depth and static load; no dynamic rating in NetBox."""
    draft = map_rack_type(_rack(), "rack-types/Acme/R42.yaml")
    assert draft.kind == "rack"
    assert draft.fields["spec"] == {
        "kind": "rack",
        "u": 42,
        "width_mm": 600,
        "depth_mm": 1200,
        "max_device_depth_mm": 1000,
        "static_load_kg": 1500,
    }
    assert draft.fields["depth_mm"] == 1200
    assert draft.fields["weight_kg"] == Decimal("120")


def test_rack_in_inches_and_pounds_is_converted() -> None:
    """outer_* in inches -> mm; max_weight in lb -> kg."""
    draft = map_rack_type(
        _rack(outer_unit="in", outer_width=24, outer_depth=42, max_weight=2000, weight_unit="lb"),
        "x.yaml",
    )
    spec = draft.fields["spec"]
    assert (spec["width_mm"], spec["depth_mm"]) == (609.6, 1066.8)
    assert spec["static_load_kg"] == pytest.approx(907.18)


def test_rack_load_from_description_when_max_weight_missing() -> None:
    """A load stated only in the description ('load rating 800 kg') is used."""
    draft = map_rack_type(_rack(max_weight=None, description="15U, load rating 800 kg"), "x.yaml")
    assert draft.fields["spec"]["static_load_kg"] == 800


def test_rack_without_any_load_rating_assumes_680_kg_and_says_so() -> None:
    """The EIA historic rating is used, never silently."""
    draft = map_rack_type(_rack(max_weight=None, description="plain cabinet"), "x.yaml")
    assert draft.fields["spec"]["static_load_kg"] == 680
    assert (
        "static load rating not in source; 680 kg assumed (EIA historic rating)"
        in draft.fields["comments"]
    )


def test_rack_needs_whole_units() -> None:
    """A 42.5 U rack does not exist."""
    with pytest.raises(DeviceTypeError, match="u_height: a rack needs 1 to 60 whole units"):
        map_rack_type(_rack(u_height=42.5), "x.yaml")


# --------------------------------------------------------------------------- fixture library


def test_sample_library_parses_every_edge_case() -> None:
    """Comments before '---', octal-looking part numbers, PSU module bays, units."""
    parsed = parse_library([SAMPLES])
    drafts = {d.path: d for d in parsed.drafts}
    assert len(parsed.module_types) == 1
    assert len(drafts) == 11
    # YAML 1.1 would read 0123456 as an octal number; the part number stays text.
    assert drafts["device-types/Acme/zero-u-pdu.yaml"].sku == "0123456"
    linked = drafts["device-types/Acme/psu-bay-server.yaml"]
    assert linked.fields["spec"] == {
        "kind": "it",
        "psu_count": 2,
        "redundant_psus": True,
        "psu_rating_w": 800,
    }
    assert linked.fields["nameplate_w"] is None  # a PSU rating is not a draw
    unlinked = drafts["device-types/Acme/unlinked-bay-server.yaml"]
    assert "psu_rating_w" not in unlinked.fields["spec"]
    assert "no module type is linked" in unlinked.fields["comments"]


def test_module_type_link_needs_the_same_manufacturer() -> None:
    """A part number named in the text links only to that maker's module types."""
    modules = parse_library([SAMPLES / "module-types"]).module_types
    data = _device(
        manufacturer="Other", comments="uses ACME-PSU-800", **{"module-bays": [{"name": "PSU-1"}]}
    )
    draft = map_device_type(data, "x.yaml", module_types=modules)
    assert "psu_rating_w" not in draft.fields["spec"]


@pytest.mark.django_db
def test_import_command_creates_then_updates_instead_of_duplicating() -> None:
    """A second import of the same files changes nothing and adds no rows."""
    out = StringIO()
    call_command("import_devicetypes", str(SAMPLES), stdout=out)
    assert Component.objects.count() == 11
    assert re.search(r"imported 11 components in \d+\.\d\d s", out.getvalue())
    server = _by_sku("R200-BASE")
    assert server.source == "netbox"
    assert server.source_ref == "device-types/Acme/redundant-server.yaml"
    assert server.list_price == Decimal("0.00")
    assert server.weight_kg == Decimal("19.96")  # 44 lb

    out = StringIO()
    call_command("import_devicetypes", str(SAMPLES), stdout=out)
    assert Component.objects.count() == 11
    assert "created 0, updated 0, unchanged 11." in out.getvalue()


@pytest.mark.django_db
def test_reimport_keeps_commercial_fields() -> None:
    """Prices and lead times belong to the catalogue manager, not to NetBox."""
    call_command("import_devicetypes", str(SAMPLES), stdout=StringIO())
    Component.objects.filter(sku="R200-BASE").update(list_price=Decimal(999), lead_time_days=7)
    call_command("import_devicetypes", str(SAMPLES), stdout=StringIO())
    server = _by_sku("R200-BASE")
    assert (server.list_price, server.lead_time_days) == (Decimal("999.00"), 7)


@pytest.mark.django_db
def test_dry_run_reports_field_diffs_and_writes_nothing() -> None:
    """--dry-run shows what would change, field by field, and leaves the rows as they were."""
    call_command("import_devicetypes", str(SAMPLES), stdout=StringIO())
    Component.objects.filter(sku="R200-BASE").update(nameplate_w=Decimal(600))
    out = StringIO()
    call_command("import_devicetypes", str(SAMPLES), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "updated  Acme R200-BASE (server)" in text
    assert "nameplate_w: 600.0 -> 500.0" in text
    assert "would be updated 1" in text
    assert "nothing written" in text
    assert _by_sku("R200-BASE").nameplate_w == Decimal(600)


@pytest.mark.django_db
def test_dry_run_on_an_empty_catalogue_creates_nothing() -> None:
    """Not even the manufacturers are kept."""
    call_command("import_devicetypes", str(SAMPLES), "--dry-run", stdout=StringIO())
    assert Component.objects.count() == 0
    assert Manufacturer.objects.count() == 0


@pytest.mark.django_db
def test_one_bad_file_aborts_the_whole_run(tmp_path: Path) -> None:
    """Nothing is half-imported, and the error names the file and the field."""
    shutil.copytree(SAMPLES, tmp_path, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "bad", tmp_path, dirs_exist_ok=True)
    with pytest.raises(CommandError) as info:
        call_command("import_devicetypes", str(tmp_path), stdout=StringIO())
    assert "device-types/Acme/bad-u-height.yaml: u_height: could not convert 'abc'" in str(
        info.value
    )
    assert Component.objects.count() == 0


@pytest.mark.django_db
def test_validation_error_late_in_the_run_rolls_everything_back(tmp_path: Path) -> None:
    """A row refused by the catalogue validator undoes the rows written before it."""
    shutil.copytree(SAMPLES, tmp_path, dirs_exist_ok=True)
    bad = tmp_path / "rack-types" / "Zeta" / "deep.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "manufacturer: Zeta\nmodel: Z1\nslug: zeta-z1\nform_factor: 4-post-cabinet\n"
        "u_height: 42\nouter_width: 600\nouter_depth: 800\nouter_unit: mm\n"
        "mounting_depth: 900\nmax_weight: 1000\nweight_unit: kg\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as info:
        call_command("import_devicetypes", str(tmp_path), stdout=StringIO())
    message = str(info.value)
    assert message.startswith("rack-types/Zeta/deep.yaml: ")
    assert "max_device_depth_mm cannot exceed depth_mm" in message
    assert Component.objects.count() == 0


@pytest.mark.django_db
def test_library_root_sets_source_ref() -> None:
    """source_ref is relative to --library-root when given."""
    call_command(
        "import_devicetypes",
        str(SAMPLES / "rack-types"),
        "--library-root",
        str(FIXTURES),
        stdout=StringIO(),
    )
    rack = _by_sku("Acme Cabinet 24U")
    assert rack.source_ref == "library/rack-types/Acme/rack-in-inches.yaml"


# --------------------------------------------------------------------------- the shared subset


def _source_categories() -> dict[str, list[str]]:
    """File lists per category, read from the subset's SOURCE.md."""
    categories: dict[str, list[str]] = {}
    current = None
    for line in (LIBRARY / "SOURCE.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"### (.+) \(\d+\)$", line)
        if heading:
            current = heading[1]
            categories[current] = []
        elif current and line.startswith("- `"):
            categories[current].append(line[3:-1])
    return categories


# Our kinds for each SOURCE.md category; the exceptions are devices whose category in that
# table is coarser than our kinds (a storage array among the servers, a monitoring unit
# among the passive items).
EXPECTED_KINDS = {
    "server (device-level power data)": {"server"},
    "server (power only via PSU module bays / no draw; incl. GPU servers)": {
        "server",
        "gpu_server",
        "storage",
    },
    "switch": {"switch"},
    "router / firewall / edge gateway": {"router"},
    "UPS / battery module": {"ups", "battery"},
    "PDU / ATS / power strip": {"pdu", "ats"},
    "storage": {"storage"},
    "console / KVM / out-of-band / timing": {"monitoring"},
    "passive rack item / cooling-enclosure accessory (no power)": {"accessory", "monitoring"},
}


@needs_library
def test_kind_inference_matches_the_source_categories() -> None:
    """Every file of the shared subset gets a kind its SOURCE.md category allows."""
    categories = _source_categories()
    assert set(EXPECTED_KINDS) <= set(categories)
    inferred = {draft.path: draft.kind for draft in parse_library([LIBRARY]).drafts}
    kinds: dict[str, Counter[str]] = {}
    for category, allowed in EXPECTED_KINDS.items():
        counter: Counter[str] = Counter()
        for rel in categories[category]:
            kind = inferred[rel]
            assert kind in allowed, f"{rel}: {kind} not in {allowed}"
            counter[kind] += 1
        kinds[category] = counter
    assert kinds["UPS / battery module"] == Counter(ups=25, battery=2)
    # Tripp Lite's PDUMH15AT and PDUMH20HVAT: two inlets named Primary / Secondary.
    assert kinds["PDU / ATS / power strip"] == Counter(pdu=27, ats=7)
    assert kinds["switch"] == Counter(switch=64)
    assert kinds["router / firewall / edge gateway"] == Counter(router=25)
    assert kinds["storage"] == Counter(storage=13)
    assert kinds["console / KVM / out-of-band / timing"] == Counter(monitoring=11)
    assert kinds["server (device-level power data)"] == Counter(server=21)
    assert kinds["server (power only via PSU module bays / no draw; incl. GPU servers)"] == (
        Counter(server=7, gpu_server=2, storage=1)
    )
    assert kinds["passive rack item / cooling-enclosure accessory (no power)"] == Counter(
        accessory=7, monitoring=1
    )


@needs_library
@pytest.mark.django_db
def test_whole_subset_imports_with_hand_checked_values() -> None:
    """213 device types + 16 rack types become components; 20 module types are read."""
    out = StringIO()
    call_command("import_devicetypes", str(LIBRARY), stdout=out)
    text = out.getvalue()
    print(text.strip().splitlines()[-1])  # the timing, for the record (pytest -s shows it)
    assert "249 files read: 229 components" in text
    assert "20 module types read as PSU reference data" in text
    assert re.search(r"imported 229 components in \d+\.\d\d s", text)
    assert Component.objects.count() == 229
    assert Component.objects.filter(kind="rack").count() == 16
    assert Component.objects.exclude(kind="rack").count() == 213
    assert not Component.objects.filter(nameplate_w=0).exists()
    assert not Component.objects.filter(typical_w=0).exists()

    # Dell PowerEdge R640: two 750 W ports (redundant pair) -> 750 W, not 1500 W.
    r640 = Component.objects.get(manufacturer__name="Dell", model_name="PowerEdge R640")
    assert (r640.sku, r640.nameplate_w, r640.u_height) == ("PowerEdge R640", 750, 1)
    assert r640.spec["psu_count"] == 2
    assert r640.spec["redundant_psus"] is True
    assert r640.source_ref == "device-types/Dell/PowerEdge-R640.yaml"

    # Dell PowerEdge R760: PSUs only as module bays -> power unknown, two PSUs.
    r760 = Component.objects.get(manufacturer__name="Dell", model_name="PowerEdge R760")
    assert r760.power_unknown
    assert r760.spec["psu_count"] == 2

    # APC SMT1500RMI2U: 1500 VA line-interactive, kW = 0.9 x kVA; the 2300 W inlet is no draw.
    ups = _by_sku("SMT1500RMI2U")
    assert (ups.kind, ups.spec["kva"], ups.spec["kw"]) == ("ups", 1.5, 1.35)
    assert ups.spec["topology"] == "line_interactive"
    assert ups.nameplate_w is None

    # APC AR1300: max_weight 1020.6 kg; Conteg Ri7 has its load only in the description.
    assert _by_sku("AR1300").spec["static_load_kg"] == 1020.6
    assert _by_sku("Ri7-15-60/60").spec["static_load_kg"] == 800
    assert _by_sku("AR1300").spec["max_device_depth_mm"] == 914.9

    # Arista CCS-720DF-48Y-2F: 9.92 lb -> 4.50 kg.
    assert _by_sku("CCS-720DF-48Y-2F").weight_kg == Decimal("4.50")

    # PC Engines APU6: half-U, 16 oz, 12 W DC.
    apu = _by_sku("apu6")
    assert (apu.u_height, apu.weight_kg, apu.nameplate_w) == (Decimal("0.5"), Decimal("0.45"), 12)
    assert apu.spec["psu_connector"] == "dc"

    # APC AP8853: zero-U metered PDU, 32 A 230 V, outlets counted from the list.
    pdu = _by_sku("AP8853")
    assert (pdu.kind, pdu.u_height) == ("pdu", 0)
    assert (pdu.spec["input_current_a"], pdu.spec["voltage_v"]) == (32, 230)
    assert (pdu.spec["outlets_c13"], pdu.spec["outlets_c19"], pdu.spec["metered"]) == (35, 7, True)

    # Eaton 9PX EBM: a battery pack, with its assumed figures said in the comments.
    ebm = _by_sku("9PXEBM72RT2U")
    assert (ebm.kind, ebm.spec["nominal_v"]) == ("battery", 72)
    assert "spec assumed from import: wh" in ebm.comments

    # Re-import: nothing changes.
    out = StringIO()
    call_command("import_devicetypes", str(LIBRARY), stdout=out)
    assert "created 0, updated 0, unchanged 229." in out.getvalue()
    assert Component.objects.count() == 229


@pytest.mark.django_db
def test_import_keeps_the_source_file_for_the_netbox_hand_off() -> None:
    """The parsed file stays on the component (netbox_type), equal on a re-import."""
    call_command("import_devicetypes", str(SAMPLES), stdout=StringIO())
    server = _by_sku("R200-BASE")
    assert server.netbox_type is not None
    assert server.netbox_type["model"] == server.model_name
    assert [port["name"] for port in server.netbox_type["power-ports"]]
    racks = Component.objects.filter(kind="rack")
    assert racks.exists()
    assert all(rack.netbox_type and "u_height" in rack.netbox_type for rack in racks)
    out = StringIO()
    call_command("import_devicetypes", str(SAMPLES), stdout=out)
    assert "created 0, updated 0, unchanged 11." in out.getvalue()
