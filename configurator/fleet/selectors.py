"""Reads of fleets: standards and the sites behind them, fleet rows, counts and totals, the
fleet BOM, validation jobs, and the builds a catalogue change touches.

Every read is scoped to the organisations the request may act on; objects of others do not
exist for it (NotFound).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from catalog.models import Component
from configurator.builds.bom import Bom, bom_compute
from configurator.builds.fingerprints import build_fingerprint
from configurator.builds.models import Build, BuildLine, BuildReport
from configurator.builds.selectors import snapshot_rows, with_sites
from configurator.errors import Conflict, NotFound
from configurator.fleet.designs import design_difference, design_with_substitutions
from configurator.fleet.models import (
    CatalogueChange,
    FleetValidation,
    FleetValidationItem,
    Standard,
    StandardBuild,
    StandardVersion,
)
from configurator.quotes.models import Quote
from configurator.tenancy.permissions import organisations_visible_to

__all__ = [
    "FleetRow",
    "FleetSummary",
    "StandardSiteRow",
    "affected_builds",
    "change_get",
    "change_impact",
    "change_list",
    "fleet_bom",
    "fleet_builds",
    "fleet_rows",
    "fleet_summary",
    "standard_get",
    "standard_list",
    "standard_site_rows",
    "validation_get",
    "validation_items",
    "validation_list",
]

Verdict = BuildReport.Verdict


# --------------------------------------------------------------------------- standards


def standard_list(*, user: Any, auth: Any = None) -> QuerySet[Standard]:
    """Standards of the visible organisations, with how many builds follow each."""
    return (
        Standard.objects.filter(organisation__in=organisations_visible_to(user, auth))
        .select_related("organisation", "source_build")
        .annotate(build_count=Count("builds", distinct=True))
        .order_by("organisation__name", "name", "pk")
    )


def standard_get(*, pk: int, user: Any, auth: Any = None) -> Standard:
    """One visible standard; NotFound otherwise."""
    standard = standard_list(user=user, auth=auth).filter(pk=pk).first()
    if standard is None:
        raise NotFound("Standard not found.")
    return standard


@dataclass(frozen=True)
class StandardSiteRow:
    """A build of a standard at a site: its version and variant, and what it lacks."""

    link: StandardBuild
    behind: bool
    modified: bool
    difference: dict[str, Any] | None


def standard_site_rows(*, standard: Standard) -> list[StandardSiteRow]:
    """Every build of the standard, by site name, with the difference to the current version.

    `difference` (design_difference, variant applied on both sides) is None for builds on
    the current version; `modified` says the build was edited after its roll-out. Two
    queries, whatever the number of sites; each (version, variant) pair is compared once.
    """
    designs = {
        v.number: v.design
        for v in StandardVersion.objects.filter(standard=standard).only("number", "design")
    }
    links = (
        StandardBuild.objects.filter(standard=standard)
        .select_related("build", "site", "variant")
        .order_by("site__name", "build_id")
    )
    current = standard.current_version
    differences: dict[tuple[int, int | None], dict[str, Any]] = {}
    rows = []
    for link in links:
        difference = None
        if link.version != current:
            key = (link.version, link.variant_id)
            if key not in differences:
                swaps = link.variant.substitutions if link.variant else []
                differences[key] = design_difference(
                    design_with_substitutions(designs[link.version], swaps),
                    design_with_substitutions(designs[current], swaps),
                )
            difference = differences[key]
        rows.append(
            StandardSiteRow(
                link=link,
                behind=link.version < current,
                modified=link.build.revision != link.applied_revision,
                difference=difference,
            )
        )
    return rows


# --------------------------------------------------------------------------- fleet


def fleet_builds(*, user: Any, auth: Any = None) -> QuerySet[Build]:
    """Every visible build with its site, standard link and stored report, by site name."""
    return (
        Build.objects.filter(site__organisation__in=organisations_visible_to(user, auth))
        .select_related(
            "site__organisation",
            "standard_link__standard",
            "standard_link__variant",
            "stored_report",
        )
        .defer("stored_report__report")
        .order_by("site__name", "name", "pk")
    )


@dataclass(frozen=True)
class FleetRow:
    """A build of the fleet with its last stored report, and whether that report is current."""

    build: Build
    report: BuildReport | None
    current: bool

    @property
    def verdict(self) -> str:
        return self.report.verdict if self.report is not None else ""

    @property
    def it_load_kw(self) -> float | None:
        """The engine's typical IT load in kW (for display)."""
        value = None if self.report is None else self.report.it_load_w
        return None if value is None else value / 1000


