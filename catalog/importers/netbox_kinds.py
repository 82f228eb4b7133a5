"""Which catalogue kind a NetBox device type is: the ordered rules of ``KIND_RULES``.

Part of the NetBox importer (catalog.importers.netbox); docs/importing.md lists the rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from catalog.importers.netbox_read import bool_field, ci_regex, list_field, plain_text, text_field

# --------------------------------------------------------------------------- kind inference


@dataclass(frozen=True)
class DeviceFacts:
    """What the kind rules look at, computed once per device type."""

    text: str  # model, part number, slug, comments, description; lower case, no URLs
    idents: tuple[str, ...]  # model, part number, slug; lower case
    manufacturer: str
    outlets: int
    power_ports: int
    interfaces: int  # data interfaces (mgmt_only ones excluded)
    console_server_ports: int
    other_ports: int  # console, front/rear ports, module and device bays
    is_powered: bool
    inlet_text: str = ""  # names, labels and descriptions of the power ports; lower case

    def ident(self, pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(ident) for ident in self.idents)


def device_facts(data: Mapping[str, Any], ref: str) -> DeviceFacts:
    model, part, slug = (
        text_field(data, "model"),
        text_field(data, "part_number"),
        text_field(data, "slug"),
    )
    words = " ".join(
        [model, part, slug, text_field(data, "comments"), text_field(data, "description")]
    )
    interfaces = [i for i in list_field(data, "interfaces", ref) if not i.get("mgmt_only")]
    inlets = list_field(data, "power-ports", ref)
    inlet_text = " ".join(
        str(port.get(key) or "") for port in inlets for key in ("name", "label", "description")
    )
    other = sum(
        len(list_field(data, key, ref))
        for key in ("console-ports", "front-ports", "rear-ports", "module-bays", "device-bays")
    )
    return DeviceFacts(
        text=plain_text(words),
        idents=tuple(s.lower() for s in (model, part, slug) if s),
        manufacturer=text_field(data, "manufacturer").lower(),
        outlets=len(list_field(data, "power-outlets", ref)),
        power_ports=len(inlets),
        interfaces=len(interfaces),
        console_server_ports=len(list_field(data, "console-server-ports", ref)),
        other_ports=other,
        is_powered=bool_field(data, "is_powered", ref, default=True),
        inlet_text=plain_text(inlet_text),
    )


_BATTERY_TEXT = ci_regex(r"battery pack|external battery|battery module|battery cabinet|ebm(\d|\b)")
_BATTERY_IDENT = ci_regex(r"\d+bp\b|ebm\d")
_ATS_TEXT = ci_regex(r"\bats\b|transfer switch")
# "AP4421ATS", "PDU-ATS": a model or part number ending in ATS names a transfer switch.
_ATS_IDENT = ci_regex(r"(?<![a-z])ats$")
# A transfer described on a two-inlet PDU: the word, or inlets named as primary and secondary
# sources (Tripp Lite's PDUMH15AT: "Primary" NEMA 5-15P, "Secondary" C14).
_TRANSFER_TEXT = ci_regex(r"transfer|auto[\s-]?switch")
_PRIMARY_RE = ci_regex(r"\bprimary\b")
_SECONDARY_RE = ci_regex(r"\bsecondary\b")
# Server families: servers whatever their text says (a PowerEdge "with 24 storage bays", a
# ProLiant's "battery-backed" cache). Matched on model, part number and slug only: a storage
# shelf's text may well name the servers it serves. ThinkSystem S-series only (DE/DM/DS are
# Lenovo storage arrays), UCS B- and C-series only (UCS 6xxx are fabric interconnects).
_SERVER_FAMILY_IDENT = ci_regex(
    r"poweredge|proliant|thinksystem[\s-]?s[rtdne]\d|thinkserver|system[\s-]?x\d{4}"
    r"|ucs[bc]?[\s-]?[bc]\d{2,3}|primergy|superserver|fusionserver|apollo[\s-]?\d{4}"
)
# Network and digital video recorders: security devices, however many (PoE) ports they have.
_VIDEO_TEXT = ci_regex(r"\b[nd]vr|video recorder")
_VIDEO_IDENT = ci_regex(r"[nd]vr")
_UPS_TEXT = ci_regex(r"\bups\b|\busv\b|uninterruptible|battery[- ]backed")
_UPS_IDENT = ci_regex(
    r"^(smt|smc|smx|sua|srt|surt|sumx|smv)\d|^(5px|5sx|9px|9sx|93px)|^smart\d|^or\d{3,4}"
    r"|^cp\d{3,4}avr|^gxt\d|innova|^(ri)?sdh\b|^risdh|^fdc-|^x\d{3,4}r\b|xanto"
)
_PDU_TEXT = ci_regex(r"\bpdu|power distribution|power strip|power socket|socket strip")
_MONITORING_TEXT = ci_regex(
    r"console server|terminal server|\bkvm\b|\bntp\b|time server|\bptp\b|grandmaster"
    r"|monitoring|environmental|\bcamera|\bsensor\b|out-of-band"
)
_MONITORING_IDENT = ci_regex(r"lantime|portserver|^dsr\d|^dsx\d|^acs\s?\d|^(cm|im|om|acm)\d{4}")
_GPU_TEXT = ci_regex(r"\bgpu|\bhgx\b|\bdgx\b")
_GPU_IDENT = ci_regex(r"\d{4}gr-|-\d{3}ge-|\bsys-\d{3}g[a-z]?-")
_STORAGE_TEXT = ci_regex(
    r"\bmsa\b|\bnas\b|powervault|storage|disk enclosure|drive enclosure|disk shelf|\btape\b"
    r"|storeever|\blto\b|\bjbod\b|\bsan\b"
)
_STORAGE_IDENT = ci_regex(r"^(ts|tvs|tds|ts-h)-|^rs\d|^ds\d{3,4}")
_STORAGE_MAKERS = frozenset({"qnap", "synology", "netapp", "pure storage"})
_ROUTER_TEXT = ci_regex(
    r"router|firewall|gateway|\bngfw\b|sd-wan|\bvpn\b|security appliance|edge platform"
    r"|radio unit|fortigate|meraki mx"
)
_ROUTER_IDENT = ci_regex(
    r"^isr|\bisr[\s-]?\d|^asr|^srx\d|^fg-\d|^pa-\d|^mx\d|^fpr\d|^asa\s?\d|^nfx\d|^rutx?\d"
    r"|^apu\d|^c8\d00|^iru\d|meraki-mx|meraki mx"
)
_SWITCH_TEXT = ci_regex(r"switch|catalyst|nexus|powerconnect|aruba|infiniband")
_SWITCH_IDENT = ci_regex(
    r"^ex\d{4}|^(dcs|ccs)-|^ms\d{3}|meraki-ms|^crs\d|^sx\d{4}|^sb\d{4}|^qfx|^n\d{4}|^s\d{4}f"
)
# A device with this many data ports and no better clue is a switch.
SWITCH_MIN_INTERFACES = 16
# Console servers carry many console-server ports; PDUs and UPSs sometimes have one or two.
CONSOLE_SERVER_MIN_PORTS = 4


def is_video_recorder(f: DeviceFacts) -> bool:
    """An NVR or DVR (network / digital video recorder)."""
    return bool(_VIDEO_TEXT.search(f.text) or f.ident(_VIDEO_IDENT))


def _server_family(f: DeviceFacts) -> bool:
    return f.ident(_SERVER_FAMILY_IDENT)


def _is_passive(f: DeviceFacts) -> bool:
    if not f.is_powered:
        return True
    return not (f.power_ports or f.outlets or f.interfaces or f.console_server_ports) and (
        f.other_ports == 0
    )


def _battery(f: DeviceFacts) -> bool:
    return not f.outlets and bool(_BATTERY_TEXT.search(f.text) or f.ident(_BATTERY_IDENT))


def _ats(f: DeviceFacts) -> bool:
    if _ATS_TEXT.search(f.text) or f.ident(_ATS_IDENT):
        return True
    # A PDU with two inlets and a transfer description is an ATS with a PDU's outlets.
    words = f"{f.text} {f.inlet_text}"
    transfer = bool(_TRANSFER_TEXT.search(words)) or bool(
        _PRIMARY_RE.search(f.inlet_text) and _SECONDARY_RE.search(f.inlet_text)
    )
    return f.outlets > 0 and f.power_ports == 2 and transfer


def _ups(f: DeviceFacts) -> bool:
    return bool(_UPS_TEXT.search(f.text) or f.ident(_UPS_IDENT))


def _pdu(f: DeviceFacts) -> bool:
    return bool(f.outlets or _PDU_TEXT.search(f.text))


def _monitoring(f: DeviceFacts) -> bool:
    return (
        f.console_server_ports >= CONSOLE_SERVER_MIN_PORTS
        or is_video_recorder(f)
        or bool(_MONITORING_TEXT.search(f.text) or f.ident(_MONITORING_IDENT))
    )


def _gpu_server(f: DeviceFacts) -> bool:
    return bool(_GPU_TEXT.search(f.text) or f.ident(_GPU_IDENT))


def _storage(f: DeviceFacts) -> bool:
    return f.manufacturer in _STORAGE_MAKERS or bool(
        _STORAGE_TEXT.search(f.text) or f.ident(_STORAGE_IDENT)
    )


def _router(f: DeviceFacts) -> bool:
    return bool(_ROUTER_TEXT.search(f.text) or f.ident(_ROUTER_IDENT))


def _switch(f: DeviceFacts) -> bool:
    return f.interfaces >= SWITCH_MIN_INTERFACES or bool(
        _SWITCH_TEXT.search(f.text) or f.ident(_SWITCH_IDENT)
    )


# Ordered: the first rule that matches decides. Order matters where words overlap: server
# families before everything their text may mention ("storage bays", "battery-backed cache"),
# batteries before UPSs ("Smart-UPS X ... External Battery Pack"), ATSs before PDUs
# ("Transfer Switch PDU"), UPSs before PDUs (both have outlets), monitoring before storage
# and switches ("PortServer TS", "KVM switch", a 16-port PoE NVR), routers before switches
# ("Catalyst 8200").
KIND_RULES: tuple[tuple[str, str, Callable[[DeviceFacts], bool]], ...] = (
    ("accessory", "is_powered: false, or no ports of any kind", _is_passive),
    (
        "gpu_server",
        "a server family with GPU words or GPU models",
        lambda f: _server_family(f) and _gpu_server(f),
    ),
    (
        "server",
        "a server family (PowerEdge, ProLiant, ThinkSystem S, UCS B/C, PRIMERGY, ...)",
        _server_family,
    ),
    ("battery", "battery words and no outlets", _battery),
    ("ats", "ATS / transfer switch words, a model ending in ATS, or a transfer PDU", _ats),
    ("ups", "UPS words or UPS model names", _ups),
    ("pdu", "power outlets or PDU words", _pdu),
    ("monitoring", "console server / KVM / timing / monitoring words, NVR / DVR", _monitoring),
    ("gpu_server", "GPU words or GPU server models", _gpu_server),
    ("storage", "storage words, models or makers", _storage),
    ("router", "router / firewall / gateway words or models", _router),
    ("switch", "switch words, switch models or many data interfaces", _switch),
)


def infer_kind(data: Mapping[str, Any], ref: str = "") -> tuple[str, str]:
    """The kind of a device type and the rule that decided it (first match of ``KIND_RULES``)."""
    facts = device_facts(data, ref)
    for kind, reason, matches in KIND_RULES:
        if matches(facts):
            return kind, reason
    return "server", "default"
