"""The NetBox importer and liquid cooling, on real devicetype-library files (reference 8).

The library's schema has no coolant ports or fields, so nothing liquid is inferred: IT device
types come in air-cooled with their liquid figures absent, and the report says so; liquid
words in a device's text, or liquid-named keys outside the schema, are noted in its comments.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from catalog.importers.netbox import parse_library
from catalog.importers.netbox_liquid import LIQUID_FIELDS
from catalog.models import Component
from tests.catalog.test_netbox_import import LIBRARY, needs_library

pytestmark = needs_library

GPU_SERVER = LIBRARY / "device-types" / "Supermicro" / "SYS-421GE-TNRT.yaml"
PDU = LIBRARY / "device-types" / "Server Technology" / "C1W08HC-0ABA2BAC.yaml"
IT_KINDS = {"server", "gpu_server", "switch", "router", "storage", "monitoring"}


def test_the_library_says_nothing_about_liquid_cooling() -> None:
    """No device type in the subset has a key outside the schema naming coolant or liquid, or
    text calling it liquid-cooled; none is imported with a liquid figure or as a CDU or
    facility water source."""
    parsed = parse_library([LIBRARY / "device-types"], library_root=LIBRARY)
    assert parsed.drafts
    for draft in parsed.drafts:
        assert not any("liquid" in note and "not part of" in note for note in draft.notes)
        assert draft.kind not in {"cdu", "facility_water"}, draft.path
        if draft.kind in IT_KINDS:
            assert draft.liquid == "absent", draft.path
            assert not set(LIQUID_FIELDS) & set(draft.fields["spec"]), draft.path
        else:
            assert draft.liquid == ""


def test_a_gpu_server_comes_in_air_cooled_with_its_liquid_fields_marked_absent() -> None:
    """Supermicro SYS-421GE-TNRT (a GPU server): no liquid figure, and its comments say the
    library has none and which fields are absent."""
    (draft,) = parse_library([GPU_SERVER], library_root=LIBRARY).drafts
    assert draft.kind == "gpu_server"
    assert draft.liquid == "absent"
    assert "liquid_fraction" not in draft.fields["spec"]
    assert (
        "liquid cooling not in the library (no coolant ports or fields): imported as air-cooled; "
        "liquid_fraction, coolant_flow_lpm, max_coolant_inlet_c, coolant_connector absent"
    ) in draft.fields["comments"]


def test_liquid_words_and_liquid_keys_are_noted_never_guessed(tmp_path: Path) -> None:
    """The same real file with "direct liquid cooling (cold plates)" in its comments and a
    `coolant-ports` key a newer schema might add: both are noted; no figure is made up."""
    data = yaml.safe_load(GPU_SERVER.read_text(encoding="utf-8"))
    data["comments"] += "\nDirect liquid cooling option with cold plates."
    data["coolant-ports"] = [{"name": "Supply", "type": "uqd-04"}]
    copy = tmp_path / "device-types" / "Supermicro" / GPU_SERVER.name
    copy.parent.mkdir(parents=True)
    copy.write_text(yaml.safe_dump(data), encoding="utf-8")
    (draft,) = parse_library([copy]).drafts
    assert draft.liquid == "stated"
    comments = draft.fields["comments"]
    assert "'coolant-ports' is not part of the NetBox schema" in comments
    assert "the library's text calls it liquid-cooled but its schema has no coolant figures" in (
        comments
    )
    assert not set(LIQUID_FIELDS) & set(draft.fields["spec"])


def test_a_power_strip_is_never_a_coolant_distribution_unit() -> None:
    """Server Technology's strips (which the maker calls CDUs) import as PDUs, no liquid."""
    (draft,) = parse_library([PDU], library_root=LIBRARY).drafts
    assert draft.kind == "pdu"
    assert draft.liquid == ""


@pytest.mark.django_db
def test_the_import_report_counts_the_absent_liquid_figures() -> None:
    """The command's report says liquid cooling is not in the schema and how many IT device
    types came in air-cooled: here the GPU server; the PDU is not IT and not counted."""
    out = StringIO()
    call_command(
        "import_devicetypes", str(GPU_SERVER), str(PDU), "--library-root", str(LIBRARY), stdout=out
    )
    assert (
        "liquid cooling: not in the NetBox schema; 1 IT device types imported air-cooled "
        "(liquid figures absent), 0 say liquid-cooled in their text" in out.getvalue()
    )
    server = Component.objects.get(sku="SYS-421GE-TNRT")
    assert server.spec.get("liquid_fraction") is None
