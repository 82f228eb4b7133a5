"""Small spec builders for the thermal, space, mechanical, fire and environment tests.

Every builder returns a validated engine value with quiet defaults, so a test states only the
figures it is about. ``run(check_fn, spec)`` evaluates one registered check on a fresh context
and fails if the check emits a code it did not declare.
"""

from __future__ import annotations

from typing import Any

from rules.checks import CHECKS, Check
from rules.derive import Derived, derive
from rules.model import BuildSpec, Face, Finding, PlacedItem, RackInstance, Severity
from rules.specs import (
    AccessorySpec,
    Agent,
    AirflowDirection,
    AshraeClass,
    BatteryChemistry,
    BatteryPackSpec,
    ComponentSpec,
    CoolingSpec,
    CoolingType,
    Environment,
    FireSuppressionSpec,
    ItSpec,
    Kind,
    PduSpec,
    Policy,
    RackSpec,
    Site,
    UpsSpec,
)

F2B = AirflowDirection.FRONT_TO_BACK
B2F = AirflowDirection.BACK_TO_FRONT
SIDE = AirflowDirection.SIDE_TO_SIDE
PASSIVE = AirflowDirection.PASSIVE
FRONT = Face.FRONT
REAR = Face.REAR


def rack(
    rack_id: str = "r1",
    *,
    u: int = 42,
    width_mm: float = 600,
    depth_mm: float = 1000,
    max_device_depth_mm: float | None = None,
    static_load_kg: float = 1000,
    dynamic_load_kg: float | None = None,
    ip_rating: str = "IP20",
    environment: Environment = Environment.INDOOR,
    ambient: tuple[float, float] = (0, 45),
    weight_kg: float = 0,
    lockable: bool = False,
    wall_mount: bool = False,
) -> RackInstance:
    """A rack (default 42U, 600 x 1000 mm, 850 mm usable depth, 1,000 kg static, IP20)."""
    spec = RackSpec(
        u=u,
        width_mm=width_mm,
        depth_mm=depth_mm,
        max_device_depth_mm=max_device_depth_mm,
        static_load_kg=static_load_kg,
        dynamic_load_kg=dynamic_load_kg,
        ip_rating=ip_rating,
        environment=environment,
        ambient_min_c=ambient[0],
        ambient_max_c=ambient[1],
        lockable=lockable,
        wall_mount=wall_mount,
    )
    component = ComponentSpec(
        ref=f"rack-{rack_id}", name="Rack", kind=Kind.RACK, weight_kg=weight_kg, spec=spec
    )
    return RackInstance(id=rack_id, component=component)


def item(
    item_id: str,
    kind: Kind,
    *,
    spec: Any = None,
    u_height: float = 0,
    weight_kg: float = 0,
    depth_mm: float | None = None,
    airflow: AirflowDirection = PASSIVE,
    nameplate_w: float | None = None,
    typical_w: float | None = None,
    quantity: int = 1,
    rack_id: str | None = None,
    position_u: float | None = None,
    face: Face = FRONT,
    feed_a: str | None = None,
    feed_b: str | None = None,
    ups_id: str | None = None,
) -> PlacedItem:
    """Any build line; the component is named after the line."""
    component = ComponentSpec(
        ref=f"c-{item_id}",
        name=item_id,
        kind=kind,
        u_height=u_height,
        weight_kg=weight_kg,
        depth_mm=depth_mm,
        airflow=airflow,
        nameplate_w=nameplate_w,
        typical_w=typical_w,
        spec=spec,
    )
    return PlacedItem(
        id=item_id,
        component=component,
        quantity=quantity,
        rack_id=rack_id,
        position_u=position_u,
        face=face,
        feed_a=feed_a,
        feed_b=feed_b,
        ups_id=ups_id,
    )


def server(
    item_id: str = "srv",
    *,
    watts: float | None = 0,
    ashrae_class: AshraeClass | None = AshraeClass.A2,
    inlet: tuple[float, float] | None = None,
    airflow: AirflowDirection = F2B,
    u_height: float = 1,
    kind: Kind = Kind.SERVER,
    **placement: Any,
) -> PlacedItem:
    """An IT device drawing ``watts`` (nameplate = typical), class A2 by default."""
    spec = ItSpec(
        ashrae_class=ashrae_class,
        inlet_min_c=None if inlet is None else inlet[0],
        inlet_max_c=None if inlet is None else inlet[1],
    )
    return item(
        item_id,
        kind,
        spec=spec,
        u_height=u_height,
        airflow=airflow,
        nameplate_w=watts,
        **placement,
    )


