"""Reads of sites and builds, and the engine's snapshot of a build (`build_snapshot`)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Case, F, OuterRef, QuerySet, TextField, When
from django.db.models.functions import Cast

from catalog.models import Component
from catalog.selectors import apply_seller_prices, component_to_engine, with_seller_prices
from configurator.builds.models import Build, BuildLine, Site
from configurator.errors import NotFound
from configurator.tenancy.models import Organisation
from configurator.tenancy.permissions import (
    organisation_visible,
    organisations_visible_to,
    roles_around,
)
from rules.model import BuildSpec, PlacedItem, RackInstance
from rules.specs import ComponentSpec, Kind, Policy
from rules.specs import Site as EngineSite

if TYPE_CHECKING:
    from configurator.builds.bom import Bom, BundleComparison
    from rules.model import Report

__all__ = [
    "build_bom",
    "build_bundle_comparison",
    "build_get",
    "build_get_with_roles",
    "build_line_list",
    "build_list",
    "build_report",
    "build_reports",
    "build_snapshot",
    "build_snapshots",
    "component_specs_forget",
    "effective_policy",
    "line_id_from_ref",
    "line_ref",
    "site_get",
    "site_list",
    "snapshot_rows",
    "snapshots_from_rows",
    "with_sites",
]

LINE_REF_PREFIX = "L"


def line_ref(line_id: int) -> str:
    """The engine id of the build line with this pk (``L<pk>``)."""
    return f"{LINE_REF_PREFIX}{line_id}"


def line_id_from_ref(ref: str) -> int | None:
    """The build line pk behind an engine id such as ``L42``, or None for any other id."""
    if not ref.startswith(LINE_REF_PREFIX):
        return None
    digits = ref[len(LINE_REF_PREFIX) :]
    return int(digits) if digits.isdigit() else None


# --------------------------------------------------------------------------- sites


def site_list(
    *, user: Any, auth: Any = None, organisation: Organisation | None = None
) -> QuerySet[Site]:
    """Sites of the organisations the request may act on, by organisation then name."""
    queryset = Site.objects.filter(organisation__in=organisations_visible_to(user, auth))
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset.select_related("organisation").order_by("organisation__name", "name", "pk")


def site_get(*, pk: int, user: Any, auth: Any = None) -> Site:
    """One visible site; NotFound when it does not exist or is outside the caller's scope."""
    site = site_list(user=user, auth=auth).filter(pk=pk).first()
    if site is None:
        raise NotFound("Site not found.")
    return site


# --------------------------------------------------------------------------- builds


def build_list(
    *,
    user: Any,
    auth: Any = None,
    site: Site | None = None,
    status: str | None = None,
) -> QuerySet[Build]:
    """Builds of visible organisations with their site and organisation, newest edits first."""
    queryset = Build.objects.filter(site__organisation__in=organisations_visible_to(user, auth))
    if site is not None:
        queryset = queryset.filter(site=site)
    if status is not None:
        queryset = queryset.filter(status=status)
    return queryset.select_related("site__organisation", "created_by", "approved_by").order_by(
        "-updated_at", "-pk"
    )


def build_get(*, pk: int, user: Any, auth: Any = None) -> Build:
    """One visible build; NotFound when it does not exist or is outside the caller's scope."""
    build = build_list(user=user, auth=auth).filter(pk=pk).first()
    if build is None:
        raise NotFound("Build not found.")
    return build


def build_get_with_roles(*, pk: int, user: Any) -> tuple[Build, dict[int, str]]:
    """One build visible to a session user, with site and organisation, and the user's
    `roles_around` its organisation (what the editor's permissions read); NotFound as
    `build_get`. Two plain queries: cheaper than `build_get`'s visibility subqueries."""
    build = Build.objects.select_related("site__organisation").filter(pk=pk).first()
    if build is None:
        raise NotFound("Build not found.")
    organisation = build.site.organisation
    roles = roles_around(user, organisation)
    if not organisation_visible(user, None, organisation, roles=roles):
        raise NotFound("Build not found.")
    return build, roles


def build_line_list(build: Build) -> QuerySet[BuildLine]:
    """Lines of a build in display order, with component and manufacturer, in one query."""
    return (
        BuildLine.objects.filter(build_id=build.pk)
        .select_related("component__manufacturer")
        .order_by("sort_order", "pk")
    )


def _with_site(build: Build) -> Build:
    """The build with site and organisation loaded: free if they are, one query if not."""
    return with_sites([build])[0]


def with_sites(builds: Sequence[Build]) -> list[Build]:
    """The builds with site and organisation loaded: free if they are, one query if not."""
    missing = [
        b.pk
        for b in builds
        if not (Build.site.is_cached(b) and Site.organisation.is_cached(b.site))
    ]
    if not missing:
        return list(builds)
    loaded = Build.objects.select_related("site__organisation").in_bulk(missing)
    return [loaded[b.pk] if b.pk in missing else b for b in builds]


