"""A catalogue component as the engine sees it."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from rules.specs.base import AirflowDirection, Frozen, Kilograms, Kind, Money, Watts
from rules.specs.kinds import SPEC_MODELS, KindSpec

__all__ = ["ComponentSpec"]


class ComponentSpec(Frozen):
    """A catalogue component as the engine sees it: common physical figures plus its kind spec."""

    ref: str = Field(
        min_length=1, max_length=200, description="Catalogue reference (id or manufacturer:SKU)."
    )
    name: str = Field(min_length=1, max_length=300)
    manufacturer: str = Field(default="", max_length=200)
    sku: str = Field(default="", max_length=200)
    kind: Kind
    u_height: Annotated[float, Field(ge=0, le=60, multiple_of=0.5)] = 0
    weight_kg: Kilograms | None = Field(
        default=None, description="Mass of one unit; none = unknown (never counted as 0 kg)."
    )
    depth_mm: Annotated[float, Field(ge=0, le=3_000)] | None = None
    airflow: AirflowDirection | None = Field(
        default=None, description="Airflow through the device; none = unknown (not passive)."
    )
    nameplate_w: Watts | None = Field(
        default=None, description="Nameplate (maximum) draw; none = unknown."
    )
    typical_w: Watts | None = Field(
        default=None, description="Typical draw; falls back to nameplate (C1)."
    )
    list_price: Money = 0
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    lead_time_days: Annotated[int, Field(ge=0, le=3_650)] = 0
    spec: Annotated[KindSpec, Field(discriminator="kind")] | None = None

    @model_validator(mode="before")
    @classmethod
    def _spec_tag_from_kind(cls, data: Any) -> Any:
        """A spec dumped without its ``kind`` tag (``exclude_defaults``) takes it from the
        component's kind, so every dump the engine writes reads back."""
        if isinstance(data, dict):
            spec = data.get("spec")
            if isinstance(spec, dict) and "kind" not in spec and data.get("kind") in _TAGS:
                data = {**data, "spec": {**spec, "kind": _TAGS[data["kind"]]}}
        return data

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
    def weight_or_zero_kg(self) -> float:
        """Mass for sums that say they are lower bounds when a mass is unknown."""
        return self.weight_kg if self.weight_kg is not None else 0.0

    @property
    def power_known(self) -> bool:
        """False when neither nameplate nor typical draw is known."""
        return self.nameplate_w is not None or self.typical_w is not None


# The spec tag of each kind's model (IT kinds share "it").
_TAGS: dict[str, str] = {
    kind.value: str(model.model_fields["kind"].default) for kind, model in SPEC_MODELS.items()
}
