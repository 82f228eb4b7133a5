"""factory_boy factories shared by the whole suite; prefer `.build()` when no row is needed."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory, Password

from configurator.tenancy.models import Membership, Organisation

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    """A plain active user whose password is DEFAULT_PASSWORD."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    password = Password(DEFAULT_PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    """A seller organisation; pass kind/served_by for a customer one."""

    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organisation.Kind.SELLER


class CustomerOrganisationFactory(OrganisationFactory):
    """A customer organisation served by a fresh seller organisation."""

    name = factory.Sequence(lambda n: f"Customer {n}")
    slug = factory.Sequence(lambda n: f"customer-{n}")
    kind = Organisation.Kind.CUSTOMER
    served_by = factory.SubFactory(OrganisationFactory)


class MembershipFactory(DjangoModelFactory):
    """A user's role in an organisation."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.CUSTOMER


# --------------------------------------------------------------------------- catalogue
# (appended by the catalogue helper)

from decimal import Decimal  # noqa: E402

from catalog.choices import UNPOWERED_KINDS, AirflowDirection, ComponentKind  # noqa: E402
from catalog.models import Component, Manufacturer  # noqa: E402
from catalog.validation import validate_spec  # noqa: E402

# A valid, realistic spec per kind; IT kinds share one.
_IT_SPEC = {"psu_count": 2, "psu_rating_w": 800, "redundant_psus": True}
COMPONENT_SPECS: dict[str, dict] = {
    ComponentKind.RACK: {"u": 42, "width_mm": 600, "depth_mm": 1000, "static_load_kg": 1000},
    ComponentKind.UPS: {
        "kva": 3,
        "kw": 2.7,
        "runtime_table": [{"load_w": 1350, "minutes": 12}, {"load_w": 2700, "minutes": 5}],
        "outlets_c13": 8,
    },
    ComponentKind.BATTERY: {"wh": 1440, "nominal_v": 72},
    ComponentKind.PDU: {"voltage_v": 230, "input_current_a": 16, "outlets_c13": 20},
    ComponentKind.ATS: {"rated_a": 16, "outlets_c13": 8},
    ComponentKind.COOLING: {
        "cooling_type": "in_rack",
        "sensible_capacity_w": 3500,
        "total_capacity_w": 4000,
        "airflow_m3h": 900,
        "power_draw_w": 600,
    },
    ComponentKind.FIRE_SUPPRESSION: {
        "agent": "fk_5_1_12",
        "agent_mass_kg": 2.5,
        "max_volume_m3": 3.5,
    },
    ComponentKind.SERVER: _IT_SPEC,
    ComponentKind.GPU_SERVER: {**_IT_SPEC, "gpu_count": 4},
    ComponentKind.SWITCH: _IT_SPEC,
    ComponentKind.ROUTER: _IT_SPEC,
    ComponentKind.STORAGE: _IT_SPEC,
    ComponentKind.MONITORING: {"psu_count": 1, "remote_monitoring": True},
    ComponentKind.ACCESSORY: {"accessory_type": "blanking_panel"},
    ComponentKind.BUNDLE: {
        "members": [{"manufacturer": "Acme Power", "sku": "UPS-3K"}],
        "it_capacity_w": 2000,
    },
    ComponentKind.CDU: {
        "capacity_w": 50_000,
        "approach_k": 3,
        "secondary_flow_min_lpm": 20,
        "secondary_flow_max_lpm": 80,
        "pumps": 2,
        "facility_classes": ["W17", "W27", "W32"],
        "coolant": "pg25",
        "connectors": ["UQD04"],
        "power_draw_w": 600,
    },
    ComponentKind.FACILITY_WATER: {
        "source_type": "dry_cooler",
        "capacity_w": 60_000,
        "supply_temp_c": 30,
        "ambient_approach_k": 5,
        "power_draw_w": 1500,
        "input_phases": 3,
    },
}
# Rack-mount height per kind; racks and zero-U parts stand outside the U count.
_U_HEIGHT = {
    ComponentKind.RACK: Decimal(0),
    ComponentKind.PDU: Decimal(0),
    ComponentKind.FIRE_SUPPRESSION: Decimal(1),
    ComponentKind.GPU_SERVER: Decimal(4),
    ComponentKind.UPS: Decimal(2),
    ComponentKind.STORAGE: Decimal(2),
    ComponentKind.BUNDLE: Decimal(0),
    ComponentKind.CDU: Decimal(4),
    ComponentKind.FACILITY_WATER: Decimal(0),
}


class ManufacturerFactory(DjangoModelFactory):
    """A manufacturer with a unique name and slug."""

    class Meta:
        model = Manufacturer
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.LazyAttribute(lambda m: m.name.lower().replace(" ", "-"))
    website = factory.LazyAttribute(lambda m: f"https://{m.slug}.example.test")


