"""What a spec model's fields are, for forms: label, unit, type, bounds, choices, help.

Forms that edit a component's kind-specific figures (the catalogue admin) are generated from
the spec models here, so a field's bounds and words are stated once, on the model: the unit
comes from the field name's suffix (units live in the names), the bounds from its constraints,
the help from its description.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo

__all__ = ["SpecField", "describe_fields", "field_label", "field_unit"]

# Name suffix -> unit symbol, longest first so "_m3h" wins over "_h".
UNITS: tuple[tuple[str, str], ...] = (
    ("_g_per_kwh", "g/kWh"),
    ("_l_per_kwh", "L/kWh"),
    ("_pct_per_k", "%/K"),
    ("_kg_m2", "kg/m²"),
    ("_g_m3", "g/m³"),
    ("_m3h", "m³/h"),
    ("_kva", "kVA"),
    ("_pct", "%"),
    ("_m3", "m³"),
    ("_mm", "mm"),
    ("_kg", "kg"),
    ("_ms", "ms"),
    ("_min", "min"),
    ("_kw", "kW"),
    ("_ah", "Ah"),
    ("_w", "W"),
    ("_v", "V"),
    ("_a", "A"),
    ("_c", "°C"),
    ("_k", "K"),
    ("_m", "m"),
    ("_h", "h"),
)
# Names that are units or acronyms on their own.
NAMED = {"kva": ("kVA", "kVA"), "kw": ("kW", "kW"), "u": ("Height", "U"), "shr": ("SHR", "")}
ACRONYMS = {
    "ups": "UPS",
    "ip": "IP",
    "psu": "PSU",
    "psus": "PSUs",
    "gpu": "GPU",
    "ashrae": "ASHRAE",
    "pf": "power factor",
    "c13": "C13",
    "c19": "C19",
    "100pct": "100 %",
}


def field_unit(name: str) -> str:
    """The unit a field's name carries ("power_draw_w" -> "W"), "" when none."""
    if name in NAMED:
        return NAMED[name][1]
    for suffix, unit in UNITS:
        if name.endswith(suffix):
            return unit
    return ""


def field_label(name: str) -> str:
    """A field's name in words with its unit: "power_draw_w" -> "Power draw (W)"."""
    if name in NAMED:
        label, unit = NAMED[name]
        return f"{label} ({unit})" if unit and unit != label else label
    base = name
    unit = field_unit(name)
    for suffix, symbol in UNITS:
        if symbol == unit and name.endswith(suffix):
            base = name.removesuffix(suffix)
            break
    words = [ACRONYMS.get(word, word) for word in base.split("_")]
    text = " ".join(words)
    text = text[:1].upper() + text[1:]
    return f"{text} ({unit})" if unit else text


@dataclass(frozen=True)
class SpecField:
    """One field of a spec model as a form shows it."""

    name: str
    label: str
    unit: str
    type: Literal["bool", "int", "float", "choice", "text", "json"]
    required: bool
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[tuple[Any, str], ...] = ()


def _bounds(info: FieldInfo, inner: Any) -> tuple[float | None, float | None]:
    low = high = None
    metadata = [*info.metadata, *getattr(inner, "__metadata__", ())]
    for nested in get_args(inner)[1:] if get_origin(inner) is not None else ():
        if hasattr(nested, "metadata"):
            metadata.extend(nested.metadata)
    for item in metadata:
        if isinstance(item, Ge):
            low = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, Gt):
            low = float(item.gt)  # type: ignore[arg-type]
        elif isinstance(item, Le):
            high = float(item.le)  # type: ignore[arg-type]
        elif isinstance(item, Lt):
            high = float(item.lt)  # type: ignore[arg-type]
        elif isinstance(item, FieldInfo):
            nested_low, nested_high = _bounds(item, None)
            low = nested_low if nested_low is not None else low
            high = nested_high if nested_high is not None else high
    return low, high


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    """The annotation without None, and whether None was allowed."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) < len(get_args(annotation)):
            return (args[0] if len(args) == 1 else Union[tuple(args)]), True  # noqa: UP007
    return annotation, False


def _base(annotation: Any) -> Any:
    """The plain type under Annotated[...]."""
    while get_origin(annotation) is not None and hasattr(annotation, "__metadata__"):
        annotation = get_args(annotation)[0]
    return annotation


def describe_fields(model: type[BaseModel]) -> list[SpecField]:
    """Every field a person fills in, in the model's order (not the ``kind`` tag)."""
    out = []
    for name, info in model.model_fields.items():
        if name == "kind":
            continue
        annotation, optional = _strip_optional(info.annotation)
        base = _base(annotation)
        low, high = _bounds(info, annotation)
        choices: tuple[tuple[Any, str], ...] = ()
        if base is bool:
            kind: Literal["bool", "int", "float", "choice", "text", "json"] = "bool"
        elif base is int:
            kind = "int"
        elif base is float:
            kind = "float"
        elif isinstance(base, type) and issubclass(base, Enum):
            kind = "choice"
            choices = tuple((m.value, str(m.value).replace("_", " ")) for m in base)
        elif get_origin(base) is Literal:
            kind = "choice"
            choices = tuple((v, str(v)) for v in get_args(base))
        elif base is str:
            kind = "text"
        else:
            kind = "json"
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        if isinstance(default, Enum):
            default = default.value
        description = info.description or ""
        out.append(
            SpecField(
                name=name,
                label=field_label(name),
                unit=field_unit(name),
                type=kind,
                required=info.is_required(),
                default=default,
                help=description + (" Leave empty if unknown." if optional else ""),
                minimum=low,
                maximum=high,
                choices=choices,
            )
        )
    return out
