"""Kind inference, issue 12: server families, transfer switches, video recorders.

Each rule is checked on synthetic YAML files (written to disk and read by the importer) and on
the shared devicetype-library subset.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from catalog.importers.netbox_kinds import device_facts, is_video_recorder
from catalog.importers.netbox_read import load_yaml
from tests.catalog.netbox_samples import (
    LIBRARY,
    device,
    inlets,
    interfaces,
    needs_library,
    outlets,
    parse_one,
    subset_drafts,
)

SERVER_FAMILY_RULE = "a server family (PowerEdge, ProLiant, ThinkSystem S, UCS B/C, PRIMERGY, ...)"

# --------------------------------------------------------------------------- server families


@pytest.mark.parametrize(
    ("model", "part", "text", "kind"),
    [
        (
            "PowerEdge R740xd",
            "",
            "2U, 24 x 2.5in storage bays, NAS-ready, battery-backed PERC cache",
            "server",
        ),
        ("ProLiant DL380 Gen10", "868703-B21", "Smart Storage Battery; SAN boot", "server"),
        ("ThinkSystem SR650", "7X06", "storage-dense 2U server with tape backup option", "server"),
        ("UCS C240 M5", "UCSC-C240-M5SX", "storage server, 26 drive bays", "server"),
        ("PRIMERGY RX2540 M5", "", "JBOD expansion, storage controller", "server"),
        ("SuperServer 6029P-E1CR12L", "SYS-6029P-E1CR12L", "12-bay storage server", "server"),
        ("PowerEdge XE8545", "", "4x NVIDIA A100 GPU, NVMe storage", "gpu_server"),
    ],
)
def test_server_families_are_servers_even_when_their_text_mentions_storage(
    tmp_path: Path, model: str, part: str, text: str, kind: str
) -> None:
    """The family in the model name decides; storage, battery or NAS words do not."""
    fields: dict[str, Any] = {"comments": text, "interfaces": interfaces(4)}
    if part:
        fields["part_number"] = part
    draft = parse_one(tmp_path, device(model, **fields))
    assert draft.kind == kind, draft.kind_rule


@pytest.mark.parametrize(
    ("model", "text", "kind"),
    [
        # Lenovo's DE-series and Dell's PowerVault are storage, whoever they serve.
        ("ThinkSystem DE4000H", "storage array, 24 drives", "storage"),
        ("PowerVault MD1400", "storage enclosure for PowerEdge and ProLiant servers", "storage"),
        # A UCS fabric interconnect is no C-series server.
        ("UCS 6454 Fabric Interconnect", "54 ports", "switch"),
    ],
)
def test_server_family_names_elsewhere_do_not_make_a_server(
    tmp_path: Path, model: str, text: str, kind: str
) -> None:
    """Only the model, part number or slug name the family; a storage text may cite servers."""
    draft = parse_one(tmp_path, device(model, comments=text, interfaces=interfaces(54)))
    assert draft.kind == kind


@needs_library
def test_server_families_of_the_subset_are_servers_by_their_family() -> None:
    """Every PowerEdge, ProLiant, ThinkSystem, PRIMERGY and SuperServer file is a server (two
    Supermicro GPU models are GPU servers), and the family rule is what decides it."""
    globs = (
        "Dell/PowerEdge-*",
        "HPE/ProLiant-*",
        "Lenovo/ThinkSystem-*",
        "Fujitsu/primergy-*",
        "Supermicro/SYS-*",
        "Supermicro/SuperServer-*",
    )
    paths = {
        path.relative_to(LIBRARY).as_posix()
        for pattern in globs
        for path in (LIBRARY / "device-types").glob(pattern)
    }
    drafts = subset_drafts()
    kinds = Counter(drafts[path].kind for path in paths)
    assert kinds == Counter(server=23, gpu_server=2), kinds
    by_family = {path for path in paths if drafts[path].kind_rule == SERVER_FAMILY_RULE}
    # Supermicro's SYS-* files say "SuperServer" in their model name: the family rule decides
    # every server here, none falls through to the default.
    assert by_family == {p for p in paths if drafts[p].kind == "server"}


# --------------------------------------------------------------------------- transfer switches


@pytest.mark.parametrize(
    ("model", "fields", "kind"),
    [
        ("PDU20ATS", {"power-outlets": outlets(8)}, "ats"),
        ("Rack PDU-ATS", {"power-outlets": outlets(8)}, "ats"),
        ("Acme 16ATS", {"power-outlets": outlets(8), "power-ports": inlets("In")}, "ats"),
        # "ATS" inside a word is not the suffix.
        ("STATS-1000", {}, "server"),
        ("Stats", {}, "server"),
    ],
)
def test_model_name_ending_in_ats_is_a_transfer_switch(
    tmp_path: Path, model: str, fields: dict[str, Any], kind: str
) -> None:
    """A model or part number ending in ATS names an automatic transfer switch."""
    assert parse_one(tmp_path, device(model, **fields)).kind == kind


@pytest.mark.parametrize(
    ("ports", "text", "kind"),
    [
        (inlets("Input A", "Input B"), "Automatic transfer between two sources", "ats"),
        (inlets("Primary", "Secondary"), "", "ats"),
        (inlets("Source 1", "Source 2", kind="nema-5-15p"), "Auto-switch PDU", "ats"),
        # Two inlets without any transfer wording: a dual-feed PDU, two independent banks.
        (inlets("Input A", "Input B"), "Dual feed metered PDU", "pdu"),
        # One inlet: however it is described, there is nothing to transfer between.
        (inlets("Input"), "Automatic transfer", "pdu"),
    ],
)
def test_pdu_with_two_inlets_and_a_transfer_description_is_an_ats(
    tmp_path: Path, ports: list[Any], text: str, kind: str
) -> None:
    """Two inlets plus a transfer description (words or Primary/Secondary inlets) is an ATS."""
    data = device(
        "Strip 8", interfaces=[], description=text, **{"power-ports": ports,
                                                         "power-outlets": outlets(8)}
    )  # fmt: skip
    assert parse_one(tmp_path, data).kind == kind


@needs_library
def test_subset_tripp_lite_transfer_pdus_are_ats_by_their_inlets() -> None:
    """PDUMH15AT and PDUMH20HVAT state no transfer word; their Primary/Secondary inlets do."""
    drafts = subset_drafts()
    for name in ("Tripp-Lite-PDUMH15AT", "Tripp-Lite-PDUMH20HVAT"):
        draft = drafts[f"device-types/Eaton/{name}.yaml"]
        assert draft.kind == "ats"
        assert "transfer_time_ms (10 ms)" in draft.fields["comments"]
    assert drafts["device-types/WTI/NPS-8H20-ATS-1.yml"].kind == "ats"
    # The single-inlet metered and switched PDUs around them stay PDUs.
    assert drafts["device-types/Eaton/Tripp-Lite-PDUMH15NET.yaml"].kind == "pdu"


# --------------------------------------------------------------------------- video recorders


@pytest.mark.parametrize(
    ("model", "text", "ports"),
    [
        ("NVR4216-16P-4KS2", "16-channel network video recorder", 20),
        ("DS-7732NI-I4/16P", "NVR with 16 PoE ports, built-in switch", 17),
        ("UNVR", "UniFi Protect 4-bay storage for cameras", 2),
        ("Acme DVR-8", "8 channel digital video recorder", 9),
    ],
)
def test_video_recorders_are_security_devices_whatever_their_port_count(
    tmp_path: Path, model: str, text: str, ports: int
) -> None:
    """NVRs and DVRs are monitoring / security devices, never switches or storage."""
    draft = parse_one(
        tmp_path, device(model, description=text, interfaces=interfaces(ports, "1000base-t"))
    )
    assert draft.kind == "monitoring"
    assert draft.fields["spec"]["physical_security"] is True


def test_many_ports_without_recorder_words_is_still_a_switch(tmp_path: Path) -> None:
    """The recorder rule does not swallow the port-count rule."""
    draft = parse_one(tmp_path, device("Box 24", interfaces=interfaces(24)))
    assert draft.kind == "switch"


@needs_library
def test_no_subset_device_is_taken_for_a_video_recorder() -> None:
    """The subset has no NVR/DVR, and the rule finds none there (no false match)."""
    recorders = [
        path.relative_to(LIBRARY).as_posix()
        for path in sorted((LIBRARY / "device-types").rglob("*.y*ml"))
        if is_video_recorder(device_facts(load_yaml(path, path.name), path.name))
    ]
    assert recorders == []
