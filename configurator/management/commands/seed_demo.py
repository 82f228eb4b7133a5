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
from configurator.tenancy.models import ApiToken, Membership, Organisation

Role = Membership.Role

SELLER = {"slug": "demo", "name": "Demo Integrations Ltd", "kind": Organisation.Kind.SELLER}
CUSTOMER = {"slug": "northwind", "name": "Northwind Retail", "kind": Organisation.Kind.CUSTOMER}
# Invented letterheads for the demo quotes (a VAT number in the format, not a real one).
LETTERHEADS = {
    "demo": {
        "address": "1 Harbour Row\nBristol BS1 5TT\nUnited Kingdom",
        "vat_number": "GB999999973",
    },
    "northwind": {"address": "27 Market Street\nLeeds LS1 6DT\nUnited Kingdom"},
}
# (username, organisation slug, role, is_staff, is_superuser)
USERS = [
    ("admin", "demo", Role.ADMIN, True, True),
    ("catalogue", "demo", Role.CATALOGUE_MANAGER, True, False),
    ("sales", "demo", Role.SALES_ENGINEER, False, False),
    ("customer", "northwind", Role.CUSTOMER, False, False),
    ("integrator", "demo", Role.INTEGRATOR, False, False),
]
CATALOGUE_GROUP = "Catalogue managers"
DEMO_TOKEN_NAME = "demo"  # noqa: S105 - a label, not a secret


def demo_password(username: str) -> str:
    """The documented, deliberately public password of a demo user."""
    return f"demo-{username}-2026"


# The rules engine's example builds (rules/examples/*.json) as real builds of the demo
# organisation, made of demo-catalogue parts chosen for the same intent (the three liquid-cooled
# examples are made of these very parts). A line is (key, manufacturer, SKU, placement) where
# placement names earlier lines by key.
Line = tuple[str, str, str, dict[str, Any]]
NB, FR, HX = "Northbeam Power", "Fjordrack", "Helix Compute"
LP, QN, PW = "Lumenpath Networks", "Quayside Networking", "Polarwind Climate"


def _blanks(key: str, rack: str, position: int, quantity: int) -> Line:
    return (key, FR, "FR-BP1", {"rack": rack, "position_u": position, "quantity": quantity})


TW, CF = "Tidewell Liquid Systems", "Cryoforge Thermal"
# rules/examples/liquid_*.json: the edge AI site and the telco exchange with a 63 A supply.
HAMBURG = {
    "name": "Edge AI site, Hamburg port logistics hub",
    "ambient_min_c": 20,
    "ambient_max_c": 27,
    "outdoor_min_c": -12,
    "outdoor_max_c": 27,
    "relative_humidity_max_pct": 55,
    "altitude_m": 10,
    "room_cooling_w": 15000,
    "supply_phases": 3,
    "supply_breaker_a": 160,
    "country": "DE",
    "electricity_price_per_kwh": "0.28",
}
EXCHANGE = {
    **HAMBURG,
    "name": "Edge site, regional telco exchange (63 A supply)",
    "room_cooling_w": 35000,
    "supply_breaker_a": 63,
}


def _inference_rack(facility: tuple[str, str]) -> list[Line]:
    """rules/examples/liquid_ai_inference_rack.json: four cold-plate nodes on an in-rack CDU,
    fed by four 63 A PDUs (inputs rotated over the UPS's phases) from an 80 kVA UPS; the CDU
    takes its water from `facility`."""
    pdus = [("pdu_a1", 1), ("pdu_a2", 2), ("pdu_b1", 3), ("pdu_b2", 1)]
    return [
        ("rack", FR, "FR-AI42-8012", {"note": "AI rack"}),
        ("fw", *facility, {}),
        ("ups", "Ternlake Power", "TL-T80-33", {}),
        *(
            (key, NB, "NB-PDU-3V63-42M", {"rack": "rack", "feed_a": "ups", "phase": phase})
            for key, phase in pdus
        ),
        (
            "cdu",
            TW,
            "TW-CDU50R",
            {
                "rack": "rack",
                "position_u": 1,
                "coolant_from": "fw",
                "feed_a": "pdu_a1",
                "feed_b": "pdu_b1",
            },
        ),
        *(
            (
                f"gpu{n + 1}",
                HX,
                "HX-G8L",
                {
                    "rack": "rack",
                    "position_u": 5 + 4 * n,
                    "coolant_from": "cdu",
                    "feed_a": "pdu_a1" if n < 2 else "pdu_a2",
                    "feed_b": "pdu_b1" if n < 2 else "pdu_b2",
                },
            )
            for n in range(4)
        ),
        _blanks("blank", "rack", 21, 22),
        ("leak", "Watchpost Sensing", "WS-LD2", {"rack": "rack"}),
    ]


