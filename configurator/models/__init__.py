"""Every model of the `configurator` app, for Django: each is defined in its domain's room.

Django loads an app's models from `<app>.models`; the classes live in the rooms
(`configurator.<room>.models`), where they keep the app label "configurator". Code inside the
package imports models from their room, never from here.
"""

from configurator.builds.models import Build, BuildLine, BuildReport, Site
from configurator.configure.models import ConfigureJob
from configurator.documents.models import RenderedDocument
from configurator.fleet.models import (
    CatalogueChange,
    FleetValidation,
    FleetValidationItem,
    Standard,
    StandardBuild,
    StandardVariant,
    StandardVersion,
)
from configurator.handoff.models import NetBoxConnection, NetBoxPush
from configurator.quotes.models import Quote, QuoteNumberSequence, QuoteRequest
from configurator.tenancy.models import ApiToken, Membership, Organisation

__all__ = [
    "ApiToken",
    "Build",
    "BuildLine",
    "BuildReport",
    "CatalogueChange",
    "ConfigureJob",
    "FleetValidation",
    "FleetValidationItem",
    "Membership",
    "NetBoxConnection",
    "NetBoxPush",
    "Organisation",
    "Quote",
    "QuoteNumberSequence",
    "QuoteRequest",
    "RenderedDocument",
    "Site",
    "Standard",
    "StandardBuild",
    "StandardVariant",
    "StandardVersion",
]
