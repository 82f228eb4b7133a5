"""Build the demo catalogue fixture ``catalog/fixtures/demo_catalog.json``.

Usage, from the repository root::

    .venv/bin/python scripts/build_demo_catalog.py          # (re)write the fixture
    .venv/bin/python scripts/build_demo_catalog.py --check  # exit 1 if the file is stale

Every manufacturer, model name, SKU and description here is invented for this project;
none of them names or quotes a real vendor (websites use the reserved ``.example`` domain).
The figures are made to be plausible and consistent with
``shared/reference/engineering-rules.md``:

* UPS runtime tables follow t = t_full * (P_full / P) ** x (x = 1.3 VRLA, 1.1 Li-ion), with
  t_full a fraction of the ideal 60 * V * Ah * 0.9 / P, so every point stays below the ideal;
* cooling airflow is 2.99 * P_sensible / dT (dT 10-12 K); DX units have an EER of 3-4;
* halocarbon units hold W = (V / S) * (C / (100 - C)) for their protected volume at a
  minimum design temperature of 0 C (HFC-227ea 7 %, FK-5-1-12 4.5 %); inert gas uses
  m = (V / S) * ln(100 / (100 - C)); aerosol uses M = q * V;
* a bundle's IT capacity is the weakest of 80 % of its UPS kW, 80 % of its sensible cooling
  and 80 % of one PDU feed (at PF 0.95); its price is 10-15 % below its members' list sum.

The script is deterministic: no randomness, no clock, no network and no Django; cost prices
vary per SKU through a CRC32 of the SKU. It imports nothing outside the standard library;
``tests/catalog/test_demo_catalog_data.py`` validates the output against ``rules.specs``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import zlib
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "catalog" / "fixtures" / "demo_catalog.json"

# --------------------------------------------------------------------------- manufacturers

# (prefix used in SKUs, name, website, base cost ratio of list price)
MANUFACTURERS = [
    ("NB", "Northbeam Power", "https://northbeam-power.example", 0.68),
    ("VM", "Voltmere Systems", "https://voltmere.example", 0.70),
    ("TL", "Ternlake Power", "https://ternlake-power.example", 0.66),
    ("CL", "Coldline Thermal", "https://coldline-thermal.example", 0.69),
    ("PW", "Polarwind Climate", "https://polarwind.example", 0.71),
    ("FR", "Fjordrack", "https://fjordrack.example", 0.64),
    ("CF", "Cobaltframe Enclosures", "https://cobaltframe.example", 0.66),
    ("HX", "Helix Compute", "https://helix-compute.example", 0.74),
    ("TX", "Tessellon Systems", "https://tessellon.example", 0.73),
    ("SP", "Stonepine Rugged Systems", "https://stonepine-rugged.example", 0.70),
    ("LP", "Lumenpath Networks", "https://lumenpath.example", 0.67),
    ("QN", "Quayside Networking", "https://quayside-networking.example", 0.69),
    ("SV", "Stratavault Storage", "https://stratavault.example", 0.72),
    ("EG", "Emberguard Fire Safety", "https://emberguard.example", 0.67),
    ("QF", "Quellfire Systems", "https://quellfire.example", 0.70),
    ("SM", "Sentrion Monitoring", "https://sentrion.example", 0.65),
    ("WS", "Watchpost Sensing", "https://watchpost-sensing.example", 0.68),
    ("AV", "Arkvale Edge Systems", "https://arkvale-edge.example", 0.74),
]
MFR = {prefix: name for prefix, name, _, _ in MANUFACTURERS}
COST_RATIO = {name: ratio for _, name, _, ratio in MANUFACTURERS}

# Engineering constants (shared/reference/engineering-rules.md).
INVERTER_EFFICIENCY = 0.9
UTILISATION = 0.8
LOAD_PF = 0.95
AIR_M3H_PER_W_K = 3600 / (1.2 * 1005)  # ~2.99 m3/h per W per K
HALOCARBON = {  # agent: (k1, k2, design concentration %)
    "hfc_227ea": (0.1269, 0.000513, 7.0),
    "fk_5_1_12": (0.0664, 0.0002741, 4.5),
}
INERT = {"ig_541": (0.65799, 0.002239, 39.9), "ig_55": (0.6598, 0.00242, 39.9)}
DESIGN_MIN_TEMP_C = 0.0


# --------------------------------------------------------------------------- helpers


def money(value: float) -> str:
    return f"{value:.2f}"


def watts(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def units(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def cost_price(manufacturer: str, sku: str, list_price: float) -> str:
    """Cost is the maker's base ratio +-3 points, varied deterministically per SKU."""
    ratio = COST_RATIO[manufacturer] + (zlib.crc32(sku.encode()) % 7 - 3) / 100
    return money(list_price * ratio)


def item(
    prefix: str,
    sku: str,
    model: str,
    kind: str,
    description: str,
    price: float,
    spec: dict,
    *,
    lead: int,
    u: float = 0,
    kg: float = 0,
    depth: int | None = None,
    full_depth: bool = False,
    airflow: str = "passive",
    nameplate: float | None = None,
    typical: float | None = None,
    currency: str = "EUR",
    lifecycle: str = "active",
) -> dict:
    """One catalogue row in the fixture format."""
    manufacturer = MFR[prefix]
    # The engine names a component "<manufacturer> <model>": drop a repeated brand word.
    model = model.removeprefix(manufacturer.split()[0] + " ")
    return {
        "manufacturer": manufacturer,
        "sku": sku,
        "model_name": model,
        "kind": kind,
        "description": description,
        "list_price": money(price),
        "cost_price": cost_price(manufacturer, sku, price),
        "currency": currency,
        "lead_time_days": lead,
        "lifecycle": lifecycle,
        "datasheet_url": "",
        "u_height": units(u),
        "weight_kg": f"{kg:.2f}",
        "depth_mm": depth,
        "is_full_depth": full_depth,
        "airflow": airflow,
        "nameplate_w": watts(nameplate),
        "typical_w": watts(typical),
        "spec": spec,
    }


def runtime_table(kw: float, volts: float, ah: float, chemistry: str) -> list[dict]:
    """Vendor-style runtime points at 25-100 % load, below the ideal 60*V*Ah*eta/P bound."""
    exponent, share = (1.3, 0.5) if chemistry == "vrla" else (1.1, 0.75)
    p_full = kw * 1000
    t_full = share * 60 * volts * ah * INVERTER_EFFICIENCY / p_full
    return [
        {"load_w": round(p_full * f, 1), "minutes": round(t_full * f**-exponent, 1)}
        for f in (0.25, 0.5, 0.75, 1.0)
    ]


def runtime_at(spec: dict, load_w: float) -> float:
    """Runtime at a load from the table, interpolated on log-log axes (extrapolated outside)."""
    points = sorted((p["load_w"], p["minutes"]) for p in spec["runtime_table"])
    (p0, t0), (p1, t1) = points[0], points[1]
    for low, high in itertools.pairwise(points):
        (p0, t0), (p1, t1) = low, high
        if load_w <= p1:
            break
    slope = math.log(t1 / t0) / math.log(p1 / p0)
    return t0 * (load_w / p0) ** slope


def airflow_m3h(sensible_w: float, delta_t_k: float) -> float:
    return round(AIR_M3H_PER_W_K * sensible_w / delta_t_k, -1)


# --------------------------------------------------------------------------- racks

# prefix, sku, model, U, width, depth, static kg, dynamic kg, IP, environment,
# ambient (min, max), wall mount, own weight kg, price EUR, lead days, lifecycle, note
# fmt: off
RACKS = [
    ("FR", "FR-S42-6010", "Skarv 42U 600x1000", 42, 600, 1000, 1200, 900, "IP20", "indoor",
     (0, 45), False, 92, 1080, 10, "active", "General-purpose server rack"),
    ("FR", "FR-S42-6012", "Skarv 42U 600x1200", 42, 600, 1200, 1360, 1020, "IP20", "indoor",
     (0, 45), False, 104, 1240, 10, "active", "Deep server rack for long GPU and storage chassis"),
    ("FR", "FR-S42-8010", "Skarv 42U 800x1000", 42, 800, 1000, 1360, 1000, "IP20", "indoor",
     (0, 45), False, 112, 1390, 12, "active", "Wide rack with side channels for cabling and PDUs"),
    ("FR", "FR-S42-8012", "Skarv 42U 800x1200", 42, 800, 1200, 1500, 1200, "IP20", "indoor",
     (0, 45), False, 126, 1560, 12, "active", "Wide and deep rack for dense network and compute"),
    ("FR", "FR-S45-6012", "Skarv 45U 600x1200", 45, 600, 1200, 1360, 1020, "IP20", "indoor",
     (0, 45), False, 110, 1340, 14, "active", "Taller variant for rooms with 2.2 m clear height"),
    ("FR", "FR-S45-8012", "Skarv 45U 800x1200", 45, 800, 1200, 1500, 1200, "IP20", "indoor",
     (0, 45), False, 133, 1690, 14, "active", "Taller wide rack for mixed compute and network"),
    ("FR", "FR-S48-6012", "Skarv 48U 600x1200", 48, 600, 1200, 1500, 1130, "IP20", "indoor",
     (0, 45), False, 118, 1480, 18, "active", "48U rack for high-density rows"),
    ("FR", "FR-S48-8012", "Skarv 48U 800x1200", 48, 800, 1200, 1500, 1200, "IP20", "indoor",
     (0, 45), False, 142, 1850, 18, "active", "48U wide rack with vertical cable channels"),
    ("FR", "FR-K42-6010", "Kjøl 42U 600x1000 (previous generation)", 42, 600, 1000, 1000, 700,
     "IP20", "indoor", (0, 45), False, 95, 940, 10, "end_of_sale",
     "Previous-generation frame with the older 1000 kg static rating"),
    ("FR", "FR-MDC24-6010", "Skarv Sealed 24U micro-DC enclosure", 24, 600, 1000, 800, 600,
     "IP54", "indoor", (0, 40), False, 118, 2890, 21, "active",
     "Sealed, dust-protected enclosure for offices and shop floors; cooling is added in-rack"),
    ("FR", "FR-MDC42-6012", "Skarv Sealed 42U micro-DC enclosure", 42, 600, 1200, 1200, 900,
     "IP54", "indoor", (0, 40), False, 168, 4890, 21, "active",
     "Sealed full-height enclosure with gasketed doors and brush cable entries"),
    ("FR", "FR-MDC42-8012", "Skarv Sealed 42U 800 micro-DC enclosure", 42, 800, 1200, 1360, 1000,
     "IP54", "indoor", (0, 40), False, 186, 5790, 24, "active",
     "Sealed wide enclosure; side space takes zero-U coolers and vertical PDUs"),
    ("CF", "CF-R42-6010", "Atlas 42U 600x1000", 42, 600, 1000, 1000, 700, "IP20", "indoor",
     (0, 45), False, 88, 890, 7, "active", "Value server rack with perforated doors"),
    ("CF", "CF-R42-8012", "Atlas 42U 800x1200", 42, 800, 1200, 1300, 1000, "IP20", "indoor",
     (0, 45), False, 121, 1290, 9, "active", "Value wide rack with cable management fingers"),
    ("CF", "CF-W06-6045", "Atlas Wall 6U", 6, 600, 450, 50, None, "IP20", "indoor", (0, 45),
     True, 14, 260, 5, "active", "Wall cabinet for a patch panel and a small switch"),
    ("CF", "CF-W09-6045", "Atlas Wall 9U", 9, 600, 450, 60, None, "IP20", "indoor", (0, 45),
     True, 18, 320, 5, "active", "Wall cabinet for branch network gear"),
    ("CF", "CF-W12-6060", "Atlas Wall 12U", 12, 600, 600, 70, None, "IP20", "indoor", (0, 45),
     True, 25, 390, 5, "active", "Deeper wall cabinet that takes a short-depth server"),
    ("CF", "CF-W15-6060", "Atlas Wall 15U", 15, 600, 600, 80, None, "IP20", "indoor", (0, 45),
     True, 29, 460, 6, "active", "Wall cabinet for a small UPS, switch and edge server"),
    ("CF", "CF-W18-6060", "Atlas Wall 18U", 18, 600, 600, 90, None, "IP20", "indoor", (0, 45),
     True, 33, 540, 6, "active", "Wall cabinet with removable side panels"),
    ("CF", "CF-W24-6060", "Atlas Wall 24U", 24, 600, 600, 100, None, "IP20", "indoor", (0, 45),
     True, 41, 690, 8, "active", "Largest wall cabinet; check the wall's fixing rating"),
    ("CF", "CF-OD24-55", "Tundra 24U outdoor cabinet IP55", 24, 800, 800, 600, None, "IP55",
     "outdoor", (-33, 50), False, 145, 5900, 45, "active",
     "Double-walled outdoor cabinet with heater, for roadside and telecom sites"),
    ("CF", "CF-OD42-55", "Tundra 42U outdoor cabinet IP55", 42, 800, 1000, 1000, None, "IP55",
     "outdoor", (-40, 55), False, 230, 8900, 60, "active",
     "Full-height outdoor cabinet with anti-condensation heater and sun shield"),
    ("CF", "CF-OD42-65", "Tundra 42U outdoor cabinet IP65", 42, 800, 1000, 1000, None, "IP65",
     "outdoor", (-40, 55), False, 248, 10500, 75, "active",
     "Dust-tight outdoor cabinet for exposed or coastal sites"),
    ("CF", "CF-MDC36-8012", "Atlas Sealed 36U micro-DC enclosure", 36, 800, 1200, 1200, 900,
     "IP54", "indoor", (0, 40), False, 162, 5190, 28, "active",
     "Sealed enclosure for dusty indoor spaces such as warehouses"),
]
# fmt: on


