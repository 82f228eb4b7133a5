"""Requirements are one bounded, strict model: bad input names the field and the problem."""

from __future__ import annotations

import math
import re

import pytest
from pydantic import ValidationError

from rules.solver.requirements import Requirements
from rules.specs import Redundancy

BASE = {"workload": {"classes": [{"it_class": "server", "count": 2}]}}


def _with(**parts: object) -> dict[str, object]:
    return {**BASE, **parts}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (_with(constraints={"runtime_min": math.inf}), "constraints.runtime_min"),
        (_with(constraints={"runtime_min": math.nan}), "constraints.runtime_min"),
        (_with(constraints={"runtime_min": -1}), "constraints.runtime_min"),
        (_with(constraints={"growth_pct": 201}), "constraints.growth_pct"),
        (_with(constraints={"max_racks": 0}), "constraints.max_racks"),
        (_with(constraints={"budget": 0}), "constraints.budget"),
        (_with(constraints={"colour": "red"}), "constraints.colour"),
        (_with(surprise=1), "surprise"),
        ({"workload": {}}, "workload"),
        ({"workload": {"classes": [{"it_class": "server"}]}}, "workload.classes.0"),
        ({"workload": {"classes": [{"it_class": "toaster", "count": 1}]}}, "it_class"),
        (_with(redundancy={"ups": "2N", "ab_feeds": False}), "redundancy"),
        (_with(objective={"terms": ["list_price"], "mode": "weighted"}), "objective"),
        (
            {"workload": {"customer_load": {"typical_kw": 3, "nameplate_kw": 2}}},
            "workload.customer_load",
        ),
    ],
)
def test_requirements_bad_input_names_the_field(data: dict[str, object], field: str) -> None:
    """Out-of-range numbers, inf, NaN, unknown keys and inconsistent parts are refused."""
    with pytest.raises(ValidationError) as caught:
        Requirements.model_validate(data)
    locations = [".".join(str(p) for p in e["loc"]) for e in caught.value.errors()]
    assert any(field in loc for loc in locations) or field in str(caught.value)


def test_requirements_outdoor_site_needs_its_own_cooling() -> None:
    """An outdoor build cannot leave its heat to a room's air conditioning."""
    with pytest.raises(ValidationError, match="outdoor build brings its own cooling"):
        Requirements.model_validate(
            _with(site={"environment": "outdoor"}, redundancy={"cooling": "none"})
        )


def test_requirements_build_policy_carries_runtime_redundancy_and_fire() -> None:
    """The engine judges a proposal by the requirements' runtime, redundancy and fire."""
    req = Requirements.model_validate(
        _with(
            redundancy={"ups": "2N", "cooling": "N+1"},
            constraints={"runtime_min": 15, "fire_suppression": True},
        )
    )
    policy = req.build_policy()
    assert policy.required_runtime_min == 15
    assert policy.ups_redundancy is Redundancy.TWO_N
    assert policy.cooling_redundancy is Redundancy.N_PLUS_1
    assert policy.require_fire_suppression


@pytest.mark.parametrize(
    ("part", "field"),
    [
        ({"site": {"supply_voltage_v": math.inf}}, "site.supply_voltage_v"),
        ({"site": {"electricity_price_per_kwh": math.inf}}, "site.electricity_price_per_kwh"),
        ({"policy": {"airflow_delta_t_k": math.inf}}, "policy.airflow_delta_t_k"),
    ],
)
def test_requirements_site_and_policy_refuse_inf_and_nan(
    part: dict[str, object], field: str
) -> None:
    """The vocabulary refuses inf in the site and the policy, naming the field."""
    with pytest.raises(ValidationError, match=re.escape(field) + r"\n\s+Input should be a finite"):
        Requirements.model_validate(_with(**part))


def test_requirements_catalogue_entry_refuses_an_infinite_price() -> None:
    """A catalogue entry with an infinite figure is refused, naming it."""
    from rules.solver.catalog import CatalogEntry

    with pytest.raises(
        ValidationError, match=r"component\.list_price\n\s+Input should be a finite"
    ):
        CatalogEntry.model_validate(
            {"component": {"ref": "x", "name": "X", "kind": "server", "list_price": math.inf}}
        )