def fleet_rows(builds: Sequence[Build]) -> list[FleetRow]:
    """Rows of a page of builds (loaded by `fleet_builds`): one query tells stale reports."""
    builds = with_sites(builds)
    rows = snapshot_rows(builds)
    answers = []
    for build in builds:
        report = getattr(build, "stored_report", None)
        if report is not None and not report.fingerprint:
            report = None
        current = report is not None and report.fingerprint == build_fingerprint(
            build, rows[build.pk]
        )
        answers.append(FleetRow(build=build, report=report, current=current))
    return answers


@dataclass
class FleetSummary:
    """Counts by verdict, and energy, carbon and cost totals, of a selection of builds.

    Totals add up the figures the engine reported for each build (their last stored report);
    money stays per currency, never converted.
    """

    builds: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    reported: int = 0
    it_load_w: float = 0.0
    annual_kwh: float = 0.0
    co2_kg_per_year: float = 0.0
    energy_cost_per_year: dict[str, float] = field(default_factory=dict)
    # List price of the fleet BOM (every component of every build) and its currency; None
    # when the components are priced in several currencies (prices are never converted).
    list_price_total: Decimal | None = None
    list_price_currency: str | None = None
    standards: list[dict[str, Any]] = field(default_factory=list)

    @property
    def it_load_kw(self) -> float:
        return self.it_load_w / 1000

    @property
    def annual_mwh(self) -> float:
        return self.annual_kwh / 1000

    @property
    def co2_t_per_year(self) -> float:
        return self.co2_kg_per_year / 1000


def fleet_summary(builds: QuerySet[Build]) -> FleetSummary:
    """The summary of a filtered fleet: four aggregate queries and the fleet BOM's two."""
    summary = FleetSummary()
    reports = BuildReport.objects.filter(build__in=builds.values("pk")).exclude(fingerprint="")
    counts = dict(
        reports.order_by()
        .values_list("verdict")
        .annotate(n=Count("pk"))
        .values_list("verdict", "n")
    )
    summary.builds = builds.count()
    summary.reported = sum(counts.values())
    summary.verdicts = {
        **{value: counts.get(value, 0) for value in Verdict.values},
        "none": summary.builds - summary.reported,
    }
    for row in (
        reports.order_by()
        .values("currency")
        .annotate(
            it_load_w=Sum("it_load_w"),
            annual_kwh=Sum("annual_kwh"),
            co2=Sum("co2_kg_per_year"),
            energy_cost=Sum("energy_cost_per_year"),
        )
        .order_by("currency")
    ):
        summary.it_load_w += row["it_load_w"] or 0.0
        summary.annual_kwh += row["annual_kwh"] or 0.0
        summary.co2_kg_per_year += row["co2"] or 0.0
        summary.energy_cost_per_year[row["currency"]] = row["energy_cost"] or 0.0
    try:
        bom = fleet_bom(builds, show_cost=False)
    except Conflict:
        pass  # several currencies: no single total
    else:
        summary.list_price_total = bom.totals.list_price
        summary.list_price_currency = bom.currency
    summary.standards = list(
        builds.filter(standard_link__isnull=False)
        .order_by()
        .values("standard_link__standard_id", "standard_link__standard__name")
        .annotate(builds=Count("pk"))
        .order_by("standard_link__standard__name")
    )
    return summary


@dataclass(frozen=True)
class _Summed:
    """A BOM line of the fleet: one component and its units summed over the builds."""

    component_id: int
    component: Component
    quantity: int