def racks() -> list[dict]:
    rows = []
    for row in RACKS:
        (prefix, sku, model, u, width, depth, static, dynamic, ip, env, (amb_lo, amb_hi), wall,
         kg, price, lead, lifecycle, note) = row  # fmt: skip
        spec = {
            "kind": "rack", "u": u, "width_mm": width, "depth_mm": depth,
            "static_load_kg": static, "dynamic_load_kg": dynamic, "ip_rating": ip,
            "environment": env, "ambient_min_c": amb_lo, "ambient_max_c": amb_hi,
            "lockable": True, "wall_mount": wall,
        }  # fmt: skip
        if wall:
            spec["max_device_depth_mm"] = depth - 100
        where = "wall-mount" if wall else ("outdoor" if env == "outdoor" else "floor-standing")
        load = f"rolling load {dynamic} kg" if dynamic else "not rated to ship loaded"
        desc = f"{note}. {u}U {where} {width}x{depth} mm, {ip}, static load {static} kg, {load}."
        rows.append(
            item(prefix, sku, model, "rack", desc, price, spec, lead=lead, kg=kg, depth=depth,
                 lifecycle=lifecycle)
        )  # fmt: skip
    return rows


# --------------------------------------------------------------------------- UPS and batteries

# prefix, sku, model, topology (on/li), kVA, kW, efficiency, phases (in, out), U, kg, depth,
# battery (V, Ah, chemistry) or None, max external packs (0 = none), (C13, C19), price EUR,
# lead days, lifecycle
# fmt: off
UPSES = [
    ("NB", "NB-LX1000-R2", "Meridian LX 1000 (legacy)", "li", 1.0, 0.7, 0.97, (1, 1), 2, 14.5, 430,
     (24, 9, "vrla"), 0, (6, 0), 690, 7, "end_of_life"),
    ("NB", "NB-LX1500-R2", "Meridian LX 1500", "li", 1.5, 1.35, 0.97, (1, 1), 2, 19.5, 460,
     (48, 7, "vrla"), 0, (8, 0), 890, 7, "active"),
    ("NB", "NB-OX1000-R2", "Meridian OX 1000", "on", 1.0, 0.9, 0.92, (1, 1), 2, 15.8, 480,
     (36, 9, "vrla"), 0, (6, 0), 980, 10, "active"),
    ("NB", "NB-OX2000-R2", "Meridian OX 2000", "on", 2.0, 1.8, 0.93, (1, 1), 2, 24.0, 560,
     (48, 9, "vrla"), 4, (8, 0), 1490, 10, "active"),
    ("NB", "NB-OX3000-R2", "Meridian OX 3000", "on", 3.0, 2.7, 0.94, (1, 1), 2, 31.5, 610,
     (72, 9, "vrla"), 4, (8, 1), 2190, 10, "active"),
    ("NB", "NB-OX3000-R2L", "Meridian OX 3000 Li", "on", 3.0, 3.0, 0.95, (1, 1), 2, 21.0, 610,
     (76.8, 12, "li_ion"), 3, (8, 1), 3490, 21, "active"),
    ("NB", "NB-OX5000-R3", "Meridian OX 5000", "on", 5.0, 4.5, 0.94, (1, 1), 3, 48.0, 650,
     (144, 9, "vrla"), 4, (8, 2), 3590, 14, "active"),
    ("NB", "NB-OX6000-R5", "Meridian OX 6000", "on", 6.0, 6.0, 0.95, (1, 1), 5, 68.0, 680,
     (240, 9, "vrla"), 4, (6, 4), 4290, 14, "active"),
    ("NB", "NB-OX8K-R6", "Meridian OX 8K", "on", 8.0, 8.0, 0.95, (1, 1), 6, 82.0, 700,
     (240, 9, "vrla"), 6, (0, 4), 6190, 21, "active"),
    ("NB", "NB-OX10K-R6", "Meridian OX 10K", "on", 10.0, 10.0, 0.95, (1, 1), 6, 86.0, 700,
     (240, 9, "vrla"), 6, (0, 4), 7490, 21, "active"),
    ("VM", "VM-LI1500-R2", "Steadline 1500", "li", 1.5, 1.2, 0.97, (1, 1), 2, 18.0, 440,
     (36, 9, "vrla"), 0, (8, 0), 820, 5, "active"),
    ("VM", "VM-LI3000-R2", "Steadline 3000", "li", 3.0, 2.7, 0.97, (1, 1), 2, 33.0, 560,
     (48, 18, "vrla"), 3, (8, 1), 1690, 7, "active"),
    ("VM", "VM-ON1000-R1", "Trueline 1000", "on", 1.0, 0.9, 0.92, (1, 1), 2, 14.0, 450,
     (24, 9, "vrla"), 0, (6, 0), 910, 7, "active"),
    ("VM", "VM-ON2000-R2", "Trueline 2000", "on", 2.0, 2.0, 0.93, (1, 1), 2, 22.5, 540,
     (48, 9, "vrla"), 0, (8, 0), 1590, 7, "active"),
    ("VM", "VM-ON3000-R2", "Trueline 3000", "on", 3.0, 3.0, 0.94, (1, 1), 2, 32.0, 600,
     (96, 9, "vrla"), 4, (8, 1), 2390, 10, "active"),
    ("VM", "VM-ON3000-R2G1", "Trueline 3000 (gen 1)", "on", 3.0, 2.4, 0.92, (1, 1), 2, 34.0,
     600, (96, 9, "vrla"), 4, (8, 1), 1990, 10, "end_of_sale"),
    ("VM", "VM-ON6000-R4", "Trueline 6000", "on", 6.0, 6.0, 0.95, (1, 1), 4, 61.0, 680,
     (192, 9, "vrla"), 4, (6, 2), 4490, 14, "active"),
    ("VM", "VM-ON10K-R6", "Trueline 10K", "on", 10.0, 9.0, 0.95, (1, 1), 6, 84.0, 700,
     (240, 9, "vrla"), 5, (0, 4), 7290, 21, "active"),
    ("VM", "VM-ON10K-31", "Trueline 10K 3:1", "on", 10.0, 10.0, 0.95, (3, 1), 6, 86.0, 700,
     (240, 9, "vrla"), 5, (0, 4), 7990, 28, "active"),
    ("TL", "TL-T10-33", "Tristar T10", "on", 10.0, 10.0, 0.95, (3, 3), 9, 142.0, 760,
     (240, 18, "vrla"), 4, (0, 0), 9490, 35, "active"),
    ("TL", "TL-T10-33G1", "Tristar T10 (gen 1)", "on", 10.0, 8.0, 0.93, (3, 3), 9, 150.0, 760,
     (240, 18, "vrla"), 4, (0, 0), 8490, 35, "end_of_sale"),
    ("TL", "TL-T10-31", "Tristar T10 3:1", "on", 10.0, 9.0, 0.95, (3, 1), 6, 96.0, 740,
     (192, 18, "vrla"), 4, (0, 4), 8990, 35, "active"),
    ("TL", "TL-T15-33", "Tristar T15", "on", 15.0, 15.0, 0.96, (3, 3), 8, 124.0, 780,
     (384, 9, "vrla"), 4, (0, 0), 12900, 42, "active"),
    ("TL", "TL-T15-33L", "Tristar T15 Li", "on", 15.0, 15.0, 0.96, (3, 3), 6, 74.0, 780,
     (409.6, 10, "li_ion"), 3, (0, 0), 16900, 56, "active"),
    ("TL", "TL-T20-33", "Tristar T20", "on", 20.0, 20.0, 0.96, (3, 3), 12, 212.0, 800,
     (384, 18, "vrla"), 4, (0, 0), 16500, 49, "active"),
    ("TL", "TL-T20-33X", "Tristar T20 long-run", "on", 20.0, 18.0, 0.96, (3, 3), 4, 48.0, 800,
     None, 6, (0, 0), 13400, 49, "active"),
]
# fmt: on
TOPOLOGY = {"on": "online_double_conversion", "li": "line_interactive"}