def _training_rack() -> list[Line]:
    """rules/examples/liquid_training_rack_edge_supply.json: ten training nodes on an in-row
    CDU and a 160 kW dry cooler, three pairs of busbars from a 200 kVA UPS."""
    busbars = [
        (f"pdu_{side}{k}", NB, "NB-BUS-3V125-24", {"rack": "rack", "feed_a": "ups", "phase": k})
        for side in "ab"
        for k in (1, 2, 3)
    ]
    pair = {n: 1 if n < 4 else 2 if n < 7 else 3 for n in range(10)}
    return [
        ("rack", FR, "FR-AI52-8012", {"note": "Training rack"}),
        ("fw", CF, "CF-DC160", {}),
        ("ups", "Ternlake Power", "TL-T200-33", {}),
        ("cdu", TW, "TW-CDU200X", {"coolant_from": "fw", "feed_a": "ups"}),
        *busbars,
        *(
            (
                f"gpu{n + 1}",
                HX,
                "HX-G8LX",
                {
                    "rack": "rack",
                    "position_u": 1 + 4 * n,
                    "coolant_from": "cdu",
                    "feed_a": f"pdu_a{pair[n]}",
                    "feed_b": f"pdu_b{pair[n]}",
                },
            )
            for n in range(10)
        ),
        _blanks("blank", "rack", 41, 12),
        ("leak", "Watchpost Sensing", "WS-LD2", {"rack": "rack"}),
    ]


