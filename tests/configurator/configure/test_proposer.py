"""The proposer: a build chosen from the catalogue for a site and a workload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.choices import Lifecycle
from configurator.configure.proposer import Workload, build_propose
from rules.specs import Redundancy
from tests.factories import ComponentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_propose_builds_a_rack_that_holds_the_workload(customer_org: Any, parts: Any) -> None:
    """The service writes rack, UPS, two PDUs, cooling, servers and blanking panels."""
    site = SiteFactory(organisation=customer_org)
    proposal = build_propose(
        site=site, name="Shop rack", workload=Workload(servers=3, runtime_min=5), user=None
    )
    roles = {pick.role: pick for pick in proposal.picks}
    assert roles["Rack"].component == parts["rack"]
    assert roles["UPS"].component == parts["ups"]
    assert roles["PDU"].quantity == 2
    assert roles["Server"].component == parts["server"]  # active models only
    assert roles["Cooling"].component == parts["cooling"]
    lines = list(proposal.build.lines.select_related("component"))
    blanks = sum(line.quantity for line in lines if line.component == parts["panel"])
    used = sum(
        line.component.u_height * line.quantity for line in lines if line.position_u is not None
    )
    assert used == 24  # every U is filled: equipment plus blanking panels
    assert blanks > 0
    assert not [f for f in proposal.report.errors if f.code.startswith("power.ups")]


def test_propose_sizes_the_ups_for_the_expected_load(customer_org: Any, parts: Any) -> None:
    """An expected IT load above the servers' draw picks the UPS that carries it, and says so."""
    site = SiteFactory(organisation=customer_org)
    proposal = build_propose(
        site=site,
        name="Growth",
        workload=Workload(servers=2, it_kw=5, runtime_min=5),
        user=None,
    )
    ups = {pick.role: pick for pick in proposal.picks}["UPS"]
    # The least expensive way to carry 5 kW at 80 %: units of either model, in parallel.
    assert ups.quantity * ups.component.spec["kw"] * 1000 * 0.8 >= 5000
    assert not [f for f in proposal.report.errors if f.code.startswith("power.ups")]
    assert any("5,000 W" in note for note in proposal.notes)


def test_propose_with_n_plus_1_adds_a_spare_ups(customer_org: Any, parts: Any) -> None:
    """N+1 asks the policy for N+1 and installs one UPS unit more than the load needs."""
    site = SiteFactory(organisation=customer_org)
    proposal = build_propose(
        site=site,
        name="Resilient",
        workload=Workload(servers=2, runtime_min=5, redundancy=Redundancy.N_PLUS_1),
        user=None,
    )
    assert {p.role: p.quantity for p in proposal.picks}["UPS"] == 2
    assert proposal.build.policy_override["ups_redundancy"] == "N+1"
    assert proposal.report.metrics.ups_redundancy == Redundancy.N_PLUS_1


def test_propose_on_2n_picks_a_server_whose_supplies_ride_through_a_feed_loss(
    customer_org: Any, parts: Any
) -> None:
    """On 2N the server must keep running on either feed: the cheaper model needs 3 of its 4
    supplies (ceil(2,500 / 1,000), C6) with 2 per feed, so the redundant 2-supply model wins."""
    parts["server"].lifecycle = Lifecycle.END_OF_LIFE
    parts["server"].save()
    three_of_four = ComponentFactory(
        model_name="G4",
        list_price=Decimal("500"),
        nameplate_w=Decimal("2500"),
        typical_w=Decimal("1500"),
        spec={"psu_count": 4, "psu_rating_w": 1000, "redundant_psus": True},
    )
    one_of_two = ComponentFactory(
        model_name="R2",
        list_price=Decimal("900"),
        spec={"psu_count": 2, "psu_rating_w": 600, "redundant_psus": True},
    )
    site = SiteFactory(organisation=customer_org)
    proposal = build_propose(
        site=site,
        name="Clinic rack",
        workload=Workload(servers=2, runtime_min=5, redundancy=Redundancy.TWO_N),
        user=None,
    )
    roles = {pick.role: pick for pick in proposal.picks}
    assert roles["Server"].component == one_of_two != three_of_four
    assert "power.psu_redundancy" not in {f.code for f in proposal.report.findings}