def upses() -> list[dict]:
    rows = []
    for row in UPSES:
        (prefix, sku, model, topo, kva, kw, eff, (in_ph, out_ph), u, kg, depth, battery, packs,
         (c13, c19), price, lead, lifecycle) = row  # fmt: skip
        spec = {
            "kind": "ups", "kva": kva, "kw": kw, "output_pf": round(kw / kva, 2),
            "efficiency": eff, "topology": TOPOLOGY[topo], "input_voltage_v": 230,
            "input_phases": in_ph, "output_voltage_v": 230, "output_phases": out_ph,
            "external_battery_support": packs > 0, "max_external_packs": packs,
            "outlets_c13": c13, "outlets_c19": c19,
        }  # fmt: skip
        phases = f"three-phase ({in_ph}:{out_ph})" if in_ph == 3 else "single-phase"
        kind_text = "online double-conversion" if topo == "on" else "line-interactive"
        if battery:
            volts, ah, chem = battery
            spec.update(battery_nominal_v=volts, battery_ah=ah, battery_chemistry=chem)
            spec["runtime_table"] = runtime_table(kw, volts, ah, chem)
            full = spec["runtime_table"][-1]["minutes"]
            chem_text = "lithium-ion" if chem == "li_ion" else "VRLA"
            battery_text = (
                f"Internal {volts:g} V {ah:g} Ah {chem_text} string, about {full:g} min at full "
                "load"
            )
        else:
            battery_text = "No internal batteries: runs on 384 V external battery modules"
        extension = f"; takes up to {packs} external packs" if packs else ""
        desc = (
            f"{kva:g} kVA / {kw:g} kW {phases} {kind_text} rack UPS, {u}U. "
            f"{battery_text}{extension}."
        )
        rows.append(
            item(prefix, sku, model, "ups", desc, price, spec, lead=lead, u=u, kg=kg,
                 depth=depth, full_depth=depth >= 600, airflow="front_to_back",
                 lifecycle=lifecycle)
        )  # fmt: skip
    return rows


# prefix, sku, model, nominal V, Ah, chemistry, U, kg, depth, price EUR, lead days
# fmt: off
BATTERIES = [
    ("NB", "NB-EBP48-2U", "Meridian battery pack 48 V", 48, 18, "vrla", 2, 29.0, 560, 690, 10),
    ("NB", "NB-EBP72-2U", "Meridian battery pack 72 V", 72, 18, "vrla", 2, 41.0, 610, 890, 10),
    ("NB", "NB-LBP77-2U", "Meridian Li battery pack 76.8 V", 76.8, 24, "li_ion", 2, 26.0, 610,
     2190, 21),
    ("NB", "NB-EBP144-3U", "Meridian battery pack 144 V", 144, 9, "vrla", 3, 44.0, 650, 1090, 14),
    ("NB", "NB-EBP240-3U", "Meridian battery pack 240 V", 240, 9, "vrla", 3, 63.0, 700, 1490, 14),
    ("VM", "VM-BP48-2U", "Steadline battery pack 48 V", 48, 18, "vrla", 2, 30.0, 560, 640, 7),
    ("VM", "VM-BP96-2U", "Trueline battery pack 96 V", 96, 9, "vrla", 2, 31.0, 600, 790, 7),
    ("VM", "VM-BP192-3U", "Trueline battery pack 192 V", 192, 9, "vrla", 3, 53.0, 680, 1290, 10),
    ("VM", "VM-BP240-3U", "Trueline battery pack 240 V", 240, 9, "vrla", 3, 62.0, 700, 1450, 10),
    ("TL", "TL-BM192-3U", "Tristar battery module 192 V", 192, 9, "vrla", 3, 54.0, 740, 1390, 21),
    ("TL", "TL-BM240-3U", "Tristar battery module 240 V", 240, 9, "vrla", 3, 64.0, 760, 1590, 21),
    ("TL", "TL-BM384-5U", "Tristar battery module 384 V", 384, 9, "vrla", 5, 98.0, 780, 2690, 28),
    ("TL", "TL-LBM410-4U", "Tristar Li battery module 409.6 V", 409.6, 20, "li_ion", 4, 68.0, 780,
     5890, 42),
]
# fmt: on


def batteries() -> list[dict]:
    rows = []
    for prefix, sku, model, volts, ah, chem, u, kg, depth, price, lead in BATTERIES:
        wh = round(volts * ah, 1)
        spec = {"kind": "battery", "wh": wh, "nominal_v": volts, "chemistry": chem,
                "rated_hours": 20}  # fmt: skip
        if chem == "li_ion":
            spec["peukert_k"] = 1.05
            cells = "lithium iron phosphate modules with their own BMS"
        else:
            cells = f"{volts / 12:g} x 12 V blocks per string"
        desc = (
            f"External battery pack, {volts:g} V {ah:g} Ah ({wh:g} Wh), {cells}. "
            "Daisy-chains to UPS units with the same string voltage."
        )
        rows.append(
            item(prefix, sku, model, "battery", desc, price, spec, lead=lead, u=u, kg=kg,
                 depth=depth, full_depth=True)
        )  # fmt: skip
    return rows


# --------------------------------------------------------------------------- PDU and ATS

# prefix, sku, model, V (L-N), phases, input A, bank breaker A, banks, (C13, C19, other),
# metered, switched, U, kg, depth, price, currency, lead, lifecycle, note.
# input A is the plug rating: the engine applies the 80 % rule to it, which gives the 80 %
# UL nameplate of a North American PDU (a 30 A plug carries 24 A continuously).
# fmt: off
PDUS = [
    ("NB", "NB-PDU-H16-8", "Railpoint H16 basic", 230, 1, 16, None, 1, (8, 0, 0), False, False,
     1, 1.6, 220, 320, "EUR", 5, "active", "Horizontal strip"),
    ("NB", "NB-PDU-H16-8M", "Railpoint H16 metered", 230, 1, 16, None, 1, (8, 0, 0), True,
     False, 1, 1.8, 240, 540, "EUR", 7, "active", "Horizontal strip with an ammeter"),
    ("NB", "NB-PDU-V16-20", "Railpoint V16 basic", 230, 1, 16, None, 1, (20, 4, 0), False, False,
     0, 4.2, 55, 480, "EUR", 7, "active", "Vertical zero-U strip"),
    ("NB", "NB-PDU-V16-20M", "Railpoint V16 metered", 230, 1, 16, None, 1, (20, 4, 0), True,
     False, 0, 4.5, 55, 790, "EUR", 10, "active", "Vertical zero-U strip with input metering"),
    ("NB", "NB-PDU-V16-20S", "Railpoint V16 switched", 230, 1, 16, None, 1, (20, 4, 0), True,
     True, 0, 5.1, 60, 1390, "EUR", 14, "active", "Vertical strip with per-outlet switching"),
    ("NB", "NB-PDU-V16-12", "Railpoint V16 basic (12 outlets)", 230, 1, 16, None, 1, (12, 0, 0),
     False, False, 0, 3.1, 55, 390, "EUR", 7, "end_of_sale", "Earlier short vertical strip"),
    ("NB", "NB-PDU-V32-36M", "Railpoint V32 metered", 230, 1, 32, 16, 2, (36, 6, 0), True,
     False, 0, 6.8, 60, 1090, "EUR", 10, "active", "Vertical zero-U strip, two breakered banks"),
    ("NB", "NB-PDU-V32-36S", "Railpoint V32 switched", 230, 1, 32, 16, 2, (36, 6, 0), True,
     True, 0, 7.4, 65, 1890, "EUR", 14, "active", "Vertical switched strip, two breakered banks"),
    ("NB", "NB-PDU-3V16-24M", "Railpoint 3V16 metered", 230, 3, 16, None, 3, (24, 6, 0), True,
     False, 0, 6.2, 60, 1240, "EUR", 10, "active", "Three-phase strip, one bank per phase"),
    ("NB", "NB-PDU-3V16-24S", "Railpoint 3V16 switched", 230, 3, 16, None, 3, (24, 6, 0), True,
     True, 0, 6.9, 65, 2090, "EUR", 14, "active", "Three-phase switched strip, one bank per phase"),
    ("NB", "NB-PDU-3V32-36M", "Railpoint 3V32 metered", 230, 3, 32, 16, 6, (36, 12, 0), True,
     False, 0, 8.6, 65, 1590, "EUR", 14, "active", "Three-phase strip, six breakered banks"),
    ("NB", "NB-PDU-3V32-36S", "Railpoint 3V32 switched", 230, 3, 32, 16, 6, (36, 12, 0), True,
     True, 0, 9.3, 70, 2440, "EUR", 21, "active", "Three-phase switched strip, six banks"),
    ("VM", "VM-RPDU-H16-10", "Flowrail H16", 230, 1, 16, None, 1, (8, 2, 0), False, False, 1,
     1.9, 250, 360, "EUR", 5, "active", "Horizontal strip"),
    ("VM", "VM-RPDU-V16-24M", "Flowrail V16 metered", 230, 1, 16, None, 1, (20, 4, 0), True,
     False, 0, 4.4, 55, 760, "EUR", 7, "active", "Vertical zero-U strip with input metering"),
    ("VM", "VM-RPDU-V32-24M", "Flowrail V32 metered", 230, 1, 32, 16, 2, (18, 6, 0), True, False,
     0, 6.1, 60, 1020, "EUR", 10, "active", "Vertical zero-U strip, two breakered banks"),
    ("VM", "VM-RPDU-3V16-30S", "Flowrail 3V16 switched", 230, 3, 16, None, 3, (30, 6, 0), True,
     True, 0, 7.0, 65, 1990, "EUR", 14, "active", "Three-phase switched strip, one bank per phase"),
    ("VM", "VM-RPDU-3V32-42M", "Flowrail 3V32 metered", 230, 3, 32, 16, 6, (36, 6, 0), True,
     False, 0, 8.2, 65, 1490, "EUR", 14, "active", "Three-phase strip, six breakered banks"),
    ("VM", "VM-NA-H120-20", "Flowrail NA 120 V 20 A", 120, 1, 20, None, 1, (0, 0, 10), False,
     False, 1, 2.0, 230, 340, "USD", 7, "active",
     "North American horizontal strip, 5-20P plug, ten 5-20R outlets, 16 A UL nameplate"),
    ("VM", "VM-NA-V208-20", "Flowrail NA 208 V 20 A", 208, 1, 20, None, 1, (16, 0, 0), False,
     False, 0, 3.9, 55, 520, "USD", 7, "active",
     "North American vertical strip, L6-20P plug, 16 A UL nameplate"),
    ("VM", "VM-NA-V208-30M", "Flowrail NA 208 V 30 A metered", 208, 1, 30, 20, 2, (20, 4, 0),
     True, False, 0, 5.2, 55, 980, "USD", 10, "active",
     "North American vertical strip, L6-30P plug, 24 A UL nameplate"),
    ("VM", "VM-NA-3V208-30S", "Flowrail NA 208 V 3-phase 30 A switched", 120, 3, 30, 20, 6,
     (30, 6, 0), True, True, 0, 7.3, 65, 2150, "USD", 14, "active",
     "North American 208Y/120 V strip, L21-30P plug, 24 A UL nameplate per phase; outlets "
     "are wired line to line at 208 V"),
]
# fmt: on


