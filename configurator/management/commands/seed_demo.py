"""Create the demo organisations, one user per role, the demo seller's price book and the demo
builds (idempotent).

What is created is data: configurator/fixtures/demo/tenancy.yaml (organisations, letterheads,
users) and builds.yaml (sites and builds, a line per row), read and checked by
configurator.management.demo_data.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalog.models import Component, PriceBookEntry
from configurator.builds.models import Build, BuildLine, Site
from configurator.builds.services import builds as build_services
from configurator.builds.services import lines as line_services
from configurator.builds.services import sites as site_services
from configurator.management.demo_data import LINE_REFERENCES, load_demo_data
from configurator.tenancy.models import ApiToken, Membership, Organisation

Role = Membership.Role

CATALOGUE_GROUP = "Catalogue managers"
DEMO_TOKEN_NAME = "demo"  # noqa: S105 - a label, not a secret
# Read when the command is loaded: a bad row stops it before anything is written.
DEMO = load_demo_data()
# The rules engine's example builds (rules/examples/*.json) as builds of the demo seller.
DEMO_BUILDS = DEMO.builds


def demo_password(username: str) -> str:
    """The documented, deliberately public password of a demo user."""
    return f"demo-{username}-2026"


class Command(BaseCommand):
    help = "Create the demo organisations, one user per role and the demo builds (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        organisations: dict[str, Organisation] = {}
        for demo in DEMO.organisations:
            defaults: dict[str, Any] = {"name": demo.name, "kind": demo.kind}
            if demo.served_by is not None:
                defaults["served_by"] = organisations[demo.served_by]
            organisations[demo.slug], _ = Organisation.objects.get_or_create(
                slug=demo.slug, defaults=defaults
            )
        for demo in DEMO.organisations:
            self._letterhead(organisations[demo.slug], demo.letterhead)
        group = self._catalogue_group()

        user_model = get_user_model()
        for demo_user in DEMO.users:
            username, slug, role = demo_user.username, demo_user.organisation, demo_user.role
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@demo.invalid",
                    "is_staff": demo_user.is_staff,
                    "is_superuser": demo_user.is_superuser,
                },
            )
            if created:
                user.set_password(demo_password(username))
                user.save(update_fields=["password"])
                if role == Role.CATALOGUE_MANAGER:
                    user.groups.add(group)
                self.stdout.write(
                    f"Created user {username!r} ({role.label}, {slug}) "
                    f"password: {demo_password(username)}"
                )
            else:
                self.stdout.write(f"User {username!r} exists (unchanged).")
            Membership.objects.get_or_create(
                user=user, organisation=organisations[slug], defaults={"role": role}
            )
            if role == Role.INTEGRATOR:
                self._demo_token(user, organisations[slug])
        for demo in DEMO.organisations:
            if demo.kind == Organisation.Kind.SELLER:
                self._demo_price_book(organisations[demo.slug])
        self._demo_builds(
            organisations[DEMO.builds_organisation],
            user_model.objects.get(username=DEMO.builds_author),
        )

    def _letterhead(self, organisation: Organisation, fields: dict[str, str]) -> None:
        """Fill an empty demo letterhead; one an administrator edited is left as it is."""
        empty = {name: value for name, value in fields.items() if not getattr(organisation, name)}
        if empty:
            for name, value in empty.items():
                setattr(organisation, name, value)
            organisation.save(update_fields=list(empty))

    def _demo_price_book(self, seller: Organisation) -> None:
        """The demo seller's price book: the demo catalogue's commercial figures.

        The shared library (seed_catalog) carries reference prices; the seller prices its
        BOMs and quotes from its own book, which its catalogue manager then edits. Existing
        entries are left as they are (the manager's edits survive a re-run).
        """
        priced = set(
            PriceBookEntry.objects.filter(seller=seller).values_list("component_id", flat=True)
        )
        entries = [
            PriceBookEntry(
                seller=seller,
                component=component,
                list_price=component.list_price,
                cost_price=component.cost_price,
                currency=component.currency,
                lead_time_days=component.lead_time_days,
            )
            for component in Component.objects.filter(owner__isnull=True).exclude(pk__in=priced)
        ]
        PriceBookEntry.objects.bulk_create(entries)
        self.stdout.write(
            f"Price book of {seller.slug}: {len(entries)} entries added, {len(priced)} kept."
        )

    def _catalogue_group(self) -> Group:
        """Staff group for catalogue managers, holding every permission of the catalog app."""
        group, _ = Group.objects.get_or_create(name=CATALOGUE_GROUP)
        # Re-set on each run so permissions of catalogue models added since are granted;
        # which rows a catalogue manager may change is decided by the admin (own seller's).
        group.permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
        return group

    def _demo_token(self, user: Any, organisation: Organisation) -> None:
        if ApiToken.objects.filter(user=user, name=DEMO_TOKEN_NAME).exists():
            self.stdout.write(f"API token {DEMO_TOKEN_NAME!r} of {user} exists (unchanged).")
            return
        _, key = ApiToken.objects.issue(user=user, organisation=organisation, name=DEMO_TOKEN_NAME)
        self.stdout.write(f"API token for {user} @ {organisation.slug}: {key}")

    def _demo_builds(self, organisation: Organisation, user: Any) -> None:
        """Create each demo site and build once; an existing build is left as it is."""
        components = self._demo_components()
        for demo in DEMO_BUILDS:
            site_fields = dict(demo["site"])
            site = Site.objects.filter(organisation=organisation, name=site_fields["name"]).first()
            if site is None:
                site = site_services.site_create(
                    organisation=organisation, name=site_fields.pop("name"), **site_fields
                )
            if Build.objects.filter(site=site, name=demo["build"]).exists():
                self.stdout.write(f"Demo build {demo['build']!r} exists (unchanged).")
                continue
            build = build_services.build_create(
                site=site, name=demo["build"], policy_override=demo["policy"], user=user
            )
            lines: dict[str, BuildLine] = {}
            for key, manufacturer, sku, placement in demo["lines"]:
                fields = {
                    field: lines[value] if field in LINE_REFERENCES else value
                    for field, value in placement.items()
                }
                lines[key] = line_services.build_line_add(
                    build=build, component=components[manufacturer, sku], **fields
                )
            self.stdout.write(f"Created demo build {build.name!r} ({len(lines)} lines).")

    def _demo_components(self) -> dict[tuple[str, str], Component]:
        """The catalogue parts the demo builds use, loading the demo catalogue if any is missing."""
        wanted = {(m, sku) for demo in DEMO_BUILDS for _, m, sku, _ in demo["lines"]}

        def found() -> dict[tuple[str, str], Component]:
            skus = {sku for _, sku in wanted}
            rows = Component.objects.filter(sku__in=skus).select_related("manufacturer")
            by_key = {(c.manufacturer.name, c.sku): c for c in rows}
            return {key: by_key[key] for key in wanted if key in by_key}

        components = found()
        if len(components) < len(wanted):
            call_command("seed_catalog", stdout=self.stdout)
            components = found()
        missing = sorted(wanted - set(components))
        if missing:
            raise CommandError(f"The demo catalogue lacks {missing}; demo builds need them.")
        return components
