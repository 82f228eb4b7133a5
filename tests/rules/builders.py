"""Small helpers that build engine inputs for the rules tests (no database, no factories)."""

from __future__ import annotations

from typing import Any

from rules.checks import CHECKS, Check
from rules.derive import Derived, derive
from rules.model import BuildSpec, Finding, PlacedItem, RackInstance
from rules.specs import (
    AtsSpec,
    BatteryPackSpec,
    ComponentSpec,
    CoolingSpec,
    CoolingType,
    ItSpec,
    Kind,
    PduSpec,
    Policy,
    RackSpec,
    RuntimePoint,
    Site,
    UpsSpec,
)

# --------------------------------------------------------------------------- components


def component(kind: Kind, ref: str | None = None, **fields: Any) -> ComponentSpec:
    """A catalogue component of ``kind``; ``fields`` go straight to ComponentSpec."""
    ref = ref or f"{kind.value}-ref"
    fields.setdefault("name", ref)
    return ComponentSpec(ref=ref, kind=kind, **fields)


def server(
    nameplate_w: float | None = 500,
    typical_w: float | None = None,
    *,
    dual: bool = False,
    connector: str = "C14",
    pf: float | None = None,
    kind: Kind = Kind.SERVER,
    **fields: Any,
) -> ComponentSpec:
    """An IT device; ``dual`` gives it two redundant PSUs (one cord per feed)."""
    spec = ItSpec(
        psu_count=2 if dual else 1,
        redundant_psus=dual,
        psu_connector=connector,  # type: ignore[arg-type]
        power_factor=pf,
    )
    fields.setdefault("u_height", 1)
    return component(kind, nameplate_w=nameplate_w, typical_w=typical_w, spec=spec, **fields)


def ups(
    kva: float,
    kw: float | None = None,
    *,
    table: tuple[tuple[float, float], ...] = (),
    **spec_fields: Any,
) -> ComponentSpec:
    """A UPS; ``table`` is (load W, minutes) points."""
    points = tuple(RuntimePoint(load_w=w, minutes=m) for w, m in table)
    return component(Kind.UPS, spec=UpsSpec(kva=kva, kw=kw, runtime_table=points, **spec_fields))


def pdu(
    current_a: float = 16,
    *,
    voltage_v: float = 230,
    phases: int = 1,
    c13: int = 24,
    c19: int = 0,
    **spec_fields: Any,
) -> ComponentSpec:
    """A rack PDU: ``current_a`` is the input rating per phase."""
    spec = PduSpec(
        voltage_v=voltage_v,
        phases=phases,  # type: ignore[arg-type]
        input_current_a=current_a,
        outlets_c13=c13,
        outlets_c19=c19,
        **spec_fields,
    )
    return component(Kind.PDU, spec=spec)


def ats(rated_a: float = 16, **spec_fields: Any) -> ComponentSpec:
    """An automatic transfer switch."""
    return component(Kind.ATS, spec=AtsSpec(rated_a=rated_a, **spec_fields))


def cooling(
    sensible_w: float,
    *,
    power_w: float = 0,
    airflow_m3h: float = 2000,
    total_w: float | None = None,
    **fields: Any,
) -> ComponentSpec:
    """An in-rack cooling unit with ``sensible_w`` of sensible capacity."""
    spec = CoolingSpec(
        cooling_type=CoolingType.IN_RACK,
        sensible_capacity_w=sensible_w,
        total_capacity_w=total_w or sensible_w,
        airflow_m3h=airflow_m3h,
        power_draw_w=power_w,
    )
    return component(Kind.COOLING, spec=spec, **fields)


def battery(wh: float, nominal_v: float, **spec_fields: Any) -> ComponentSpec:
    """An external battery pack."""
    return component(Kind.BATTERY, spec=BatteryPackSpec(wh=wh, nominal_v=nominal_v, **spec_fields))


def rack_component(u: int = 42, static_load_kg: float = 1360, **fields: Any) -> ComponentSpec:
    """A floor rack."""
    spec_keys = {"width_mm", "depth_mm", "dynamic_load_kg", "wall_mount", "max_device_depth_mm"}
    spec_fields = {k: fields.pop(k) for k in list(fields) if k in spec_keys}
    return component(
        Kind.RACK, spec=RackSpec(u=u, static_load_kg=static_load_kg, **spec_fields), **fields
    )


# --------------------------------------------------------------------------- builds


def rack(rack_id: str = "r1", **fields: Any) -> RackInstance:
    """A rack instance of the build."""
    return RackInstance(id=rack_id, component=rack_component(**fields))


def item(item_id: str, comp: ComponentSpec, **fields: Any) -> PlacedItem:
    """A build line."""
    return PlacedItem(id=item_id, component=comp, **fields)


# The default site, but never colder than the batteries' 20 degC rating: runtime figures here are
# the tables' and Peukert's own; cold derating has its own tests.
SITE = Site(ambient_min_c=20)


def build(
    *items: PlacedItem,
    racks: tuple[RackInstance, ...] = (),
    site: Site | None = None,
    **policy_fields: Any,
) -> BuildSpec:
    """A build of ``items``; keyword arguments are Policy fields."""
    return BuildSpec(
        racks=racks,
        items=items,
        site=site or SITE,
        policy=Policy(**policy_fields),
    )


def ctx_of(spec: BuildSpec) -> Derived:
    """The derived build the checks read."""
    return derive(spec)


def run(check: Check, spec: BuildSpec) -> list[Finding]:
    """Findings of one listed check on ``spec``; fails on an undeclared code."""
    assert check in CHECKS, f"{check.name} is not in rules.checks.CHECKS"
    declared = {r.code for r in check.rules}
    findings = list(check(derive(spec)))
    undeclared = {f.code for f in findings} - declared
    assert not undeclared, f"{check.name} emitted undeclared codes {undeclared}"
    return findings


def codes(findings: list[Finding] | tuple[Finding, ...]) -> list[str]:
    """The codes of ``findings``, in order."""
    return [f.code for f in findings]


def only(findings: list[Finding] | tuple[Finding, ...], code: str) -> list[Finding]:
    """Findings with ``code``."""
    return [f for f in findings if f.code == code]