def pdus() -> list[dict]:
    rows = []
    for row in PDUS:
        (prefix, sku, model, volts, phases, amps, breaker, banks, (c13, c19, other), metered,
         switched, u, kg, depth, price, currency, lead, lifecycle, note) = row  # fmt: skip
        spec = {
            "kind": "pdu", "voltage_v": volts, "phases": phases, "input_current_a": amps,
            "breaker_a": breaker, "banks": banks, "outlets_c13": c13, "outlets_c19": c19,
            "outlets_other": other, "metered": metered, "switched": switched,
            "rated_100pct": False,
        }  # fmt: skip
        supply = f"{volts:g} V {amps:g} A"
        if phases == 3:
            supply = f"3-phase {supply}"
        outlets = ", ".join(
            f"{n} x {name}" for n, name in ((c13, "C13"), (c19, "C19"), (other, "NEMA")) if n
        )
        desc = f"{note}. {supply} input, {outlets}."
        rows.append(
            item(prefix, sku, model, "pdu", desc, price, spec, lead=lead, u=u, kg=kg, depth=depth,
                 currency=currency, lifecycle=lifecycle)
        )  # fmt: skip
    return rows


# prefix, sku, model, V, phases, rated A, transfer ms, (C13, C19), U, kg, depth, (np, typ) W,
# price, currency, lead
# fmt: off
ATSES = [
    ("NB", "NB-ATS16-1U", "Railpoint ATS 16", 230, 1, 16, 10, (8, 0), 1, 3.6, 300, (18, 10),
     1180, "EUR", 10),
    ("NB", "NB-ATS32-2U", "Railpoint ATS 32", 230, 1, 32, 12, (12, 4), 2, 7.8, 380, (22, 12),
     1690, "EUR", 14),
    ("VM", "VM-ATS16-1UM", "Flowrail ATS 16 metered", 230, 1, 16, 8, (8, 2), 1, 4.0, 320,
     (20, 11), 1390, "EUR", 10),
    ("VM", "VM-ATS-NA208-30", "Flowrail ATS NA 208 V 30 A", 208, 1, 30, 10, (12, 4), 2, 7.2, 380,
     (22, 12), 1490, "USD", 14),
    ("TL", "TL-ATS32-1P", "Tristar ATS 32", 230, 1, 32, 10, (16, 4), 2, 8.5, 400, (24, 14), 1890,
     "EUR", 21),
    ("TL", "TL-ATS32-3P", "Tristar ATS 32 three-phase", 230, 3, 32, 12, (0, 0), 3, 14.0, 450,
     (30, 18), 3290, "EUR", 35),
]
# fmt: on


def atses() -> list[dict]:
    rows = []
    for row in ATSES:
        (prefix, sku, model, volts, phases, amps, ms, (c13, c19), u, kg, depth, (np_w, typ_w),
         price, currency, lead) = row  # fmt: skip
        spec = {"kind": "ats", "voltage_v": volts, "phases": phases, "rated_a": amps,
                "transfer_time_ms": ms, "outlets_c13": c13, "outlets_c19": c19}  # fmt: skip
        outlets = " and ".join(f"{n} x {name}" for n, name in ((c13, "C13"), (c19, "C19")) if n)
        outlets = f"{outlets} outlets" if outlets else "hardwired output"
        desc = (
            f"Automatic transfer switch, {phases}-phase {volts:g} V {amps:g} A, transfers in "
            f"{ms:g} ms, {outlets}. Gives single-corded loads both A and B feeds."
        )
        rows.append(
            item(prefix, sku, model, "ats", desc, price, spec, lead=lead, u=u, kg=kg, depth=depth,
                 airflow="passive", nameplate=np_w, typical=typ_w, currency=currency)
        )  # fmt: skip
    return rows


# --------------------------------------------------------------------------- cooling

# prefix, sku, model, type, sensible kW, total kW, power draw W, dT K, ambient (min, max),
# U, kg, depth, airflow direction, price EUR, lead, lifecycle, note
# fmt: off
COOLING = [
    ("CL", "CL-IR35-DX", "Glacis IR 3.5", "in_rack", 3.5, 3.7, 1150, 11, (-15, 45), 5, 58, 800,
     "back_to_front", 5900, 28, "active", "Rack-mounted DX cooler with a remote condenser"),
    ("CL", "CL-IR50-DX", "Glacis IR 5", "in_rack", 5.0, 5.3, 1620, 11, (-15, 45), 7, 72, 850,
     "back_to_front", 7400, 28, "active", "Rack-mounted DX cooler with a remote condenser"),
    ("CL", "CL-IR75-DX", "Glacis IR 7.5", "in_rack", 7.5, 7.9, 2390, 11, (-15, 45), 9, 96, 900,
     "back_to_front", 9800, 35, "active", "Rack-mounted DX cooler with a remote condenser"),
    ("CL", "CL-IR100-DXS", "Glacis IR 10 side", "in_rack", 10.0, 10.5, 3180, 11, (-15, 45), 0,
     118, 1000, "back_to_front", 12900, 42, "active",
     "Side-mounted DX cooler for 800 mm enclosures, takes no rack units"),
    ("CL", "CL-IR120-DXS", "Glacis IR 12 side", "in_rack", 12.0, 12.6, 3750, 12, (-15, 45), 0,
     136, 1200, "back_to_front", 14800, 42, "active",
     "Side-mounted DX cooler for 800 mm enclosures, takes no rack units"),
    ("CL", "CL-IR75-CW", "Glacis IR 7.5 CW", "in_rack", 7.5, 7.6, 230, 11, (5, 40), 6, 64, 850,
     "back_to_front", 6900, 28, "active", "Rack-mounted chilled-water cooler, fans only"),
    ("CL", "CL-ROW10-DX", "Glacis Row 10", "in_row", 10.0, 10.6, 3120, 11, (-15, 46), 0, 185,
     1000, "back_to_front", 15500, 49, "active", "300 mm in-row DX unit with remote condenser"),
    ("CL", "CL-ROW20-CW", "Glacis Row 20 CW", "in_row", 20.0, 20.4, 1150, 11, (5, 40), 0, 210,
     1200, "back_to_front", 17900, 49, "active", "300 mm in-row chilled-water unit"),
    ("CL", "CL-ROW30-CW", "Glacis Row 30 CW", "in_row", 30.0, 30.6, 1600, 11, (5, 40), 0, 290,
     1200, "back_to_front", 22500, 56, "active", "600 mm in-row chilled-water unit"),
    ("CL", "CL-ROW40-CW", "Glacis Row 40 CW", "in_row", 40.0, 40.8, 2200, 12, (5, 40), 0, 385,
     1200, "back_to_front", 27800, 63, "active", "600 mm in-row chilled-water unit"),
    ("CL", "CL-RD10", "Glacis Door 10", "rear_door", 10.0, 10.0, 300, 11, (5, 40), 0, 62, 220,
     "front_to_back", 8900, 35, "active", "Active rear-door heat exchanger, chilled water"),
    ("CL", "CL-RD20", "Glacis Door 20", "rear_door", 20.0, 20.0, 560, 11, (5, 40), 0, 84, 250,
     "front_to_back", 12400, 42, "active", "Active rear-door heat exchanger, chilled water"),
    ("CL", "CL-RD30", "Glacis Door 30", "rear_door", 30.0, 30.0, 860, 12, (5, 40), 0, 106, 280,
     "front_to_back", 16900, 49, "active", "Active rear-door heat exchanger, chilled water"),
    ("PW", "PW-SD35", "Breeza 3.5 wall split", "split_dx", 2.6, 3.5, 1030, 11, (-15, 46), 0, 11,
     None, "front_to_back", 1590, 14, "active", "Comfort wall split for small server rooms"),
    ("PW", "PW-SD35-G1", "Breeza 3.5 wall split (gen 1)", "split_dx", 2.5, 3.5, 1170, 11,
     (-10, 43), 0, 12, None, "front_to_back", 1390, 14, "end_of_life",
     "Earlier comfort wall split, lower efficiency"),
    ("PW", "PW-SD50", "Breeza 5.0 wall split", "split_dx", 3.7, 5.0, 1470, 11, (-15, 46), 0, 14,
     None, "front_to_back", 2090, 14, "active", "Comfort wall split for small server rooms"),
    ("PW", "PW-SD71", "Breeza 7.1 ceiling split", "split_dx", 5.1, 7.1, 2150, 11, (-15, 46), 0,
     24, None, "front_to_back", 2890, 21, "active", "Comfort ceiling cassette split"),
    ("PW", "PW-SD100", "Breeza 10 ceiling split", "split_dx", 7.0, 10.0, 3125, 11, (-15, 46), 0,
     31, None, "front_to_back", 4190, 21, "active", "Comfort ceiling cassette split"),
    ("PW", "PW-FA5", "Airgate 5 free-air", "free_air", 5.0, 5.0, 160, 10, (-30, 28), 0, 48, None,
     "front_to_back", 4790, 35, "active", "Filtered direct free-air unit with mixing damper"),
    ("PW", "PW-FA10", "Airgate 10 free-air", "free_air", 10.0, 10.0, 290, 10, (-30, 28), 0, 76,
     None, "front_to_back", 7190, 42, "active", "Filtered direct free-air unit with mixing damper"),
    ("PW", "PW-FA20", "Airgate 20 free-air", "free_air", 20.0, 20.0, 560, 11, (-30, 28), 0, 128,
     None, "front_to_back", 11500, 49, "active",
     "Filtered direct free-air unit with mixing damper"),
    ("PW", "PW-RD15", "Frostback 15 rear door", "rear_door", 15.0, 15.0, 420, 11, (5, 40), 0, 72,
     240, "front_to_back", 10400, 42, "active", "Active rear-door heat exchanger, chilled water"),
    ("PW", "PW-RD25", "Frostback 25 rear door", "rear_door", 25.0, 25.0, 700, 11, (5, 40), 0, 95,
     260, "front_to_back", 14600, 49, "active", "Active rear-door heat exchanger, chilled water"),
    ("PW", "PW-IR50-DX", "Frostback IR 5", "in_rack", 5.0, 5.4, 1590, 10, (-20, 45), 7, 70, 850,
     "back_to_front", 7790, 35, "active", "Rack-mounted DX cooler with a remote condenser"),
]
# fmt: on


