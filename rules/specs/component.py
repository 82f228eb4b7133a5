"""A catalogue component as the engine sees it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from rules.specs.base import AirflowDirection, Frozen, Kind, NonNegativeFloat
from rules.specs.kinds import SPEC_MODELS, KindSpec

__all__ = ["ComponentSpec"]


class ComponentSpec(Frozen):
    """A catalogue component as the engine sees it: common physical figures plus its kind spec."""

    ref: str = Field(min_length=1, description="Catalogue reference (id or manufacturer:SKU).")
    name: str = Field(min_length=1)
    manufacturer: str = ""
    sku: str = ""
    kind: Kind
    u_height: Annotated[float, Field(ge=0, le=60, multiple_of=0.5)] = 0
    weight_kg: NonNegativeFloat = 0
    depth_mm: NonNegativeFloat | None = None
    airflow: AirflowDirection = AirflowDirection.PASSIVE
    nameplate_w: NonNegativeFloat | None = Field(
        default=None, description="Nameplate (maximum) draw; none = unknown."
    )
    typical_w: NonNegativeFloat | None = Field(
        default=None, description="Typical draw; falls back to nameplate (C1)."
    )
    list_price: NonNegativeFloat = 0
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    lead_time_days: Annotated[int, Field(ge=0)] = 0
    spec: Annotated[KindSpec, Field(discriminator="kind")] | None = None

    @model_validator(mode="after")
    def _spec_matches_kind(self) -> ComponentSpec:
        expected = SPEC_MODELS[self.kind]
        if self.spec is not None and not isinstance(self.spec, expected):
            raise ValueError(
                f"spec of a {self.kind.value} must be a {expected.__name__}, "
                f"not {type(self.spec).__name__}"
            )
        if (
            self.nameplate_w is not None
            and self.typical_w is not None
            and self.typical_w > self.nameplate_w
        ):
            raise ValueError("typical_w cannot exceed nameplate_w")
        return self

    @property
    def typical_or_nameplate_w(self) -> float:
        """C1: typical draw, falling back to nameplate, 0 when the draw is unknown."""
        if self.typical_w is not None:
            return self.typical_w
        return self.nameplate_w or 0.0

    @property
    def power_known(self) -> bool:
        """False when neither nameplate nor typical draw is known."""
        return self.nameplate_w is not None or self.typical_w is not None
