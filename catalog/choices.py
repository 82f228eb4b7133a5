"""Choices of the catalogue; kinds and airflow mirror `rules.specs` value for value."""

from django.db import models


class ComponentKind(models.TextChoices):
    """What a component is; mirrors `rules.specs.Kind` (a test keeps them equal)."""

    RACK = "rack", "Rack / enclosure"
    UPS = "ups", "UPS"
    BATTERY = "battery", "Battery pack"
    PDU = "pdu", "PDU"
    ATS = "ats", "ATS"
    COOLING = "cooling", "Cooling unit"
    FIRE_SUPPRESSION = "fire_suppression", "Fire suppression unit"
    SERVER = "server", "Server"
    GPU_SERVER = "gpu_server", "GPU server"
    SWITCH = "switch", "Network switch"
    ROUTER = "router", "Router / firewall"
    STORAGE = "storage", "Storage"
    MONITORING = "monitoring", "Monitoring / security device"
    ACCESSORY = "accessory", "Blanking panel / accessory"
    BUNDLE = "bundle", "Bundle"
    CDU = "cdu", "Coolant distribution unit (CDU)"
    FACILITY_WATER = "facility_water", "Facility water source (dry cooler / chiller)"


# Kinds whose own draw is not an input: passive parts, and the power chain (PDU, ATS, UPS),
# whose losses the engine derives from efficiency. A missing figure on them is not "unknown".
UNPOWERED_KINDS = frozenset(
    {
        ComponentKind.RACK,
        ComponentKind.ACCESSORY,
        ComponentKind.BUNDLE,
        ComponentKind.BATTERY,
        ComponentKind.PDU,
        ComponentKind.ATS,
        ComponentKind.UPS,
    }
)


class AirflowDirection(models.TextChoices):
    """Direction cooling air moves through a device; mirrors `rules.specs.AirflowDirection`."""

    FRONT_TO_BACK = "front_to_back", "Front to back"
    BACK_TO_FRONT = "back_to_front", "Back to front"
    SIDE_TO_SIDE = "side_to_side", "Side to side"
    PASSIVE = "passive", "Passive"


class Lifecycle(models.TextChoices):
    """Commercial status of a component."""

    ACTIVE = "active", "Active"
    END_OF_SALE = "end_of_sale", "End of sale"
    END_OF_LIFE = "end_of_life", "End of life"


class Source(models.TextChoices):
    """Where a catalogue row came from, so re-imports know what they own."""

    MANUAL = "manual", "Manual"
    SEED = "seed", "Seed data"
    NETBOX = "netbox", "NetBox device-type library"
    CSV = "csv", "CSV / XLSX import"


# ISO 4217 codes the catalogue accepts; a short list on purpose: a typo such as "EUD" must
# fail rather than create a currency nobody can convert.
CURRENCIES: tuple[str, ...] = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "JPY",
    "CNY",
    "INR",
    "CAD",
    "AUD",
    "NZD",
    "SGD",
    "ZAR",
    "BRL",
    "MXN",
    "AED",
)

DEFAULT_CURRENCY = "EUR"