def cooling() -> list[dict]:
    rows = []
    for row in COOLING:
        (prefix, sku, model, ctype, sens_kw, total_kw, power_w, delta_t, (amb_lo, amb_hi), u, kg,
         depth, airflow, price, lead, lifecycle, note) = row  # fmt: skip
        sensible_w = sens_kw * 1000
        spec = {
            "kind": "cooling", "cooling_type": ctype, "sensible_capacity_w": sensible_w,
            "total_capacity_w": total_kw * 1000, "airflow_m3h": airflow_m3h(sensible_w, delta_t),
            "power_draw_w": power_w, "ambient_min_c": amb_lo, "ambient_max_c": amb_hi,
        }  # fmt: skip
        shr = sens_kw / total_kw
        desc = (
            f"{note}. {sens_kw:g} kW sensible of {total_kw:g} kW total (SHR {shr:.2f}), "
            f"{spec['airflow_m3h']:g} m3/h, draws {power_w} W."
        )
        rows.append(
            item(prefix, sku, model, "cooling", desc, price, spec, lead=lead, u=u, kg=kg,
                 depth=depth, full_depth=u > 0, airflow=airflow, nameplate=power_w,
                 typical=round(power_w * 0.75), lifecycle=lifecycle)
        )  # fmt: skip
    return rows


# --------------------------------------------------------------------------- fire suppression


def agent_density_kg_m3(agent: str) -> float:
    """Agent per protected m3 at the design concentration and DESIGN_MIN_TEMP_C."""
    if agent in HALOCARBON:
        k1, k2, c = HALOCARBON[agent]
        return (c / (100 - c)) / (k1 + k2 * DESIGN_MIN_TEMP_C)
    k1, k2, c = INERT[agent]
    return math.log(100 / (100 - c)) / (k1 + k2 * DESIGN_MIN_TEMP_C)


# prefix, sku, model, agent, agent kg, aerosol g/m3 (or None), U, kg, depth, (np, typ) W or None,
# price, currency, lead, lifecycle, note
# fmt: off
FIRE = [
    ("EG", "EG-RK-H10", "Emberline Rack H1.0", "hfc_227ea", 1.0, None, 2, 13.0, 450, (15, 8), 2490,
     "EUR", 21, "end_of_sale", "Rack-level unit with detection; HFC range being phased down"),
    ("EG", "EG-RK-H18", "Emberline Rack H1.8", "hfc_227ea", 1.8, None, 3, 18.5, 450, (15, 8), 2990,
     "EUR", 21, "active", "Rack-level unit with dual smoke detection"),
    ("EG", "EG-RK-F12", "Emberline Rack F1.2", "fk_5_1_12", 1.2, None, 2, 12.5, 450, (15, 8), 2690,
     "EUR", 21, "active", "Rack-level unit with dual smoke detection"),
    ("EG", "EG-RK-F20", "Emberline Rack F2.0", "fk_5_1_12", 2.0, None, 3, 17.0, 450, (15, 8), 3290,
     "EUR", 21, "active", "Rack-level unit with dual smoke detection"),
    ("EG", "EG-RM-H20", "Emberline Room H20", "hfc_227ea", 20.0, None, 0, 52.0, None, (25, 14),
     6900, "EUR", 35, "active", "Room cylinder with control panel, nozzle and detectors"),
    ("EG", "EG-RM-H45", "Emberline Room H45", "hfc_227ea", 45.0, None, 0, 88.0, None, (25, 14),
     10900, "EUR", 42, "active", "Room cylinder with control panel, nozzles and detectors"),
    ("EG", "EG-RM-F25", "Emberline Room F25", "fk_5_1_12", 25.0, None, 0, 58.0, None, (25, 14),
     8900, "EUR", 35, "active", "Room cylinder with control panel, nozzle and detectors"),
    ("QF", "QF-RM-F16", "Stillair F16", "fk_5_1_12", 16.0, None, 0, 41.0, None, (20, 12), 5900,
     "GBP", 28, "active", "Room cylinder for small comms rooms, with panel and detectors"),
    ("QF", "QF-RM-F50", "Stillair F50", "fk_5_1_12", 50.0, None, 0, 96.0, None, (25, 14), 14900,
     "EUR", 42, "active", "Room cylinder with control panel, nozzles and detectors"),
    ("QF", "QF-IG541-80", "Stillair IG 80 L", "ig_541", 33.5, None, 0, 118.0, None, (25, 14),
     12900, "GBP", 56, "active", "Inert gas 80 L cylinder at 300 bar with pressure relief vent"),
    ("QF", "QF-AE-025", "Stillair Aero 250", "aerosol", 0.25, 100, 1, 4.5, 300, (10, 6), 990,
     "EUR", 14, "active", "Condensed aerosol generator with thermal and smoke trigger"),
    ("QF", "QF-AE-050", "Stillair Aero 500", "aerosol", 0.5, 100, 1, 6.0, 300, (10, 6), 1390,
     "EUR", 14, "active", "Condensed aerosol generator with thermal and smoke trigger"),
]
# fmt: on
AGENT_TEXT = {
    "hfc_227ea": "HFC-227ea at 7 %",
    "fk_5_1_12": "FK-5-1-12 at 4.5 %",
    "ig_541": "IG-541 at 39.9 %",
}


def fire() -> list[dict]:
    rows = []
    for row in FIRE:
        (prefix, sku, model, agent, mass, density_g, u, kg, depth, power, price, currency, lead,
         lifecycle, note) = row  # fmt: skip
        spec = {"kind": "fire_suppression", "agent": agent, "agent_mass_kg": mass}
        if agent == "aerosol":
            volume = mass * 1000 / density_g
            spec["design_density_g_m3"] = density_g
            basis = f"condensed aerosol listed at {density_g} g/m3"
        else:
            volume = math.floor(mass / agent_density_kg_m3(agent) * 10) / 10
            basis = f"{AGENT_TEXT[agent]}, minimum design temperature 0 C"
        spec["max_volume_m3"] = round(volume, 1)
        desc = f"{note}. {mass:g} kg agent protects up to {volume:.1f} m3 ({basis})."
        np_w, typ_w = power
        rows.append(
            item(prefix, sku, model, "fire_suppression", desc, price, spec, lead=lead, u=u, kg=kg,
                 depth=depth, nameplate=np_w, typical=typ_w, currency=currency,
                 lifecycle=lifecycle)
        )  # fmt: skip
    return rows


# --------------------------------------------------------------------------- IT equipment

# prefix, sku, model, U, kg, depth, airflow, nameplate W, typical W, PSUs, PSU rating W,
# connector, ASHRAE class or (inlet min, inlet max), price EUR, lead, lifecycle, description;
# an optional trailing dict adds ItSpec fields (gpu_count, power_factor, flags).
# fmt: off
SERVERS = [
    ("HX", "HX-R150", "Helix R150", 1, 16.8, 710, "front_to_back", 450, 220, 2, 550, "C14", "A3",
     4190, 14, "active", "1U single-socket server for edge virtualisation, 10 SFF bays"),
    ("HX", "HX-R160", "Helix R160", 1, 18.9, 760, "front_to_back", 700, 350, 2, 800, "C14", "A2",
     7790, 14, "active", "1U dual-socket general-purpose server, 10 SFF NVMe bays"),
    ("HX", "HX-R165", "Helix R165", 1, 19.6, 780, "front_to_back", 1000, 520, 2, 1100, "C14",
     "A2", 11400, 21, "active", "1U dual-socket high-core-count server for dense compute"),
    ("HX", "HX-R250", "Helix R250", 2, 24.5, 730, "front_to_back", 650, 330, 2, 800, "C14", "A3",
     6890, 14, "active", "2U single-socket server with 12 LFF bays for file and backup"),
    ("HX", "HX-R260", "Helix R260", 2, 28.7, 760, "front_to_back", 950, 480, 2, 1100, "C14", "A2",
     12500, 21, "active", "2U dual-socket server, 24 SFF bays, room for two accelerators"),
    ("HX", "HX-R270", "Helix R270", 2, 31.2, 790, "front_to_back", 1100, 600, 2, 1400, "C14",
     "A2", 16800, 28, "active", "2U dual-socket memory-heavy server for databases"),
    ("HX", "HX-R160-G3", "Helix R160 (gen 3)", 1, 19.1, 760, "front_to_back", 750, 380, 2, 800,
     "C14", "A2", 6190, 10, "end_of_sale", "Previous-generation 1U dual-socket server"),
    ("HX", "HX-R260-G3", "Helix R260 (gen 3)", 2, 29.4, 760, "front_to_back", 900, 470, 2, 1100,
     "C14", "A2", 9900, 10, "end_of_life", "Previous-generation 2U dual-socket server"),
    ("HX", "HX-E110", "Helix E110 edge", 1, 15.2, 480, "front_to_back", 300, 150, 1, 400, "C14",
     "A4", 3390, 14, "active", "Short-depth 1U edge server for wall cabinets, single supply"),
    ("HX", "HX-E210", "Helix E210 edge", 2, 21.0, 480, "front_to_back", 600, 300, 2, 800, "C14",
     "A4", 7490, 21, "active", "Short-depth 2U edge server, front I/O, two accelerator slots"),
    ("TX", "TX-1000", "Tessellon T1000", 1, 15.5, 650, "front_to_back", 400, 200, 2, 600, "C14",
     "A2", 3590, 10, "active", "1U single-socket entry server"),
    ("TX", "TX-1200", "Tessellon T1200", 1, 18.2, 740, "front_to_back", 850, 420, 2, 1000, "C14",
     "A2", 8890, 14, "active", "1U dual-socket server with Platinum supplies",
     {"power_factor": 0.96}),
    ("TX", "TX-1200T", "Tessellon T1200 Ti", 1, 18.4, 740, "front_to_back", 850, 400, 2, 1000,
     "C14", "A3", 9290, 14, "active", "1U dual-socket server with Titanium supplies",
     {"power_factor": 0.98}),
    ("TX", "TX-2100", "Tessellon T2100", 2, 23.8, 700, "front_to_back", 620, 300, 2, 800, "C14",
     "A3", 7090, 14, "active", "2U single-socket server, 8 LFF bays"),
    ("TX", "TX-2200", "Tessellon T2200", 2, 29.9, 770, "front_to_back", 1050, 560, 2, 1200,
     "C14", "A2", 13900, 21, "active", "2U dual-socket server, 24 SFF NVMe bays",
     {"power_factor": 0.96}),
    ("TX", "TX-2200S", "Tessellon T2200 S", 2, 33.5, 790, "front_to_back", 900, 430, 2, 1200,
     "C14", "A2", 11200, 21, "active", "2U dual-socket storage server, 12 LFF plus 4 SFF bays"),
    ("TX", "TX-1050E", "Tessellon T1050 edge", 1, 15.0, 650, "front_to_back", 260, 130, 1, 300,
     "C14", "A3", 2990, 7, "active", "1U low-power edge server, single supply"),
    ("SP", "SP-RX1", "Stonepine RX1", 1, 17.5, 500, "front_to_back", 480, 230, 2, 600, "C14",
     (-5, 55), 9790, 35, "active", "Ruggedised 1U server for cabinets without cooling"),
    ("SP", "SP-RX1-DC", "Stonepine RX1 DC", 1, 17.2, 500, "front_to_back", 450, 220, 2, 600, "dc",
     (-5, 55), 10200, 35, "active", "Ruggedised 1U server with -48 V DC supplies"),
    ("SP", "SP-RX2", "Stonepine RX2", 2, 26.0, 550, "front_to_back", 820, 400, 2, 1000, "C14",
     (-5, 55), 14500, 42, "active", "Ruggedised 2U server, conformal-coated boards"),
    ("SP", "SP-C1", "Stonepine C1", 1, 15.8, 650, "front_to_back", 300, 140, 2, 400, "C14", "A4",
     4890, 21, "active", "Compact 1U server rated for 45 C inlet"),
]
# fmt: on