DEMO_BUILDS: list[dict[str, Any]] = [
    {
        "example": "retail_store_rack",
        "site": {
            "name": "Store 0217 back office, Lyon",
            "ambient_min_c": 18,
            "ambient_max_c": 27,
            "altitude_m": 170,
            "supply_phases": 1,
            "supply_breaker_a": 16,
            "country": "FR",
            "grid_carbon_g_per_kwh": 56,
            "electricity_price_per_kwh": "0.25",
        },
        "build": "Retail store rack (back office, Lyon)",
        "policy": {},
        "lines": [
            ("rack", FR, "FR-MDC24-6010", {"note": "Back-office rack"}),
            ("ups", NB, "NB-OX3000-R2", {"rack": "rack", "position_u": 1}),
            ("pdu", NB, "NB-PDU-V16-20M", {"rack": "rack", "feed_a": "ups"}),
            ("nvr", HX, "HX-S212", {"rack": "rack", "position_u": 3, "feed_a": "pdu"}),
            (
                "srv2",
                HX,
                "HX-R250",
                {"rack": "rack", "position_u": 5, "feed_a": "pdu", "feed_b": "ups"},
            ),
            (
                "srv1",
                HX,
                "HX-R150",
                {"rack": "rack", "position_u": 7, "feed_a": "pdu", "feed_b": "ups"},
            ),
            _blanks("blank1", "rack", 8, 1),
            ("fw", LP, "LP-FW500", {"rack": "rack", "position_u": 9, "feed_a": "pdu"}),
            ("sw", LP, "LP-S24G", {"rack": "rack", "position_u": 10, "feed_a": "pdu"}),
            ("patch", FR, "FR-PP24-6A", {"rack": "rack", "position_u": 11}),
            _blanks("blank2", "rack", 12, 13),
            ("fan", PW, "PW-FA5", {}),
        ],
    },
    {
        "example": "gpu_inference_overloaded",
        "site": {
            "name": "Inference pod, Frankfurt colocation cage 14",
            "altitude_m": 110,
            "supply_phases": 3,
            "supply_breaker_a": 32,
            "country": "DE",
        },
        "build": "GPU inference rack (overloaded)",
        "policy": {},
        "lines": [
            ("rack", FR, "FR-S42-8012", {"note": "Inference rack"}),
            ("ups", NB, "NB-OX10K-R6", {"rack": "rack", "position_u": 1}),
            ("pdu_a", NB, "NB-PDU-V16-20M", {"rack": "rack", "feed_a": "ups"}),
            ("pdu_b", NB, "NB-PDU-V16-20M", {"rack": "rack", "feed_a": "ups"}),
            (
                "gpu",
                HX,
                "HX-G480",
                {
                    "rack": "rack",
                    "position_u": 7,
                    "quantity": 3,
                    "feed_a": "pdu_a",
                    "feed_b": "pdu_b",
                },
            ),
            (
                "sw",
                LP,
                "LP-S32C",
                {"rack": "rack", "position_u": 19, "feed_a": "pdu_a", "feed_b": "pdu_b"},
            ),
            _blanks("blank", "rack", 20, 23),
            ("cooler", "Coldline Thermal", "CL-ROW10-DX", {}),
        ],
    },
    {
        "example": "telecom_tower_outdoor",
        "site": {
            "name": "Tower site TX-0413, high steppe",
            "environment": "outdoor",
            "ambient_min_c": -30,
            "ambient_max_c": 45,
            "altitude_m": 1200,
            "dusty": True,
            "occupied": False,
            "supply_phases": 1,
            "supply_breaker_a": 16,
            "country": "CN",
            "grid_carbon_g_per_kwh": 582,
            "electricity_price_per_kwh": "0.12",
        },
        "build": "Telecom tower base cabinet (outdoor)",
        "policy": {
            "require_physical_security": True,
            "require_remote_monitoring": True,
            "ashrae_class_target": "A3",
        },
        "lines": [
            ("cab", "Cobaltframe Enclosures", "CF-OD24-55", {"note": "Base cabinet"}),
            ("ups", NB, "NB-LX1500-R2", {"rack": "cab", "position_u": 1}),
            ("pdu", NB, "NB-PDU-H16-8M", {"rack": "cab", "position_u": 3, "feed_a": "ups"}),
            ("rtr", QN, "QN-R2400", {"rack": "cab", "position_u": 4, "feed_a": "pdu"}),
            ("sw", QN, "QN-A48G", {"rack": "cab", "position_u": 5, "feed_a": "pdu"}),
            (
                "srv",
                "Stonepine Rugged Systems",
                "SP-RX1",
                {"rack": "cab", "position_u": 6, "feed_a": "pdu"},
            ),
            (
                "mon",
                "Watchpost Sensing",
                "WS-GW4",
                {"rack": "cab", "position_u": 7, "feed_a": "pdu"},
            ),
            _blanks("blank", "cab", 8, 17),
            # The cabinet's own air conditioner: a 0U split unit, like the example's door unit.
            ("ac", PW, "PW-SD35", {}),
        ],
    },
    {
        "example": "hospital_edge_2n",
        "site": {
            "name": "St. Aldric Hospital, edge room L-1",
            "ambient_min_c": 18,
            "ambient_max_c": 24,
            "altitude_m": 40,
            "room_volume_m3": 34.0,
            "supply_phases": 3,
            "supply_breaker_a": 32,
            "country": "DE",
            "electricity_price_per_kwh": "0.28",
        },
        "build": "Hospital edge room, 2N power",
        "policy": {
            "ups_redundancy": "2N",
            "cooling_redundancy": "N+1",
            "required_runtime_min": 15,
            "require_fire_suppression": True,
        },
        "lines": [
            ("rack", FR, "FR-S42-6012", {"note": "Clinical systems rack"}),
            ("ups_a", NB, "NB-OX5000-R3", {"rack": "rack", "position_u": 1}),
            ("ups_b", NB, "NB-OX5000-R3", {"rack": "rack", "position_u": 4}),
            ("pdu_a", NB, "NB-PDU-V32-36M", {"rack": "rack", "feed_a": "ups_a"}),
            ("pdu_b", NB, "NB-PDU-V32-36M", {"rack": "rack", "feed_a": "ups_b"}),
            (
                "storage",
                HX,
                "HX-S224",
                {"rack": "rack", "position_u": 7, "feed_a": "pdu_a", "feed_b": "pdu_b"},
            ),
            (
                "srv",
                HX,
                "HX-R250",
                {
                    "rack": "rack",
                    "position_u": 9,
                    "quantity": 3,
                    "feed_a": "pdu_a",
                    "feed_b": "pdu_b",
                },
            ),
            _blanks("blank1", "rack", 15, 24),
            (
                "sw",
                QN,
                "QN-A24X",
                {
                    "rack": "rack",
                    "position_u": 39,
                    "quantity": 2,
                    "feed_a": "pdu_a",
                    "feed_b": "pdu_b",
                },
            ),
            (
                "mon",
                "Sentrion Monitoring",
                "SM-EMS1R",
                {"rack": "rack", "position_u": 41, "feed_a": "pdu_a", "feed_b": "pdu_b"},
            ),
            _blanks("blank2", "rack", 42, 1),
            ("crac_1", PW, "PW-SD50", {}),
            ("crac_2", PW, "PW-SD50", {}),
            ("fire", "Emberguard Fire Safety", "EG-RM-F25", {}),
        ],
    },
    {
        "example": "liquid_ai_inference_rack",
        "site": HAMBURG,
        "build": "Edge AI inference rack, 40 kW, liquid-cooled",
        "policy": {"required_runtime_min": 10},
        "lines": _inference_rack((CF, "CF-DC60")),
    },
    {
        "example": "liquid_ai_chilled_water",
        "site": HAMBURG,
        "build": "Edge AI inference rack on chilled water (condensing)",
        "policy": {"required_runtime_min": 10},
        "lines": _inference_rack((PW, "PW-CH60")),
    },
    {
        "example": "liquid_training_rack_edge_supply",
        "site": EXCHANGE,
        "build": "Training rack, 120 kW, at an edge site",
        "policy": {"required_runtime_min": 10},
        "lines": _training_rack(),
    },
]
LINE_REFERENCES = ("rack", "feed_a", "feed_b", "ups", "coolant_from")


class Command(BaseCommand):
    help = "Create the demo organisations, one user per role and the demo builds (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        seller, _ = Organisation.objects.get_or_create(
            slug=SELLER["slug"], defaults={"name": SELLER["name"], "kind": SELLER["kind"]}
        )
        customer, _ = Organisation.objects.get_or_create(
            slug=CUSTOMER["slug"],
            defaults={"name": CUSTOMER["name"], "kind": CUSTOMER["kind"], "served_by": seller},
        )
        organisations = {seller.slug: seller, customer.slug: customer}
        for organisation in organisations.values():
            self._letterhead(organisation)
        group = self._catalogue_group()

        user_model = get_user_model()
        for username, slug, role, is_staff, is_superuser in USERS:
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@demo.invalid",
                    "is_staff": is_staff,
                    "is_superuser": is_superuser,
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
        self._demo_price_book(seller)
        self._demo_builds(seller, user_model.objects.get(username="sales"))

    def _letterhead(self, organisation: Organisation) -> None:
        """Fill an empty demo letterhead; one an administrator edited is left as it is."""
        fields = LETTERHEADS.get(organisation.slug, {})
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
                fields: dict[str, Any] = {
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
