"""Catalogue browser: filter and search components, and read one component's spec in units."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.api.filters import ComponentFilterSet
from catalog.choices import ComponentKind
from catalog.models import Component
from catalog.selectors import component_list, manufacturer_list
from configurator.tenancy.permissions import can_see_cost, private_component_owners
from configurator.web.common import is_htmx, paginate
from configurator.web.forms import CatalogueFilterForm
from rules.specs import spec_model_for
from rules.units import FT3_PER_M3, MM_PER_IN, btu_h, cfm, gpm, lb

COMPONENTS_PER_PAGE = 25
SEARCH_FIELDS = ("sku", "model_name", "manufacturer__name", "description")

# Spec keys whose names do not say their meaning well enough on their own.
SPEC_LABELS = {
    "u": "Height",
    "kva": "Apparent power rating",
    "kw": "Real power rating",
    "output_pf": "Output power factor",
    "efficiency": "Efficiency",
    "wh": "Energy",
    "nominal_v": "Nominal voltage",
    "ah": "Capacity",
    "battery_ah": "Battery capacity",
    "input_current_a": "Input current per phase",
    "breaker_a": "Branch breaker per bank",
    "rated_a": "Rated current",
    "rated_100pct": "100 %-rated assembly",
    "outlets_c13": "Outlets C13",
    "outlets_c19": "Outlets C19",
    "outlets_other": "Other outlets",
    "psu_count": "Power supplies",
    "psu_rating_w": "Power supply rating",
    "redundant_psus": "Redundant power supplies",
    "psus_required": "Power supplies required",
    "psu_connector": "Power inlet",
    "ashrae_class": "ASHRAE class",
    "gpu_count": "GPUs",
    "power_factor": "Power factor",
    "ip_rating": "IP rating",
    "sensible_capacity_w": "Sensible cooling capacity",
    "total_capacity_w": "Total cooling capacity",
    "airflow_m3h": "Airflow",
    "power_draw_w": "Power draw",
    "agent_mass_kg": "Agent mass",
    "max_volume_m3": "Largest protected volume",
    "design_density_g_m3": "Design density",
    "it_capacity_w": "IT capacity",
    "cooling_capacity_w": "Cooling capacity",
    "runtime_min_at_capacity": "Runtime at capacity",
    "rack_units": "Rack units",
    "max_device_depth_mm": "Usable device depth",
    "static_load_kg": "Static load rating",
    "dynamic_load_kg": "Rolling load rating",
    "max_external_packs": "External battery packs, at most",
    "transfer_time_ms": "Transfer time",
    "rated_hours": "Hour rate of the capacity",
    "peukert_k": "Peukert exponent",
    # Liquid cooling (reference 8)
    "capacity_w": "Heat capacity",
    "approach_k": "Approach (secondary above facility supply)",
    "secondary_flow_min_lpm": "Secondary flow, least",
    "secondary_flow_max_lpm": "Secondary flow, most",
    "pumps_required": "Pumps needed for the rated flow",
    "facility_classes": "Facility water classes accepted",
    "connectors": "Manifold connectors",
    "ports": "Manifold ports",
    "supply_temp_c": "Supply temperature",
    "ambient_approach_k": "Supply above ambient, at least",
    "capacity_change_pct_per_k": "Capacity lost above the rated ambient",
    "water_l_per_kwh": "Water evaporated",
    "liquid_fraction": "Heat into liquid",
    "coolant_flow_lpm": "Coolant flow",
    "max_coolant_inlet_c": "Warmest coolant inlet",
    "coolant_connector": "Coolant connector",
    "rated_water_c": "Rated at water of",
    "warm_water_c": "Second rating point, water of",
    "warm_water_sensible_w": "Sensible capacity at the second point",
    "active": "Fans of its own",
}


@dataclass(frozen=True)
class SpecRow:
    """One line of a component's specification as a person reads it."""

    label: str
    value: str
    help: str = ""