# fmt: off
GPU_SERVERS = [
    ("HX", "HX-G240", "Helix G240", 2, 34.0, 800, "front_to_back", 2400, 1870, 2, 2400, "C20",
     "A2", 61900, 60, "active", "2U server with two double-width accelerators", {"gpu_count": 2}),
    ("HX", "HX-G280", "Helix G280", 2, 38.5, 800, "front_to_back", 3200, 2600, 2, 3200, "C20",
     "A2", 118000, 75, "active", "2U server with four accelerators", {"gpu_count": 4}),
    ("HX", "HX-G480", "Helix G480", 4, 62.0, 850, "front_to_back", 6000, 4800, 4, 3000, "C20",
     "A2", 195000, 90, "active", "4U server with eight PCIe accelerators", {"gpu_count": 8}),
    ("HX", "HX-G480-G2", "Helix G480 (gen 2)", 4, 60.0, 850, "front_to_back", 5000, 3800, 4, 2600,
     "C20", "A2", 149000, 45, "end_of_sale", "Previous-generation 4U eight-accelerator server",
     {"gpu_count": 8}),
    ("HX", "HX-G680", "Helix G680", 6, 88.0, 900, "front_to_back", 9800, 8100, 6, 3300, "C20",
     "A2", 345000, 120, "active", "6U server with an eight-accelerator baseboard, 3+3 supplies",
     {"gpu_count": 8}),
    ("TX", "TX-G2", "Tessellon G2", 2, 33.0, 780, "front_to_back", 2200, 1650, 2, 2200, "C20",
     "A2", 60900, 56, "active", "2U inference server with two accelerators", {"gpu_count": 2}),
    ("TX", "TX-G4", "Tessellon G4", 4, 52.0, 820, "front_to_back", 3600, 2800, 4, 2000, "C20",
     "A2", 124000, 70, "active", "4U server with four accelerators, 2+2 supplies",
     {"gpu_count": 4}),
    ("TX", "TX-G8", "Tessellon G8", 4, 70.0, 850, "front_to_back", 7200, 5700, 4, 3600, "C20",
     "A2", 238000, 90, "active", "4U server with eight PCIe accelerators, 2+2 supplies",
     {"gpu_count": 8}),
    ("TX", "TX-G8X", "Tessellon G8X", 6, 90.0, 900, "front_to_back", 10000, 8300, 6, 3400, "C20",
     "H1", 389000, 120, "active", "6U high-density server, eight accelerators, 3+3 supplies",
     {"gpu_count": 8}),
    ("SP", "SP-RXG2", "Stonepine RXG2", 2, 36.0, 600, "front_to_back", 2400, 1800, 2, 2400, "C20",
     (0, 50), 74500, 75, "active", "Ruggedised short-depth 2U server with two accelerators",
     {"gpu_count": 2}),
]
# fmt: on

# fmt: off
SWITCHES = [
    ("LP", "LP-S8P", "Lumenpath S8 edge", 1, 2.1, 200, "passive", 40, 22, 1, 60, "other", "A3",
     590, 5, "active", "Fanless 8 x 1G switch with rack ears, external adapter"),
    ("LP", "LP-S24G", "Lumenpath S24G", 1, 3.4, 250, "side_to_side", 65, 38, 1, 100, "C14", "A2",
     1390, 7, "active", "24 x 1G access switch with 4 x 10G uplinks"),
    ("LP", "LP-S24G-G1", "Lumenpath S24G (gen 1)", 1, 3.8, 250, "side_to_side", 75, 45, 1, 100,
     "C14", "A2", 1190, 7, "end_of_life", "Previous 24 x 1G access switch"),
    ("LP", "LP-S24GP", "Lumenpath S24GP", 1, 5.2, 300, "side_to_side", 520, 180, 1, 600, "C14",
     "A2", 2890, 10, "active", "24 x 1G PoE+ access switch, 370 W PoE budget"),
    ("LP", "LP-SM48", "Lumenpath SM48", 1, 4.1, 250, "side_to_side", 60, 40, 1, 100, "C14", "A2",
     1890, 7, "active", "48 x 1G out-of-band management switch"),
    ("LP", "LP-S48X", "Lumenpath S48X", 1, 9.6, 470, "front_to_back", 420, 260, 2, 650, "C14",
     "A2", 14800, 21, "active", "48 x 10G plus 6 x 100G ToR switch, port-side exhaust"),
    ("LP", "LP-S48X-R", "Lumenpath S48X reverse", 1, 9.6, 470, "back_to_front", 420, 260, 2, 650,
     "C14", "A2", 14800, 21, "active", "48 x 10G plus 6 x 100G ToR switch, port-side intake"),
    ("LP", "LP-S48Y", "Lumenpath S48Y", 1, 10.2, 480, "front_to_back", 480, 300, 2, 650, "C14",
     "A2", 18900, 28, "active", "48 x 25G plus 8 x 100G top-of-rack switch"),
    ("LP", "LP-S32C", "Lumenpath S32C", 1, 10.8, 500, "front_to_back", 590, 380, 2, 1100, "C14",
     "A2", 28500, 35, "active", "32 x 100G spine switch"),
    ("QN", "QN-E8", "Quayside E8", 1, 1.9, 180, "passive", 40, 25, 1, 60, "other", "A3", 540, 5,
     "active", "Fanless 8 x 1G plus 2 SFP switch for branch cabinets"),
    ("QN", "QN-A24X", "Quayside A24X", 1, 5.8, 400, "front_to_back", 150, 95, 2, 250, "C14", "A2",
     5790, 14, "active", "24 x 10G SFP+ aggregation switch"),
    ("QN", "QN-A48G", "Quayside A48G", 1, 4.6, 300, "side_to_side", 120, 70, 1, 150, "C14", "A2",
     2590, 10, "active", "48 x 1G plus 4 x 25G access switch"),
    ("QN", "QN-A24P", "Quayside A24P", 1, 5.6, 350, "side_to_side", 600, 220, 1, 750, "C14",
     "A2", 3590, 10, "active", "24 x 1G PoE++ access switch for cameras and access points"),
    ("QN", "QN-C16C", "Quayside C16C", 1, 7.4, 420, "front_to_back", 280, 180, 2, 450, "C14",
     "A2", 12400, 21, "active", "16 x 100G compact spine switch"),
    ("QN", "QN-C48Y", "Quayside C48Y", 1, 9.9, 480, "front_to_back", 520, 310, 2, 750, "C14",
     "A2", 19500, 28, "active", "48 x 25G plus 8 x 100G leaf switch, port-side exhaust"),
    ("QN", "QN-C48Y-B", "Quayside C48Y reverse", 1, 9.9, 480, "back_to_front", 520, 310, 2, 750,
     "C14", "A2", 19500, 28, "active", "48 x 25G plus 8 x 100G leaf switch, port-side intake"),
]
# fmt: on

# fmt: off
ROUTERS = [
    ("QN", "QN-R1100", "Quayside R1100", 1, 4.9, 300, "side_to_side", 90, 55, 1, 150, "C14",
     "A2", 3390, 14, "active", "Edge router, 2 x 10G plus 8 x 1G, LTE slot"),
    ("QN", "QN-R2400", "Quayside R2400", 1, 7.8, 450, "front_to_back", 240, 150, 2, 400, "C14",
     "A2", 11800, 21, "active", "Aggregation router, 4 x 25G plus 16 x 10G"),
    ("QN", "QN-R4800", "Quayside R4800", 2, 16.5, 560, "front_to_back", 650, 420, 2, 1100, "C14",
     "A2", 37900, 42, "active", "Carrier-edge router with modular line cards"),
    ("QN", "QN-FW200", "Quayside Shield 200", 1, 6.1, 420, "front_to_back", 180, 110, 2, 300,
     "C14", "A2", 6890, 14, "active", "Next-generation firewall, 10 Gbit/s inspected"),
    ("QN", "QN-SDW50", "Quayside SD-WAN 50", 1, 2.2, 220, "passive", 36, 20, 1, 60, "other",
     "A3", 890, 7, "active", "Fanless SD-WAN appliance on a 1U rack tray"),
    ("LP", "LP-R50", "Lumenpath R50", 1, 2.4, 230, "passive", 45, 28, 1, 60, "other", "A3", 1190,
     7, "active", "Fanless branch router with dual WAN"),
    ("LP", "LP-R200", "Lumenpath R200", 1, 5.3, 380, "front_to_back", 120, 70, 2, 250, "C14",
     "A2", 4490, 14, "active", "Edge router, 4 x 10G plus 8 x 1G"),
    ("LP", "LP-R200-G1", "Lumenpath R200 (gen 1)", 1, 5.6, 380, "front_to_back", 140, 85, 2, 250,
     "C14", "A2", 3890, 7, "end_of_sale", "Previous-generation edge router"),
    ("LP", "LP-FW500", "Lumenpath Bastion 500", 1, 8.2, 480, "front_to_back", 320, 190, 2, 400,
     "C14", "A2", 14500, 21, "active", "Next-generation firewall, 20 Gbit/s inspected"),
    ("LP", "LP-FW900", "Lumenpath Bastion 900", 2, 15.8, 560, "front_to_back", 560, 350, 2, 650,
     "C14", "A2", 28900, 35, "active", "Next-generation firewall, 60 Gbit/s inspected"),
]
# fmt: on