def fleet_bom(builds: QuerySet[Build], *, show_cost: bool, default_currency: str = "EUR") -> Bom:
    """Units of each component summed over the selected builds, priced: two queries.

    Grouped and priced like a build's BOM (configurator.builds.bom); one currency or Conflict.
    """
    quantities = dict(
        BuildLine.objects.filter(build__in=builds.values("pk"))
        .order_by()
        .values("component_id")
        .annotate(units=Sum("quantity"))
        .values_list("component_id", "units")
    )
    components = Component.objects.select_related("manufacturer").in_bulk(quantities)
    lines: Iterable[Any] = [
        _Summed(component_id=pk, component=components[pk], quantity=int(units))
        for pk, units in quantities.items()
    ]
    return bom_compute(lines, show_cost=show_cost, default_currency=default_currency)


# --------------------------------------------------------------------------- validations


def validation_list(*, user: Any, auth: Any = None) -> QuerySet[FleetValidation]:
    """Fleet validation jobs of the visible organisations, newest first."""
    return (
        FleetValidation.objects.filter(organisation__in=organisations_visible_to(user, auth))
        .select_related("organisation", "requested_by", "change__component__manufacturer")
        .order_by("-created_at", "-pk")
    )


def validation_get(*, pk: int, user: Any, auth: Any = None) -> FleetValidation:
    """One visible job; NotFound otherwise."""
    job = validation_list(user=user, auth=auth).filter(pk=pk).first()
    if job is None:
        raise NotFound("Fleet validation not found.")
    return job


def validation_items(job: FleetValidation) -> QuerySet[FleetValidationItem]:
    """A job's builds with their sites and what the job did with each, by site name."""
    return (
        FleetValidationItem.objects.filter(job=job)
        .select_related("build__site")
        .order_by("build__site__name", "pk")
    )


# --------------------------------------------------------------------------- catalogue changes


def affected_builds(*, component: Component, user: Any, auth: Any = None) -> QuerySet[Build]:
    """Visible builds that use `component`, found through the (component, build) index.

    The line table's index on (component, build) answers which builds hold the component
    without reading any build's lines; the builds come with their site and stored report.
    """
    return fleet_builds(user=user, auth=auth).filter(
        pk__in=BuildLine.objects.filter(component_id=component.pk).values("build_id")
    )


def change_list(*, user: Any, auth: Any = None) -> QuerySet[CatalogueChange]:
    """Catalogue changes that touched builds of the visible organisations, newest first."""
    visible = organisations_visible_to(user, auth)
    touched = BuildLine.objects.filter(
        component_id=OuterRef("component_id"), build__site__organisation__in=visible
    )
    return (
        CatalogueChange.objects.filter(Exists(touched))
        .select_related("component__manufacturer")
        .order_by("-created_at", "-pk")
    )