class ComponentFactory(DjangoModelFactory):
    """A valid component of `kind` (server by default) with a realistic spec for that kind.

    The spec is stored normalised, as the services would store it.
    """

    class Meta:
        model = Component

    manufacturer = factory.SubFactory(ManufacturerFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    model_name = factory.LazyAttribute(lambda c: f"Model {c.sku}")
    kind = ComponentKind.SERVER
    list_price = Decimal("1000.00")
    cost_price = Decimal("700.00")
    currency = "EUR"
    lead_time_days = 14
    u_height = factory.LazyAttribute(lambda c: _U_HEIGHT.get(c.kind, Decimal(1)))
    weight_kg = Decimal("12.50")
    airflow = factory.LazyAttribute(
        lambda c: (
            AirflowDirection.PASSIVE
            if c.kind in UNPOWERED_KINDS
            else AirflowDirection.FRONT_TO_BACK
        )
    )
    nameplate_w = factory.LazyAttribute(
        lambda c: None if c.kind in UNPOWERED_KINDS else Decimal("500.0")
    )
    typical_w = factory.LazyAttribute(
        lambda c: None if c.kind in UNPOWERED_KINDS else Decimal("300.0")
    )
    spec = factory.LazyAttribute(lambda c: validate_spec(c.kind, COMPONENT_SPECS[c.kind]))


# --------------------------------------------------------------------------- sites and builds
# (appended by the builds helper)

from configurator.builds.models import Build, BuildLine, Site  # noqa: E402


class SiteFactory(DjangoModelFactory):
    """An indoor site with the engine's default environment and supply, in a server room whose
    own air conditioning carries 5 kW of the builds' heat (builds without a cooling unit)."""

    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    country = "DE"
    currency = "EUR"
    room_cooling_w = 5000.0


class BuildFactory(DjangoModelFactory):
    """An empty draft build at a fresh site."""

    class Meta:
        model = Build

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Build {n}")
    status = Build.Status.DRAFT


class BuildLineFactory(DjangoModelFactory):
    """One unplaced server line; pass rack/position_u/feeds to place and feed it."""

    class Meta:
        model = BuildLine

    build = factory.SubFactory(BuildFactory)
    component = factory.SubFactory(ComponentFactory)
    quantity = 1
    face = BuildLine.Face.FRONT
    sort_order = factory.Sequence(lambda n: n)


# --------------------------------------------------------------------------- liquid cooling

# A cold-plate GPU node like the demo catalogue's Helix G8L: 9.1 kW typical, 80 % of it into
# liquid at 13 L/min, coolant up to 45 degC (reference 8, L5).
LIQUID_NODE_SPEC = {
    "psu_count": 6,
    "psu_rating_w": 3600,
    "redundant_psus": True,
    "psus_required": 3,
    "psu_connector": "C20",
    "ashrae_class": "A2",
    "gpu_count": 8,
    "liquid_fraction": 0.8,
    "coolant_flow_lpm": 13,
    "max_coolant_inlet_c": 45,
    "coolant_connector": "UQD04",
}


def liquid_components() -> dict[str, Component]:
    """A dry cooler, a CDU, a cold-plate node and a leak sensor (COMPONENT_SPECS figures: the
    dry cooler 60 kW supplying 30 degC or ambient + 5 K; the CDU 50 kW at a 3 K approach,
    20-80 L/min of PG25)."""
    maker = ManufacturerFactory(name="Tidewell Liquid Systems", slug="tidewell")
    return {
        "fw": ComponentFactory(
            manufacturer=maker,
            kind=ComponentKind.FACILITY_WATER,
            model_name="Boreas DC60",
            sku="DC60",
            nameplate_w=Decimal(1500),
            typical_w=Decimal(1500),
        ),
        "cdu": ComponentFactory(
            manufacturer=maker,
            kind=ComponentKind.CDU,
            model_name="Riptide 50R",
            sku="CDU50R",
            nameplate_w=Decimal(600),
            typical_w=Decimal(600),
        ),
        "node": ComponentFactory(
            manufacturer=maker,
            kind=ComponentKind.GPU_SERVER,
            model_name="G8L liquid",
            sku="G8L",
            nameplate_w=Decimal(10_800),
            typical_w=Decimal(9_100),
            spec=validate_spec(ComponentKind.GPU_SERVER, LIQUID_NODE_SPEC),
        ),
        "leak": ComponentFactory(
            manufacturer=maker,
            kind=ComponentKind.ACCESSORY,
            model_name="Leak rope kit",
            sku="LD2",
            u_height=Decimal(0),
            spec=validate_spec(ComponentKind.ACCESSORY, {"accessory_type": "leak_detection"}),
        ),
    }