def effective_policy(build: Build) -> Policy:
    """The organisation's policy overridden key by key by the build's own."""
    organisation_policy = build.site.organisation.policy or {}
    return Policy(**{**organisation_policy, **(build.policy_override or {})})


_SNAPSHOT_LINE_FIELDS = (
    "build_id",
    "pk",
    "component_id",
    "quantity",
    "rack_id",
    "position_u",
    "face",
    "feed_a_id",
    "feed_b_id",
    "ups_id",
    "coolant_from_id",
    "phase",
    "note",
    # The catalogue versions of the line's component (not engine input: fingerprint input),
    # read as text: they are only compared, so the driver need not parse a timestamp a line.
    "component_version",
    "manufacturer_version",
    # The build's seller's price book entry for the component (`_priced_lines`): engine
    # input (its price, currency and lead time) and, by content, fingerprint input.
    "price_entry",
    "price_list_price",
    "price_currency",
    "price_lead_time_days",
)
# Where the snapshot's own values end in a row of `snapshot_rows` (after the build id), and
# where the seller's price starts.
_SNAPSHOT_VALUES = _SNAPSHOT_LINE_FIELDS.index("component_version") - 1
_PRICE_VALUES = _SNAPSHOT_LINE_FIELDS.index("price_entry") - 1

# A build's lines as plain values: (pk, component_id, quantity, rack_id, position_u, face,
# feed_a_id, feed_b_id, ups_id, coolant_from_id, phase, note, component updated, manufacturer
# updated, then the seller's price entry, list price, currency and lead time).
SnapshotRows = dict[int, list[tuple[Any, ...]]]


def build_snapshot(build: Build) -> BuildSpec:
    """The engine's input for a build, in three queries whatever its size (`build_snapshots`)."""
    return build_snapshots([build])[0]


def build_snapshots(builds: Sequence[Build]) -> list[BuildSpec]:
    """The engine's input for each build, in three queries whatever their number and size.

    One query for the builds' sites and organisations (skipped when already loaded), one for
    all their lines as plain values (`snapshot_rows`), one for the distinct components they
    use with their manufacturer (`snapshots_from_rows`; skipped when every one is known at the
    catalogue version its lines name). Builds repeat few components over many lines, so each
    is loaded and parsed once instead of once per line. Rack lines become
    racks, every other line a placed item; both carry the id ``L<line pk>`` (see
    `line_id_from_ref`).
    """
    builds = with_sites(builds)
    return snapshots_from_rows(builds, snapshot_rows(builds))


def snapshot_rows(builds: Sequence[Build]) -> SnapshotRows:
    """Every line of these builds as plain values, by build pk, in display order: one query.

    Each row also carries its component's and manufacturer's last-change times, so the rows
    alone fingerprint a build's lines and catalogue versions (configurator.builds.fingerprints).
    """
    rows: SnapshotRows = {build.pk: [] for build in builds}
    if not rows:
        return rows
    for row in (
        _priced_lines(BuildLine.objects.filter(build_id__in=rows))
        .annotate(
            component_version=Cast("component__updated", TextField()),
            manufacturer_version=Cast("component__manufacturer__updated", TextField()),
        )
        .order_by("build_id", "sort_order", "pk")
        .values_list(*_SNAPSHOT_LINE_FIELDS)
    ):
        rows[row[0]].append(row[1:])
    return rows


def _priced_lines(lines: QuerySet[BuildLine]) -> QuerySet[BuildLine]:
    """Lines annotated with their build's seller's price book entry for their component.

    The seller is the site's organisation when it sells, else the organisation serving it;
    the entry comes along in the lines' own query (`with_seller_prices`), so pricing adds no
    query however many builds and sellers are read together.
    """
    organisation = "build__site__organisation"
    seller = Case(
        When(**{f"{organisation}__kind": Organisation.Kind.SELLER}, then=F(f"{organisation}_id")),
        default=F(f"{organisation}__served_by_id"),
    )
    return with_seller_prices(
        lines.annotate(line_seller_id=seller), OuterRef("line_seller_id"), outer="component_id"
    )


# The engine's view of a component, by (pk, component version, manufacturer version): the
# same versions the report cache's fingerprints trust, so a component or manufacturer saved
# since (`updated` moves on every save) is read again. Per process and bounded: the editor
# and the fleet jobs snapshot the same few hundred parts over and over.
_COMPONENT_SPECS: OrderedDict[tuple[Any, ...], ComponentSpec] = OrderedDict()
_COMPONENT_SPECS_MAX = 4096


def component_specs_forget() -> None:
    """Forget every component's engine view (the next snapshots read them again): tests
    start from nothing, so the queries they count do not depend on the tests before."""
    _COMPONENT_SPECS.clear()


