"""Forms of the auto-configurator pages: a workload and its constraints, "configure for me".

They parse and label input and say it as the solver's requirements (``requirements_data``);
the configure services check it against the site and the organisation's policy.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from catalog.models import Component

__all__ = ["ConfigureForMeForm", "WorkloadForm"]

UPS_CHOICES = [
    ("N", "N — no spare"),
    ("N+1", "N+1 — one spare UPS unit"),
    ("2N", "2N — two independent power paths"),
]
COOLING_CHOICES = [
    ("N", "N — enough cooling units"),
    ("N+1", "N+1 — one spare cooling unit"),
    ("none", "None — the room's own air conditioning (the site states it)"),
]
COOLING_MEDIA = [
    ("auto", "Automatic — liquid where a rack would pass the air density limit, if cheaper"),
    ("air", "Air only"),
    ("liquid", "Liquid — cold-plate servers on an in-rack CDU and facility water"),
]
RACK_FORMS = [
    ("any", "Any"),
    ("floor", "Floor-standing rack"),
    ("wall", "Wall-mounted cabinet"),
    ("outdoor", "Outdoor enclosure"),
]
OBJECTIVES = [
    ("list_price", "Lowest price"),
    ("lead_time", "Shortest lead time"),
    ("tco", "Lowest 5-year cost (price and energy at the site's tariff)"),
]
COST_OBJECTIVE = ("cost_price", "Lowest cost price (sellers)")


class WorkloadForm(forms.Form):
    """What the micro data center carries, and what the customer asks of it."""

    name = forms.CharField(max_length=200, label="Build name", initial="Self-service build")
    servers = forms.IntegerField(min_value=0, max_value=200, initial=2, label="Servers")
    server_model = forms.ModelChoiceField(
        queryset=Component.objects.none(),
        required=False,
        label="Server model",
        help_text="Empty: the configurator chooses the model.",
    )
    gpu_servers = forms.IntegerField(min_value=0, max_value=64, initial=0, label="GPU servers")
    gpu_model = forms.ModelChoiceField(
        queryset=Component.objects.none(),
        required=False,
        label="GPU server model",
        help_text="Empty: the configurator chooses the model.",
    )
    storage = forms.IntegerField(min_value=0, max_value=64, initial=0, label="Storage arrays")
    switches = forms.IntegerField(min_value=0, max_value=64, initial=0, label="Network switches")
    it_kw = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=2000,
        decimal_places=2,
        label="IT load to reach (typical kW)",
        help_text="Without a number of servers: the fewest servers that draw this much.",
    )
    growth_pct = forms.IntegerField(
        min_value=0,
        max_value=200,
        initial=0,
        label="Growth allowance (%)",
        help_text="Power and cooling are sized for the IT drawing this much more.",
    )
    runtime_min = forms.IntegerField(
        min_value=0, max_value=480, initial=10, label="Battery runtime (minutes)"
    )
    ups_redundancy = forms.ChoiceField(label="UPS redundancy", choices=UPS_CHOICES, initial="N")
    cooling_redundancy = forms.ChoiceField(label="Cooling", choices=COOLING_CHOICES, initial="N")
    cooling_medium = forms.ChoiceField(
        label="Cooled by",
        choices=COOLING_MEDIA,
        initial="auto",
        required=False,
        help_text="Automatic proposes liquid cooling when the GPU density calls for it, and "
        "says why it chose air or liquid.",
    )
    max_racks = forms.IntegerField(min_value=1, max_value=4, initial=1, label="Racks at most")
    rack_form = forms.ChoiceField(label="Enclosure", choices=RACK_FORMS, initial="any")
    fire_suppression = forms.BooleanField(required=False, label="Fire suppression required")
    budget = forms.DecimalField(
        required=False, min_value=1, max_value=10**9, decimal_places=2, label="Budget (list price)"
    )
    max_lead_time_days = forms.IntegerField(
        required=False, min_value=0, max_value=3650, label="Delivered within (days)"
    )
    objective = forms.ChoiceField(label="Optimise for", choices=OBJECTIVES, initial="list_price")
    blank_growth_space = forms.BooleanField(
        required=False,
        label="Close the growth space with blanking panels too",
        help_text="Unticked: the free U at the top of the rack stay open for more equipment.",
    )

    def __init__(
        self,
        *args: Any,
        servers: QuerySet[Component],
        gpu_servers: QuerySet[Component],
        with_cost: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["server_model"].queryset = servers  # type: ignore[attr-defined]
        self.fields["gpu_model"].queryset = gpu_servers  # type: ignore[attr-defined]
        if with_cost:
            field = self.fields["objective"]
            field.choices = [*OBJECTIVES, COST_OBJECTIVE]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """A workload needs some IT or a load to reach."""
        super().clean()
        data = self.cleaned_data
        counts = ("servers", "gpu_servers", "storage", "switches")
        if not any(data.get(k) for k in counts) and not data.get("it_kw"):
            raise ValidationError(
                "Give a number of servers, GPU servers, storage arrays or switches, or an IT "
                "load to reach."
            )
        return data

    def requirements_data(self) -> dict[str, Any]:
        """The cleaned form as the solver's requirements (``rules.solver.Requirements``)."""
        data = self.cleaned_data
        items: list[dict[str, Any]] = []
        classes: list[dict[str, Any]] = []
        for count, model, it_class in (
            (data["servers"], data.get("server_model"), "server"),
            (data["gpu_servers"], data.get("gpu_model"), "gpu_server"),
            (data["storage"], None, "storage"),
            (data["switches"], None, "switch"),
        ):
            if not count:
                continue
            if model is not None:
                items.append({"ref": str(model.pk), "quantity": count})
            else:
                classes.append({"it_class": it_class, "count": count})
        if data.get("it_kw") and not data["servers"]:
            classes.append({"it_class": "server", "min_typical_kw": float(data["it_kw"])})
        constraints: dict[str, Any] = {
            "runtime_min": data["runtime_min"],
            "growth_pct": data["growth_pct"],
            "max_racks": data["max_racks"],
            "rack_form": data["rack_form"],
            "fire_suppression": data["fire_suppression"],
            "blank_growth_space": data["blank_growth_space"],
        }
        if data.get("budget") is not None:
            constraints["budget"] = float(data["budget"])
        if data.get("max_lead_time_days") is not None:
            constraints["max_lead_time_days"] = data["max_lead_time_days"]
        return {
            "name": data["name"],
            "workload": {"items": items, "classes": classes},
            "redundancy": {
                "ups": data["ups_redundancy"],
                "cooling": data["cooling_redundancy"],
                "ab_feeds": True,
            },
            "constraints": constraints,
            "objective": {"terms": [data["objective"]]},
            "cooling": data.get("cooling_medium") or "auto",
        }


class ConfigureForMeForm(forms.Form):
    """The editor's "configure for me": replace facility parts already in the build?"""

    replace = forms.BooleanField(
        required=False,
        label="Replace the racks, power, cooling and fire parts already in the build",
    )
    cooling = forms.ChoiceField(
        label="Cooled by", choices=COOLING_MEDIA, initial="auto", required=False
    )