def monitor(
    item_id: str = "mon", *, security: bool = False, remote: bool = False, **placement: Any
) -> PlacedItem:
    """A monitoring device (camera/sensor hub) with the given capabilities."""
    spec = ItSpec(physical_security=security, remote_monitoring=remote)
    return item(item_id, Kind.MONITORING, spec=spec, nameplate_w=10, **placement)


def cooler(
    item_id: str = "cool",
    *,
    sensible_w: float,
    total_w: float | None = None,
    airflow_m3h: float = 1_000_000,
    cooling_type: CoolingType = CoolingType.IN_RACK,
    ambient: tuple[float, float] = (-20, 45),
    quantity: int = 1,
    **placement: Any,
) -> PlacedItem:
    """A cooling unit; its own draw is 0 W so it adds nothing to the power figures."""
    spec = CoolingSpec(
        cooling_type=cooling_type,
        sensible_capacity_w=sensible_w,
        total_capacity_w=total_w if total_w is not None else sensible_w,
        airflow_m3h=airflow_m3h,
        power_draw_w=0,
        ambient_min_c=ambient[0],
        ambient_max_c=ambient[1],
    )
    return item(item_id, Kind.COOLING, spec=spec, quantity=quantity, **placement)


def suppression(
    item_id: str = "fire",
    agent: Agent = Agent.HFC_227EA,
    *,
    mass_kg: float,
    max_volume_m3: float = 1000,
    density_g_m3: float | None = None,
    quantity: int = 1,
) -> PlacedItem:
    """A total-flooding suppression unit."""
    spec = FireSuppressionSpec(
        agent=agent,
        agent_mass_kg=mass_kg,
        max_volume_m3=max_volume_m3,
        design_density_g_m3=density_g_m3,
    )
    return item(item_id, Kind.FIRE_SUPPRESSION, spec=spec, quantity=quantity)


def blanking(item_id: str, rack_id: str, position_u: float, u_height: float = 1) -> PlacedItem:
    """A blanking panel of ``u_height`` U."""
    return item(
        item_id,
        Kind.ACCESSORY,
        spec=AccessorySpec(accessory_type="blanking_panel"),
        u_height=u_height,
        rack_id=rack_id,
        position_u=position_u,
    )


def pdu(item_id: str = "pdu", *, metered: bool = False, **placement: Any) -> PlacedItem:
    """A zero-U single-phase 16 A PDU."""
    spec = PduSpec(voltage_v=230, input_current_a=16, outlets_c13=8, metered=metered)
    return item(item_id, Kind.PDU, spec=spec, **placement)


def ups(
    item_id: str = "ups",
    *,
    kva: float = 10,
    efficiency: float | None = None,
    chemistry: BatteryChemistry = BatteryChemistry.VRLA,
) -> PlacedItem:
    """A UPS (kW = kVA, so its rating never binds in these tests)."""
    spec = UpsSpec(kva=kva, kw=kva, efficiency=efficiency, battery_chemistry=chemistry)
    return item(item_id, Kind.UPS, spec=spec)


def battery_pack(
    item_id: str, ups_id: str, chemistry: BatteryChemistry = BatteryChemistry.VRLA
) -> PlacedItem:
    """An external battery pack extending ``ups_id``."""
    spec = BatteryPackSpec(wh=1000, nominal_v=48, chemistry=chemistry)
    return item(item_id, Kind.BATTERY, spec=spec, ups_id=ups_id)


def site(**fields: Any) -> Site:
    """A site; only the given fields differ from the defaults (indoor, 18-27 degC, 0 m)."""
    return Site(**fields)


def policy(**fields: Any) -> Policy:
    """A policy; only the given fields differ from the defaults."""
    return Policy(**fields)


def build(
    *items: PlacedItem,
    racks: tuple[RackInstance, ...] | list[RackInstance] = (),
    site: Site | None = None,
    policy: Policy | None = None,
) -> BuildSpec:
    """A build of the given lines and racks."""
    return BuildSpec(
        racks=tuple(racks),
        items=items,
        site=site if site is not None else Site(),
        policy=policy if policy is not None else Policy(),
    )


def run(check: Check, spec: BuildSpec) -> list[Finding]:
    """Findings of one listed check on ``spec``; fails on an undeclared code."""
    assert check in CHECKS, f"{check.name} is not in rules.checks.CHECKS"
    findings = list(check(derive(spec)))
    declared = {r.code for r in check.rules}
    emitted = {f.code for f in findings}
    assert emitted <= declared, f"{check.name} emitted undeclared {emitted - declared}"
    return findings


def derived(spec: BuildSpec) -> Derived:
    """Every figure of ``spec``, as the checks read them."""
    return derive(spec)


def codes(findings: list[Finding], severity: Severity | None = None) -> list[str]:
    """Codes of the findings, optionally of one severity, in emission order."""
    return [f.code for f in findings if severity is None or f.severity is severity]
