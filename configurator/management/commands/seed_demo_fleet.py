"""Seed the demo fleet: Northwind Retail's 200 sites running one standard store rack.

Idempotent. Needs the demo organisations (runs seed_demo first when they are missing). It
imports the sites of `configurator/fixtures/demo/fleet_sites.csv` into Northwind (all or
nothing), makes a standard of the demo retail store rack (cloned onto a reference site of
Northwind) with an "Outdoor kiosk" variant, rolls it out to every site (the kiosks get the
variant), publishes version 2 (an environmental monitor added) and re-applies it to the
French sites only, so the fleet shows sites behind their standard. Last, it validates the
fleet: on a worker when REDIS_URL is set, in-process otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalog.models import Component
from configurator.builds.models import Build, BuildLine, Site
from configurator.builds.services import builds as build_services
from configurator.builds.services import lines as line_services
from configurator.builds.services import sites as site_services
from configurator.fleet.models import Standard, StandardBuild, StandardVariant
from configurator.fleet.services import standards as standard_services
from configurator.fleet.services.sites_import import sites_import
from configurator.fleet.services.validations import fleet_validation_start
from configurator.tenancy.models import Organisation

SITES_FILE = Path(settings.BASE_DIR) / "configurator" / "fixtures" / "demo" / "fleet_sites.csv"
STANDARD = "Northwind store rack"
REFERENCE_SITE = "Northwind reference store (lab)"
DEMO_BUILD = "Retail store rack (back office, Lyon)"
OUTDOOR = "Outdoor kiosk"
# (manufacturer, SKU) swaps of the outdoor variant: a heated IP55 cabinet (650 mm devices)
# for the indoor enclosure, a wall split air conditioner for the free-air fan, and shallow
# parts that take cold inlet air for the servers, the recorder, the firewall and the switch.
OUTDOOR_SWAPS = [
    (("Fjordrack", "FR-MDC24-6010"), ("Cobaltframe Enclosures", "CF-OD24-55")),
    (("Polarwind Climate", "PW-FA5"), ("Polarwind Climate", "PW-SD35")),
    (("Helix Compute", "HX-R150"), ("Stonepine Rugged Systems", "SP-RX1")),
    (("Helix Compute", "HX-R250"), ("Stonepine Rugged Systems", "SP-RX1")),
    (("Helix Compute", "HX-S212"), ("Stratavault Storage", "SV-N1")),
    (("Lumenpath Networks", "LP-FW500"), ("Quayside Networking", "QN-R2400")),
    (("Lumenpath Networks", "LP-S24G"), ("Quayside Networking", "QN-A48G")),
]
# Version 2 adds an environmental monitoring unit at the top of the rack, in place of the
# topmost blanking panel.
MONITOR = ("Sentrion Monitoring", "SM-EMS1R")
BLANK = ("Fjordrack", "FR-BP1")
MONITOR_U = 24
FIRST_ROLLOUT_COUNTRY = "FR"


class Command(BaseCommand):
    help = "Create Northwind's demo fleet: 200 sites, a standard store rack, a validation."

    def handle(self, *args: Any, **options: Any) -> None:
        customer = Organisation.objects.filter(slug="northwind").first()
        seller = Organisation.objects.filter(slug="demo").first()
        if customer is None or seller is None:
            call_command("seed_demo", stdout=self.stdout)
            customer = Organisation.objects.get(slug="northwind")
            seller = Organisation.objects.get(slug="demo")
        with transaction.atomic():
            self._sites(customer)
            standard = self._standard(customer, seller)
            self._rollout(standard, customer)
        builds = Build.objects.filter(standard_link__standard=standard)
        job, created = fleet_validation_start(
            organisation=customer, builds=builds, selection={"standard": standard.pk}
        )
        job.refresh_from_db()
        self.stdout.write(
            f"Fleet validation {job.pk} {'started' if created else 'already running'}: "
            f"{job.done}/{job.total} builds done ({job.status})."
        )

    def _sites(self, customer: Organisation) -> None:
        with SITES_FILE.open("rb") as handle:
            result = sites_import(organisation=customer, fileobj=handle, fmt="csv")
        if not result.ok:
            raise CommandError("; ".join(str(error) for error in result.errors[:10]))
        self.stdout.write(
            f"Fleet sites: {result.count('created')} created, {result.count('updated')} "
            f"updated, {result.count('unchanged')} unchanged."
        )

    def _part(self, key: tuple[str, str]) -> Component:
        part = Component.objects.filter(manufacturer__name=key[0], sku=key[1]).first()
        if part is None:
            raise CommandError(f"The demo catalogue lacks {key}; run seed_catalog.")
        return part

    def _standard(self, customer: Organisation, seller: Organisation) -> Standard:
        standard = Standard.objects.filter(organisation=customer, name=STANDARD).first()
        if standard is not None:
            self.stdout.write(f"Standard {STANDARD!r} exists (unchanged).")
            return standard
        demo = Build.objects.filter(site__organisation=seller, name=DEMO_BUILD).first()
        if demo is None:
            raise CommandError(f"The demo build {DEMO_BUILD!r} is missing; run seed_demo.")
        site = Site.objects.filter(organisation=customer, name=REFERENCE_SITE).first()
        if site is None:
            values = {field: getattr(demo.site, field) for field in Site.ENGINE_FIELDS}
            site = site_services.site_create(organisation=customer, name=REFERENCE_SITE, **values)
        reference = build_services.build_clone(build=demo, name=STANDARD, site=site, user=None)
        standard = standard_services.standard_create(
            build=reference,
            name=STANDARD,
            description="The back-office rack of every Northwind store: UPS, PDU, NVR, two "
            "servers, firewall and switch in a sealed 24U enclosure.",
            user=None,
        )
        standard_services.variant_create(
            standard=standard,
            name=OUTDOOR,
            description="Pickup kiosks: the cabinet stands outdoors, cooled by a split unit.",
            substitutions=[
                {"replace": self._part(old).pk, "with": self._part(new).pk}
                for old, new in OUTDOOR_SWAPS
            ],
        )
        self.stdout.write(f"Created standard {STANDARD!r} (version 1) from {reference.name!r}.")
        return standard

    def _rollout(self, standard: Standard, customer: Organisation) -> None:
        if StandardBuild.objects.filter(standard=standard).exists():
            self.stdout.write("The fleet is rolled out already (unchanged).")
            return
        sites = list(
            Site.objects.filter(organisation=customer).exclude(name=REFERENCE_SITE).order_by("name")
        )
        variant = StandardVariant.objects.get(standard=standard, name=OUTDOOR)
        outdoor = [s for s in sites if s.environment == Site.Environment.OUTDOOR]
        indoor = [s for s in sites if s.environment != Site.Environment.OUTDOOR]
        standard_services.standard_apply(standard=standard, sites=indoor, user=None)
        standard_services.standard_apply(
            standard=standard, sites=outdoor, variant=variant, user=None
        )
        # Version 2: the reference rack gains an environmental monitor, rolled out to France
        # first; the other sites stay on version 1 until they are re-applied.
        reference = standard.source_build
        top = (
            BuildLine.objects.filter(build=reference, rack__isnull=True)
            .order_by("sort_order")
            .first()
        )
        if reference is None or top is None:
            raise CommandError("The reference build has no rack.")
        blanks = (
            BuildLine.objects.filter(build=reference, component=self._part(BLANK), rack=top)
            .order_by("-position_u")
            .first()
        )
        if blanks is None or blanks.quantity < 2:
            raise CommandError("The reference build has no blanking panels to make room.")
        line_services.build_line_update(line=blanks, quantity=blanks.quantity - 1)
        line_services.build_line_add(
            build=reference,
            component=self._part(MONITOR),
            rack=top,
            position_u=MONITOR_U,
            note="Environmental monitoring",
        )
        standard_services.standard_publish(
            standard=standard, notes="Environmental monitor at U24.", user=None
        )
        first = Build.objects.filter(
            standard_link__standard=standard, site__country=FIRST_ROLLOUT_COUNTRY
        )
        standard_services.standard_reapply(standard=standard, builds=list(first), user=None)
        self.stdout.write(
            f"Rolled {STANDARD!r} out to {len(indoor)} stores and {len(outdoor)} kiosks; "
            f"version 2 re-applied to the {first.count()} {FIRST_ROLLOUT_COUNTRY} sites."
        )