def change_get(*, pk: int, user: Any, auth: Any = None) -> CatalogueChange:
    """One catalogue change touching visible builds; NotFound otherwise."""
    change = change_list(user=user, auth=auth).filter(pk=pk).first()
    if change is None:
        raise NotFound("Catalogue change not found.")
    return change


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def change_impact(*, change: CatalogueChange, user: Any, auth: Any = None) -> dict[str, Any]:
    """What a catalogue change does to the visible builds and quotes.

    - builds: how many use the component; the re-validation jobs of the change and, from
      their items, how many fail after it, how many newly (they did not before), and the
      findings the change brought, by code;
    - draft quotes on those builds: units of the component and the price change they see;
    - issued quotes (still revisable) whose frozen price or lead time of the component
      differs from the catalogue now: a revision would differ.
    """
    visible = organisations_visible_to(user, auth)
    component = change.component
    builds = affected_builds(component=component, user=user, auth=auth)
    jobs = list(
        FleetValidation.objects.filter(change=change, organisation__in=visible).order_by("pk")
    )
    items = FleetValidationItem.objects.filter(job__in=jobs, status=FleetValidationItem.Status.DONE)
    failing = items.filter(verdict=Verdict.FAIL)
    newly = failing.exclude(before_verdict=Verdict.FAIL).exclude(before_verdict="")
    findings: dict[str, dict[str, Any]] = {}
    for item in items.exclude(new_findings=[]).select_related("build__site").order_by("pk"):
        for finding in item.new_findings:
            entry = findings.setdefault(
                finding["code"],
                {
                    "code": finding["code"],
                    "severity": finding["severity"],
                    "builds": 0,
                    "example": "",
                },
            )
            entry["builds"] += 1
            if not entry["example"]:
                site = item.build.site.name if item.build else ""
                entry["example"] = f"{site}: {finding['message']}" if site else finding["message"]
    price = change.changes.get("list_price")
    # Keyed by build id; looked up with a quote's build_id, which the model allows to be None.
    units: dict[int | None, int] = dict(
        BuildLine.objects.filter(component_id=component.pk, build__in=builds.values("pk"))
        .order_by()
        .values("build_id")
        .annotate(units=Sum("quantity"))
        .values_list("build_id", "units")
    )
    drafts = []
    for quote in (
        Quote.objects.filter(
            status=Quote.Status.DRAFT, build__in=builds.values("pk"), organisation__in=visible
        )
        .select_related("build__site")
        .order_by("pk")[:200]
    ):
        quantity = units.get(quote.build_id, 0)
        old, new = (_money(price[0]), _money(price[1])) if price else (None, None)
        drafts.append(
            {
                "quote": quote,
                "units": quantity,
                "unit_price_before": old if price else component.list_price,
                "unit_price_after": new if price else component.list_price,
                "change": (new - old) * quantity
                if price and old is not None and new is not None
                else Decimal(0),
                "currency": component.currency,
            }
        )
    issued = []
    for quote in (
        Quote.objects.filter(
            status__in=[Quote.Status.ISSUED, Quote.Status.REJECTED, Quote.Status.EXPIRED],
            build__in=builds.values("pk"),
            organisation__in=visible,
        )
        .select_related("build__site")
        .order_by("pk")[:200]
    ):
        reasons = _issued_differences(quote, change)
        if reasons:
            issued.append({"quote": quote, "reasons": reasons})
    return {
        "change": change,
        "affected_builds": builds.count(),
        "jobs": jobs,
        "validated": items.count(),
        "failing": failing.count(),
        "newly_failing": newly.count(),
        "end_of_life": component.lifecycle != "active",
        "new_findings": sorted(findings.values(), key=lambda f: (-f["builds"], f["code"])),
        "draft_quotes": drafts,
        "issued_quotes": issued,
    }


# Fields of a component the engine reads: a change to one changes a quote's frozen report.
_ENGINE_FIELDS = frozenset(
    {"kind", "spec", "u_height", "weight_kg", "depth_mm", "airflow", "nameplate_w", "typical_w"}
)


def _issued_differences(quote: Quote, change: CatalogueChange) -> list[str]:
    """Why a revision of an issued quote would differ after `change` (empty: it would not)."""
    component = change.component
    rows = [
        row
        for category in (quote.bom_json or {}).get("categories", [])
        for row in category.get("rows", [])
        if row.get("component_id") == component.pk
    ]
    reasons = []
    for row in rows:
        frozen = _money(row.get("unit_list_price"))
        if frozen is not None and frozen != component.list_price:
            reasons.append(
                f"unit price {frozen} {row.get('currency', '')} then, "
                f"{component.list_price} {component.currency} now"
            )
        if row.get("lead_time_days") != component.lead_time_days:
            reasons.append(
                f"lead time {row.get('lead_time_days')} days then, {component.lead_time_days} now"
            )
    if rows and component.lifecycle != "active":
        reasons.append(f"the part is now {component.get_lifecycle_display().lower()}")
    engine_fields = sorted(_ENGINE_FIELDS & set(change.changes))
    issued_before = quote.issued_at is not None and quote.issued_at < change.created_at
    if rows and engine_fields and issued_before:
        reasons.append(
            f"its {', '.join(engine_fields)} changed since: the frozen report would be redone"
        )
    return reasons