# fmt: off
STORAGE = [
    ("HX", "HX-S212", "Helix S212", 2, 27.0, 700, "front_to_back", 420, 260, 2, 550, "C14", "A2",
     8890, 21, "active", "2U 12-bay LFF NAS with two 10G ports"),
    ("HX", "HX-S224", "Helix S224", 2, 31.0, 760, "front_to_back", 900, 540, 2, 1200, "C14", "A2",
     47900, 35, "active", "2U dual-controller all-flash SAN, 24 NVMe bays"),
    ("HX", "HX-S460", "Helix S460", 4, 86.0, 980, "front_to_back", 1300, 850, 2, 1600, "C14",
     "A2", 14900, 35, "active", "4U 60-bay JBOD expansion, ships without drives"),
    ("TX", "TX-N224", "Tessellon N224", 2, 29.0, 740, "front_to_back", 620, 380, 2, 800, "C14",
     "A2", 16500, 21, "active", "2U 24-bay hybrid NAS"),
    ("TX", "TX-N436", "Tessellon N436", 4, 58.0, 780, "front_to_back", 950, 620, 2, 1200, "C14",
     "A2", 24900, 28, "active", "4U 36-bay NAS for video and backup"),
    ("SV", "SV-A2F", "Stratavault A2F", 2, 35.0, 790, "front_to_back", 1100, 720, 2, 1600, "C14",
     "A2", 71900, 42, "active", "2U dual-controller all-flash array, 24 NVMe bays"),
    ("SV", "SV-A2F-G1", "Stratavault A2F (gen 1)", 2, 36.0, 790, "front_to_back", 1200, 780, 2,
     1600, "C14", "A2", 54900, 21, "end_of_sale", "Previous-generation all-flash array"),
    ("SV", "SV-H4", "Stratavault H4", 4, 68.0, 800, "front_to_back", 1200, 780, 2, 1600, "C14",
     "A2", 38900, 42, "active", "4U hybrid array, 24 LFF plus 12 SFF bays"),
    ("SV", "SV-E2", "Stratavault E2", 2, 24.0, 640, "front_to_back", 450, 300, 2, 580, "C14",
     "A2", 11900, 28, "active", "2U 24-bay SFF expansion shelf"),
    ("SV", "SV-N1", "Stratavault N1", 1, 9.0, 480, "front_to_back", 150, 80, 1, 250, "C14", "A3",
     2390, 10, "active", "1U four-bay NAS for branch backup"),
]
# fmt: on

# fmt: off
MONITORING = [
    ("SM", "SM-EMS1", "Sentrion Hub 1", 1, 2.4, 200, "passive", 18, 10, 1, 30, "C14", "A3", 1250,
     10, "active", "Environmental monitoring appliance, 4 sensor ports, SNMP and e-mail alerts",
     {"remote_monitoring": True}),
    ("SM", "SM-EMS1R", "Sentrion Hub 1 R", 1, 2.8, 200, "passive", 24, 12, 2, 30, "C14", "A3",
     1690, 10, "active", "Monitoring appliance with dual supplies and 8 sensor ports",
     {"remote_monitoring": True}),
    ("SM", "SM-TH2", "Sentrion TH2 probe", 0, 0.2, None, "passive", 2, 1, 0, None, "other", "A4",
     120, 5, "active", "Temperature and humidity probe, powered from the hub",
     {"remote_monitoring": True}),
    ("SM", "SM-LK1", "Sentrion LK1 leak sensor", 0, 0.4, None, "passive", 2, 1, 0, None, "other",
     "A4", 190, 5, "active", "Leak detection sensor with 5 m sensing cable",
     {"remote_monitoring": True}),
    ("SM", "SM-DS1", "Sentrion DS1 door sensor", 0, 0.1, None, "passive", 1, 0.5, 0, None,
     "other", "A4", 95, 5, "active", "Door contact pair for front and rear doors",
     {"physical_security": True}),
    ("SM", "SM-CAM1", "Sentrion CAM1", 0, 0.6, None, "passive", 8, 5, 0, None, "other", "A3", 690,
     10, "active", "Rack camera, PoE powered, records on door opening",
     {"physical_security": True}),
    ("SM", "SM-HND2", "Sentrion HND2 handle set", 0, 1.6, None, "passive", 6, 2, 0, None, "other",
     "A3", 540, 14, "active", "Card-reader door handles, one pair per rack",
     {"physical_security": True}),
    ("WS", "WS-GW4", "Watchpost GW4", 1, 3.2, 250, "side_to_side", 30, 18, 1, 40, "C14", "A3",
     2390, 14, "active", "Monitoring and access gateway: sensors, cameras, door locks, SMS alerts",
     {"remote_monitoring": True, "physical_security": True}),
    ("WS", "WS-ENV", "Watchpost ENV hub", 0, 0.7, None, "passive", 10, 6, 1, 12, "other", "A3",
     480, 7, "active", "Zero-U environmental hub with two temperature probes",
     {"remote_monitoring": True}),
    ("WS", "WS-CAM-R", "Watchpost CAM R", 0, 0.8, None, "passive", 9, 6, 0, None, "other", "A3",
     820, 10, "active", "Rack camera with infrared, PoE powered", {"physical_security": True}),
    ("WS", "WS-SMK", "Watchpost SMK aspirating detector", 0, 6.5, None, "side_to_side", 20, 14,
     1, 30, "other", "A3", 2890, 21, "active", "Aspirating smoke detector for one or two racks",
     {"remote_monitoring": True}),
    ("WS", "WS-PM1", "Watchpost PM1 power meter", 0, 0.9, None, "passive", 8, 5, 1, 12, "other",
     "A3", 1090, 14, "active", "Branch-circuit power meter with network interface",
     {"remote_monitoring": True}),
]
# fmt: on

IT_TABLES = {
    "server": SERVERS,
    "gpu_server": GPU_SERVERS,
    "switch": SWITCHES,
    "router": ROUTERS,
    "storage": STORAGE,
    "monitoring": MONITORING,
}


def it_equipment() -> list[dict]:
    rows = []
    for kind, table in IT_TABLES.items():
        for row in table:
            (prefix, sku, model, u, kg, depth, airflow, np_w, typ_w, psus, psu_w, connector,
             climate, price, lead, lifecycle, desc, *extra) = row  # fmt: skip
            spec = {"kind": "it", "psu_count": psus, "psu_rating_w": psu_w,
                    "redundant_psus": psus >= 2, "psu_connector": connector}  # fmt: skip
            if isinstance(climate, tuple):
                spec.update(ashrae_class=None, inlet_min_c=climate[0], inlet_max_c=climate[1])
                climate_text = f"inlet {climate[0]} to {climate[1]} C"
            else:
                spec["ashrae_class"] = climate
                climate_text = f"ASHRAE {climate}"
            spec.update(extra[0] if extra else {})
            if psus and psu_w:
                supplies = f"{psus} x {psu_w} W " + ("supplies" if psus > 1 else "supply")
            else:
                supplies = "Powered by its hub or over PoE"
            text = f"{desc}. {supplies}, {climate_text}."
            rows.append(
                item(prefix, sku, model, kind, text, price, spec, lead=lead, u=u, kg=kg,
                     depth=depth, full_depth=bool(depth and depth >= 700), airflow=airflow,
                     nameplate=np_w, typical=typ_w, lifecycle=lifecycle)
            )  # fmt: skip
    return rows


# --------------------------------------------------------------------------- accessories

# prefix, sku, model, type, U, kg, depth, price EUR, lead, description
# fmt: off
ACCESSORIES = [
    ("FR", "FR-BP1", "Skarv blanking panel 1U", "blanking_panel", 1, 0.35, None, 9, 3,
     "Tool-less 1U blanking panel that stops hot-air recirculation"),
    ("FR", "FR-BP2", "Skarv blanking panel 2U", "blanking_panel", 2, 0.6, None, 14, 3,
     "Tool-less 2U blanking panel"),
    ("FR", "FR-BR1", "Skarv brush panel 1U", "blanking_panel", 1, 0.5, None, 29, 3,
     "1U panel with a brush strip for cables passing front to rear"),
    ("FR", "FR-SH1-550", "Skarv fixed shelf 1U", "shelf", 1, 3.8, 550, 72, 5,
     "Vented fixed shelf, 550 mm deep, 50 kg load"),
    ("FR", "FR-SH1-SL", "Skarv sliding shelf 1U", "shelf", 1, 6.2, 650, 165, 7,
     "Sliding keyboard-style shelf on ball-bearing runners, 25 kg load"),
    ("FR", "FR-CM1", "Skarv cable manager 1U", "cable_management", 1, 0.9, 90, 42, 3,
     "Horizontal cable manager with D-rings"),
    ("FR", "FR-CM2", "Skarv cable manager 2U", "cable_management", 2, 1.6, 120, 58, 3,
     "Horizontal cable manager with finger duct and cover"),
    ("FR", "FR-VCM42", "Skarv vertical manager 42U", "cable_management", 0, 11.5, None, 240, 7,
     "Vertical cable manager for 800 mm racks, 42U"),
    ("FR", "FR-VCM48", "Skarv vertical manager 48U", "cable_management", 0, 13.0, None, 265, 7,
     "Vertical cable manager for 800 mm racks, 48U"),
    ("FR", "FR-PP24-6A", "Skarv patch panel 24 x Cat6A", "patch_panel", 1, 1.4, 120, 135, 5,
     "Shielded 24-port Cat6A patch panel"),
    ("FR", "FR-PP48-6A", "Skarv patch panel 48 x Cat6A", "patch_panel", 2, 2.6, 120, 230, 5,
     "Shielded 48-port Cat6A patch panel"),
    ("FR", "FR-FP24-LC", "Skarv fibre panel 24 LC", "patch_panel", 1, 2.1, 300, 210, 7,
     "Sliding fibre enclosure with 24 LC duplex adapters"),
    ("FR", "FR-CAST4", "Skarv castor kit", "other", 0, 4.0, None, 95, 5,
     "Four heavy castors, two with brakes, 1000 kg set"),
    ("FR", "FR-AIRDAM42", "Skarv air dam kit 42U", "other", 0, 3.5, None, 160, 7,
     "Side and top seals that separate cold and hot air in 800 mm racks"),
    ("FR", "FR-EARTH", "Skarv earthing kit", "other", 0, 0.8, None, 35, 3,
     "Bonding straps for doors and side panels"),
    ("FR", "FR-RAIL-ADJ", "Skarv adjustable rails", "other", 0, 2.4, None, 85, 5,
     "Universal rail pair for 600-900 mm devices"),
    ("CF", "CF-BP1", "Atlas blanking panel 1U", "blanking_panel", 1, 0.3, None, 6.5, 2,
     "Snap-in 1U blanking panel"),
    ("CF", "CF-BP2", "Atlas blanking panel 2U", "blanking_panel", 2, 0.55, None, 11, 2,
     "Snap-in 2U blanking panel"),
    ("CF", "CF-BP1-10", "Atlas blanking panel 1U (previous)", "blanking_panel", 1, 0.45, None, 5,
     2, "Screw-fixed 1U steel blanking panel"),
    ("CF", "CF-SH2-HD", "Atlas heavy shelf 2U", "shelf", 2, 7.5, 750, 110, 5,
     "Four-post heavy shelf, 750 mm deep, 100 kg load"),
    ("CF", "CF-SH2-CL", "Atlas cantilever shelf 2U", "shelf", 2, 3.2, 400, 95, 5,
     "Two-post vented cantilever shelf for desktop-style devices"),
    ("CF", "CF-CM1-BR", "Atlas cable manager 1U brush", "cable_management", 1, 0.8, 80, 48, 3,
     "Horizontal cable manager with brush entry"),
    ("CF", "CF-PP24-6", "Atlas patch panel 24 x Cat6", "patch_panel", 1, 1.1, 100, 79, 3,
     "Unshielded 24-port Cat6 patch panel"),
    ("CF", "CF-FP48-LC", "Atlas fibre panel 48 LC", "patch_panel", 1, 2.6, 320, 260, 7,
     "Sliding fibre enclosure with 48 LC duplex adapters"),
    ("CF", "CF-PLINTH-8012", "Atlas plinth 800x1200", "other", 0, 18.0, None, 180, 10,
     "100 mm plinth with cable entry for 800 x 1200 mm racks"),
    ("CF", "CF-WALLBRK", "Atlas wall bracket 2U", "other", 2, 1.2, 300, 39, 3,
     "Hinged 2U wall bracket for a patch panel and a small switch"),
]
# fmt: on


