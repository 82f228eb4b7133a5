"""Requirements around a build: its IT the fixed workload, its site and policy the rest."""

from __future__ import annotations

from rules.model import BuildSpec, PlacedItem
from rules.solver import requirements_around
from rules.specs import ComponentSpec, ItSpec, Kind, Policy, Redundancy, Site

SERVER = ComponentSpec(
    ref="17", name="R150", kind=Kind.SERVER, u_height=1, nameplate_w=500, typical_w=300,
    spec=ItSpec(psu_count=2, redundant_psus=True),
)  # fmt: skip


def _spec(policy: Policy, site: Site, **item: object) -> BuildSpec:
    items = (
        PlacedItem(id="a", component=SERVER, quantity=2, **item),  # type: ignore[arg-type]
        PlacedItem(id="b", component=SERVER, quantity=3),
    )
    return BuildSpec(name="Clinic", site=site, items=items, policy=policy)


def test_around_takes_the_it_as_given_and_the_policy_as_asked() -> None:
    """Each IT model's count is summed; 2N asks A/B feeds; runtime and fire from the policy."""
    policy = Policy(
        ups_redundancy=Redundancy.TWO_N,
        cooling_redundancy=Redundancy.N_PLUS_1,
        required_runtime_min=15,
        require_fire_suppression=True,
    )
    req = requirements_around(_spec(policy, Site()))
    assert [(i.ref, i.quantity) for i in req.workload.items] == [("17", 5)]
    assert req.redundancy.ups.value == "2N"
    assert req.redundancy.cooling.value == "N+1"
    assert req.redundancy.ab_feeds
    assert req.constraints.runtime_min == 15
    assert req.constraints.fire_suppression
    assert req.name == "Clinic"


def test_around_leaves_the_heat_to_a_room_that_states_its_cooling() -> None:
    """No cooling unit in the build and the room's own air conditioning stated: cooling none."""
    req = requirements_around(_spec(Policy(), Site(room_cooling_w=4000)))
    assert req.redundancy.cooling.value == "none"
    assert req.redundancy.ups.value == "N"
    assert not req.redundancy.ab_feeds
    assert requirements_around(_spec(Policy(), Site())).redundancy.cooling.value == "N"