def _number(value: float, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def watts(value: float | Decimal | None) -> str:
    """Power in W with its heat equivalent in BTU/h (``rules.units.btu_h``)."""
    if value is None:
        return "unknown"
    w = float(value)
    return f"{_number(w)} W ({_number(btu_h(w), 0)} BTU/h)"


def kilograms(value: float | Decimal | None, imperial: bool) -> str:
    """Mass in kg, with lb on request."""
    if value is None:
        return "unknown"
    kg = float(value)
    return f"{_number(kg, 2)} kg ({_number(lb(kg))} lb)" if imperial else f"{_number(kg, 2)} kg"


def celsius(value: float, imperial: bool) -> str:
    """Temperature in °C, with °F on request."""
    return (
        f"{_number(value)} °C ({_number(value * 9 / 5 + 32)} °F)"
        if imperial
        else f"{_number(value)} °C"
    )


def airflow(value: float, imperial: bool) -> str:
    """Airflow in m³/h, with CFM on request."""
    return (
        f"{_number(value, 0)} m³/h ({_number(cfm(value), 0)} CFM)"
        if imperial
        else (f"{_number(value, 0)} m³/h")
    )


def millimetres(value: float | None, imperial: bool) -> str:
    """Length in mm, with inches on request."""
    if value is None:
        return "unknown"
    return (
        f"{_number(value, 0)} mm ({_number(value / MM_PER_IN)} in)"
        if imperial
        else (f"{_number(value, 0)} mm")
    )


# Unit suffixes of spec keys: the unit goes into the value, not the label.
UNIT_SUFFIXES = (
    "_g_m3", "_m3h", "_m3", "_mm", "_kg", "_ms", "_min", "_w", "_v", "_a", "_c", "_ah", "_lpm",
    "_pct_per_k", "_l_per_kwh", "_k",
)  # fmt: skip
# Spec values that are acronyms or names rather than words.
VALUE_NAMES = {
    "vrla": "VRLA",
    "li_ion": "Li-ion",
    "hfc_227ea": "HFC-227ea",
    "fk_5_1_12": "FK-5-1-12",
    "pg25": "Propylene glycol 25 %",
}


def _humanise(key: str) -> str:
    if key in SPEC_LABELS:
        return SPEC_LABELS[key]
    for suffix in UNIT_SUFFIXES:
        if key.endswith(suffix):
            key = key.removesuffix(suffix)
            break
    return key.replace("_", " ").capitalize()


def _spec_value(key: str, value: Any, imperial: bool) -> str:
    """A spec value in its unit, read from the key's unit suffix (units live in the names)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return "—"
    if isinstance(value, str):
        return VALUE_NAMES.get(value) or value.replace("_", " ").capitalize()
    if isinstance(value, list | tuple):
        return ", ".join(
            _spec_value(key, v, imperial) if not isinstance(v, str) else v for v in value
        )
    if key == "liquid_fraction":
        return f"{_number(value * 100)} %"
    if key.endswith("_lpm"):
        return (
            f"{_number(value)} L/min ({_number(gpm(value))} US gpm)"
            if imperial
            else f"{_number(value)} L/min"
        )
    if key.endswith("_pct_per_k"):
        return f"{_number(value)} %/K"
    if key.endswith("_l_per_kwh"):
        return f"{_number(value)} L/kWh"
    if key.endswith("_k") and key != "peukert_k":  # a Peukert exponent has no unit
        return f"{_number(value)} K"
    if key == "u":
        return f"{value} U"
    if key == "kva":
        return f"{_number(value, 2)} kVA"
    if key == "kw":
        return f"{_number(value, 2)} kW"
    if key == "efficiency" or key.endswith("_pf") or key == "power_factor":
        return f"{_number(value * 100)} %" if key == "efficiency" else _number(value, 2)
    if key.endswith("_w"):
        return watts(value)
    if key.endswith("_kg"):
        return kilograms(value, imperial)
    if key.endswith("_c"):
        return celsius(value, imperial)
    if key.endswith("_m3h"):
        return airflow(value, imperial)
    if key.endswith("_mm"):
        return millimetres(value, imperial)
    if key.endswith("_m3"):
        return (
            f"{_number(value)} m³ ({_number(value * FT3_PER_M3)} ft³)"
            if imperial
            else (f"{_number(value)} m³")
        )
    suffixes = {
        "_v": "V",
        "_a": "A",
        "_ms": "ms",
        "_min": "min",
        "_g_m3": "g/m³",
        "wh": "Wh",
        "_ah": "Ah",
    }
    for suffix, unit in suffixes.items():
        if key.endswith(suffix):
            return f"{_number(value)} {unit}"
    if key == "ah":
        return f"{_number(value)} Ah"
    return _number(value) if isinstance(value, float) else str(value)


def spec_rows(component: Component, imperial: bool) -> list[SpecRow]:
    """The kind-specific figures of a component, labelled and in human units."""
    fields = spec_model_for(component.kind).model_fields
    rows = []
    for key, value in (component.spec or {}).items():
        if key in {"kind", "runtime_table", "members"} or value in (None, ()):
            continue
        description = fields[key].description if key in fields else None
        rows.append(SpecRow(_humanise(key), _spec_value(key, value, imperial), description or ""))
    return rows


def _capacity_rows(component: Component) -> list[SpecRow]:
    """Derived electrical capacities that buyers compare: kVA of a PDU or an ATS."""
    spec = component.spec or {}
    if component.kind == ComponentKind.PDU and spec.get("input_current_a"):
        kva = spec["voltage_v"] * spec["input_current_a"] * spec.get("phases", 1) / 1000
        return [SpecRow("Input capacity", f"{_number(kva, 2)} kVA", "Voltage x current x phases.")]
    if component.kind == ComponentKind.ATS and spec.get("rated_a"):
        kva = spec.get("voltage_v", 230) * spec["rated_a"] * spec.get("phases", 1) / 1000
        return [SpecRow("Switched capacity", f"{_number(kva, 2)} kVA")]
    return []


def _visible(request: HttpRequest) -> QuerySet[Component]:
    """The shared library plus the private components of the user's own organisations."""
    return component_list(owners=private_component_owners(request.user))


def _filtered(request: HttpRequest, form: CatalogueFilterForm, data: Any) -> QuerySet[Component]:
    """Components matching the filters (the API's FilterSet) and the search words."""
    queryset = ComponentFilterSet(data=data, queryset=_visible(request)).qs
    words = form.cleaned_data.get("q", "").split() if form.is_valid() else []
    for word in words:
        queryset = queryset.filter(
            Q(*[Q(**{f"{field}__icontains": word}) for field in SEARCH_FIELDS], _connector=Q.OR)
        )
    return queryset


@login_required
@require_GET
def component_list_view(request: HttpRequest) -> HttpResponse:
    """The catalogue, filtered and searched; htmx requests get the results partial only."""
    form = CatalogueFilterForm(request.GET or None, manufacturers=manufacturer_list())
    # Invalid filters are ignored by the FilterSet and shown as field errors by the form.
    query = request.GET.copy()
    query.pop("page", None)
    components = _filtered(request, form, query) if request.GET else _visible(request)
    page = paginate(request, components, COMPONENTS_PER_PAGE)
    context = {
        "form": form if request.GET else CatalogueFilterForm(manufacturers=manufacturer_list()),
        "page": page,
        "query": query.urlencode(),
        "show_cost": can_see_cost(request.user),
    }
    template = (
        "configurator/catalogue_results.html"
        if is_htmx(request)
        else ("configurator/catalogue_list.html")
    )
    return render(request, template, context)


@login_required
@require_GET
def component_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One component: common figures, its spec in human units, prices the role may see."""
    component = _visible(request).filter(pk=pk).first()
    if component is None:
        raise Http404("Component not found.")
    imperial = request.GET.get("units") == "imperial"
    show_cost = can_see_cost(request.user)
    margin = None
    if show_cost and component.cost_price is not None and component.list_price:
        margin = (component.list_price - component.cost_price) / component.list_price * 100
    spec = component.spec or {}
    return render(
        request,
        "configurator/component_detail.html",
        {
            "component": component,
            "imperial": imperial,
            "weight": kilograms(component.weight_kg, imperial),
            "depth": millimetres(component.depth_mm, imperial) if component.depth_mm else None,
            "nameplate": watts(component.nameplate_w)
            if component.nameplate_w is not None
            else None,
            "typical": watts(component.typical_w) if component.typical_w is not None else None,
            "spec_rows": [*_capacity_rows(component), *spec_rows(component, imperial)],
            "runtime_table": [
                {"load": watts(p["load_w"]), "minutes": _number(p["minutes"])}
                for p in sorted(spec.get("runtime_table") or (), key=lambda p: p["load_w"])
            ],
            "members": spec.get("members") or (),
            "show_cost": show_cost,
            "margin": margin,
        },
    )