def accessories() -> list[dict]:
    rows = []
    for prefix, sku, model, acc_type, u, kg, depth, price, lead, desc in ACCESSORIES:
        spec = {"kind": "accessory", "accessory_type": acc_type}
        lifecycle = "end_of_sale" if sku == "CF-BP1-10" else "active"
        rows.append(
            item(prefix, sku, model, "accessory", f"{desc}.", price, spec, lead=lead, u=u, kg=kg,
                 depth=depth, lifecycle=lifecycle)
        )  # fmt: skip
    return rows


# --------------------------------------------------------------------------- bundles

# prefix, sku, title, discount, lead extra days, members [(sku, qty)], description
# fmt: off
BUNDLES = [
    ("AV", "AV-KIT-BRANCH", "Arkvale Branch wall kit", 0.11, 10,
     [("CF-W15-6060", 1), ("VM-LI1500-R2", 1), ("NB-PDU-H16-8", 1), ("QN-E8", 1),
      ("CF-PP24-6", 1), ("WS-ENV", 1), ("CF-BP1", 4)],
     "Wall cabinet with line-interactive UPS, PDU, switch, patch panel and a monitoring hub; "
     "relies on room air for cooling"),
    ("FR", "FR-KIT-EDGE2", "Fjordrack EdgeCell wall kit", 0.12, 10,
     [("CF-W15-6060", 1), ("NB-OX3000-R2", 1), ("NB-PDU-H16-8M", 1), ("PW-SD35", 1),
      ("QF-AE-025", 1), ("SM-EMS1", 1), ("SM-TH2", 2), ("FR-BP1", 6)],
     "Wall cabinet with online UPS, metered PDU, comfort split cooling, aerosol suppression "
     "and environmental monitoring"),
    ("FR", "FR-KIT-EDGE5", "Fjordrack EdgeCell 24U kit", 0.13, 14,
     [("FR-MDC24-6010", 1), ("NB-OX6000-R5", 1), ("NB-PDU-V32-36M", 2), ("CL-IR75-DX", 1),
      ("EG-RK-F12", 1), ("SM-EMS1", 1), ("SM-DS1", 1), ("FR-BP1", 4)],
     "Sealed 24U enclosure with online UPS, A/B metered PDUs, in-rack DX cooling, "
     "FK-5-1-12 rack suppression, monitoring and door sensors"),
    ("FR", "FR-KIT-EDGE12", "Fjordrack EdgeCell 42U kit", 0.14, 14,
     [("FR-MDC42-8012", 1), ("TL-T15-33", 1), ("NB-PDU-3V32-36M", 2), ("CL-IR100-DXS", 2),
      ("EG-RK-F20", 1), ("WS-GW4", 1), ("WS-CAM-R", 1), ("FR-BP1", 12), ("FR-VCM42", 1)],
     "Sealed wide 42U enclosure with a three-phase UPS, A/B three-phase PDUs, two side-mounted "
     "DX coolers, FK-5-1-12 suppression, monitoring gateway and camera"),
    ("AV", "AV-KIT-OUT6", "Arkvale Outdoor cabinet kit", 0.12, 21,
     [("CF-OD42-55", 1), ("NB-OX8K-R6", 1), ("NB-EBP240-3U", 1), ("NB-PDU-V32-36S", 2),
      ("CL-IR75-DX", 1), ("QF-AE-050", 1), ("WS-GW4", 1), ("FR-BP1", 10)],
     "IP55 outdoor cabinet with online UPS and extra battery, switched A/B PDUs, in-rack DX "
     "cooling, aerosol suppression and a monitoring gateway"),
    ("AV", "AV-KIT-AIPOD", "Arkvale AI pod kit", 0.15, 21,
     [("FR-S48-8012", 1), ("TL-T20-33", 1), ("NB-PDU-3V32-36S", 2), ("CL-RD30", 1),
      ("EG-RM-F25", 1), ("SM-EMS1R", 1), ("SM-HND2", 1), ("FR-BP2", 8), ("FR-VCM48", 1)],
     "48U wide rack with a 20 kVA three-phase UPS, switched A/B PDUs, a 30 kW active rear door, "
     "a room FK-5-1-12 system, monitoring and card-reader handles"),
    ("AV", "AV-KIT-ROW", "Arkvale Row pod kit", 0.12, 28,
     [("FR-S42-6012", 2), ("TL-T20-33", 1), ("VM-RPDU-3V32-42M", 4), ("CL-ROW20-CW", 1),
      ("EG-RM-F25", 1), ("SM-EMS1R", 1), ("SM-TH2", 4), ("FR-BP1", 20)],
     "Two 42U racks sharing an in-row chilled-water cooler and a 20 kVA three-phase UPS, "
     "with a room FK-5-1-12 system"),
]
# fmt: on


def pdu_feed_w(spec: dict) -> float:
    """Continuous IT watts one PDU can carry: 80 % of its input VA at load PF 0.95."""
    return spec["voltage_v"] * spec["phases"] * spec["input_current_a"] * UTILISATION * LOAD_PF


def bundle_capacity(members: list[tuple[dict, int]]) -> tuple[float, float, float, int]:
    """(IT capacity W, sensible cooling W, runtime at capacity min, rack U) of a kit."""
    limits, cooling_w, rack_u, ups, pack_wh = [], 0.0, 0, None, 0.0
    for component, qty in members:
        spec = component["spec"]
        if component["kind"] == "battery":
            pack_wh += spec["wh"] * qty
        elif component["kind"] == "ups":
            ups = (spec, qty)
            limits.append(spec["kw"] * 1000 * qty * UTILISATION)
        elif component["kind"] == "pdu":
            # With two or more PDUs they are A/B pairs: one feed must carry the whole load.
            limits.append(pdu_feed_w(spec) * max(1, qty // 2))
        elif component["kind"] == "cooling":
            cooling_w += spec["sensible_capacity_w"] * qty
        elif component["kind"] == "rack":
            rack_u += spec["u"] * qty
    if cooling_w:
        limits.append(cooling_w * UTILISATION)
    capacity = math.floor(min(limits) / 100) * 100
    runtime = 0.0
    if ups:
        ups_spec, ups_qty = ups
        internal_wh = ups_spec["battery_nominal_v"] * ups_spec["battery_ah"]
        # External packs extend the internal table in proportion to stored energy (a slight
        # underestimate for lead-acid, whose runtime grows faster than linearly with Ah).
        extension = 1 + pack_wh / (internal_wh * ups_qty)
        runtime = runtime_at(ups_spec, capacity / ups_qty) * extension
    return capacity, cooling_w, round(runtime, 1), rack_u


def bundles(catalogue: dict[str, dict]) -> list[dict]:
    rows = []
    for prefix, sku, title, discount, lead_extra, member_rows, note in BUNDLES:
        members = [(catalogue[m_sku], qty) for m_sku, qty in member_rows]
        capacity, cooling_w, runtime, rack_u = bundle_capacity(members)
        spec = {
            "kind": "bundle",
            "members": [
                {"manufacturer": c["manufacturer"], "sku": c["sku"], "quantity": qty}
                for c, qty in members
            ],
            "it_capacity_w": capacity, "cooling_capacity_w": cooling_w,
            "runtime_min_at_capacity": runtime, "rack_units": rack_u,
        }  # fmt: skip
        list_sum = sum(float(c["list_price"]) * qty for c, qty in members)
        price = round(list_sum * (1 - discount), -1)
        kg = sum(float(c["weight_kg"]) * qty for c, qty in members)
        depth = max(c["depth_mm"] or 0 for c, _ in members if c["kind"] == "rack")
        lead = min(120, max(c["lead_time_days"] for c, _ in members) + lead_extra)
        model = f"{title} {capacity / 1000:g} kW"
        note = note[0].lower() + note[1:]
        desc = (
            f"Pre-integrated kit for {capacity / 1000:g} kW of IT load: {note}. "
            f"Runtime about {runtime:g} min at that load; delivered tested and cabled."
        )
        row = item(prefix, sku, model, "bundle", desc, price, spec, lead=lead, kg=kg, depth=depth)
        row["cost_price"] = money(price * 0.76)
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- assembly


def build_catalog() -> dict:
    """The whole fixture as a JSON-ready dict."""
    components = (
        racks() + upses() + batteries() + pdus() + atses() + cooling() + fire()
        + it_equipment() + accessories()
    )  # fmt: skip
    by_sku = {c["sku"]: c for c in components}
    if len(by_sku) != len(components):
        raise ValueError("duplicate SKU in the demo catalogue tables")
    components += bundles(by_sku)
    components.sort(key=lambda c: (c["manufacturer"], c["sku"]))
    return {
        "version": 1,
        "manufacturers": [
            {"name": name, "website": website}
            for _, name, website, _ in sorted(MANUFACTURERS, key=lambda m: m[1])
        ],
        "components": components,
    }


def render() -> str:
    return json.dumps(build_catalog(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the fixture is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale; run scripts/build_demo_catalog.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(json.loads(text)['components'])} components)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