def _component_specs(wanted: dict[int, tuple[Any, ...]]) -> dict[int, ComponentSpec]:
    """The engine's view of each wanted component (pk -> its version key), loading only those
    not known at that version: one query, or none when every one is."""
    found: dict[int, ComponentSpec] = {}
    missing = set()
    for pk, version in wanted.items():
        spec = _COMPONENT_SPECS.get((pk, *version))
        if spec is None:
            missing.add(pk)
        else:
            found[pk] = spec
    if missing:
        for component in (
            Component.objects.select_related("manufacturer")
            .filter(pk__in=missing)
            .annotate(
                component_version=Cast("updated", TextField()),
                manufacturer_version=Cast("manufacturer__updated", TextField()),
            )
        ):
            spec = found[component.pk] = component_to_engine(component)
            key = (component.pk, component.component_version, component.manufacturer_version)
            if key[1:] == wanted[component.pk]:
                _COMPONENT_SPECS[key] = spec
        while len(_COMPONENT_SPECS) > _COMPONENT_SPECS_MAX:
            _COMPONENT_SPECS.popitem(last=False)
    return found


def snapshots_from_rows(builds: Sequence[Build], rows: SnapshotRows) -> list[BuildSpec]:
    """The engine's input for each build (site loaded) from its `snapshot_rows`: one query for
    the components not already known at the versions the rows name (often none)."""
    wanted = {
        row[1]: row[_SNAPSHOT_VALUES:_PRICE_VALUES] for build in builds for row in rows[build.pk]
    }
    components = _component_specs(wanted)
    return [_snapshot(build, rows[build.pk], components) for build in builds]


def _snapshot(
    build: Build, rows: list[tuple[Any, ...]], components: dict[int, ComponentSpec]
) -> BuildSpec:
    racks: list[RackInstance] = []
    items: list[PlacedItem] = []
    priced: dict[tuple[int, int], ComponentSpec] = {}
    for row in rows:
        pk, component_id, quantity, rack_id, position_u, face, a, b, ups, coolant, phase, note = (
            row[:_SNAPSHOT_VALUES]
        )
        entry, list_price, currency, lead_time_days = row[_PRICE_VALUES:]
        component = components[component_id]
        if entry is not None:
            # The seller's own price, currency and lead time over the library's reference.
            if (component_id, entry) not in priced:
                priced[component_id, entry] = component.model_copy(
                    update={
                        "list_price": float(list_price),
                        "currency": currency,
                        "lead_time_days": lead_time_days,
                    }
                )
            component = priced[component_id, entry]
        if component.kind is Kind.RACK:
            racks.append(
                RackInstance(
                    id=line_ref(pk), name=note or f"Rack {len(racks) + 1}", component=component
                )
            )
            continue
        items.append(
            PlacedItem(
                id=line_ref(pk),
                component=component,
                quantity=quantity,
                rack_id=_ref_or_none(rack_id),
                position_u=None if position_u is None else float(position_u),
                face=face,
                feed_a=_ref_or_none(a),
                feed_b=_ref_or_none(b),
                ups_id=_ref_or_none(ups),
                coolant_from=_ref_or_none(coolant),
                phase=phase,
                note=note,
            )
        )
    return BuildSpec(
        name=build.name,
        site=EngineSite(**build.site.engine_values()),
        racks=tuple(racks),
        items=tuple(items),
        policy=effective_policy(build),
    )


def _ref_or_none(line_id: int | None) -> str | None:
    return None if line_id is None else line_ref(line_id)


def build_report(build: Build) -> Report:
    """The rules engine's verdict on a build: ``evaluate(build_snapshot(build))``."""
    return build_reports([build])[0]


def build_reports(builds: Sequence[Build]) -> list[Report]:
    """The engine's verdict on each build, from `build_snapshots` (three queries in all)."""
    # Imported here: the engine registers every check on import, which reads need only here.
    from rules import evaluate

    return [evaluate(spec) for spec in build_snapshots(builds)]


def build_bom(build: Build, *, show_cost: bool) -> Bom:
    """The bill of materials of a build, grouped by category; cost columns only if shown."""
    from configurator.builds.bom import bom_compute

    build = _with_site(build)
    lines = list(_priced_lines(build_line_list(build)))
    # Each line's component priced from the seller's price book (library price otherwise).
    for line in lines:
        apply_seller_prices(line.component, line)
    return bom_compute(lines, show_cost=show_cost, default_currency=build.site.currency)


def build_bundle_comparison(
    build: Build, *, bundle: Component, show_cost: bool = False
) -> BundleComparison:
    """A build's BOM and engineering figures side by side with a pre-integrated bundle."""
    from configurator.builds.bom import bundle_compare

    build = _with_site(build)
    return bundle_compare(
        bom=build_bom(build, show_cost=show_cost),
        bundle=bundle,
        report=build_report(build),
        policy=effective_policy(build),
    )
