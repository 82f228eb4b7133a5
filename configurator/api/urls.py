"""The /api/v1/ tree: mounted under `api/<version>/` by the root URLconf."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from configurator.api.builds import BuildViewSet
from configurator.api.configure import ConfigureJobView, ConfigureSaveView, ConfigureView
from configurator.api.fleet import (
    FleetBomCsvView,
    FleetBomView,
    FleetBomXlsxView,
    FleetBuildsView,
    FleetImpactView,
    FleetSummaryView,
)
from configurator.api.fleet_validations import CatalogueChangeViewSet, FleetValidationViewSet
from configurator.api.handoff import (
    BuildNetBoxExportView,
    BuildNetBoxPlanView,
    BuildNetBoxPushesView,
    NetBoxConnectionViewSet,
    NetBoxPushView,
)
from configurator.api.lines import BuildLineViewSet
from configurator.api.organisations import MeView, OrganisationViewSet
from configurator.api.quote_requests import QuoteRequestViewSet
from configurator.api.quotes import QuoteViewSet
from configurator.api.sites import SiteViewSet
from configurator.api.sites_bulk import SitesBulkView, SitesImportView
from configurator.api.spec_sheets import SpecSheetStatusView, SpecSheetView
from configurator.api.standards import StandardViewSet
from configurator.api.validate import ValidateView

# SimpleRouter: other apps bring their own routers; one API root view is enough (none).
router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("sites", SiteViewSet, basename="site")
router.register("builds", BuildViewSet, basename="build")
router.register(r"builds/(?P<build_pk>\d+)/lines", BuildLineViewSet, basename="build-line")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("quote-requests", QuoteRequestViewSet, basename="quote-request")
router.register("netbox-connections", NetBoxConnectionViewSet, basename="netbox-connection")
router.register("standards", StandardViewSet, basename="standard")
router.register("fleet-validations", FleetValidationViewSet, basename="fleet-validation")
router.register("catalogue-changes", CatalogueChangeViewSet, basename="catalogue-change")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("validate/", ValidateView.as_view(), name="validate"),
    path("configure/", ConfigureView.as_view(), name="configure"),
    path("configure/<int:pk>/", ConfigureJobView.as_view(), name="configure-job"),
    path("configure/<int:pk>/save/", ConfigureSaveView.as_view(), name="configure-save"),
    path("builds/<int:pk>/spec-sheet/", SpecSheetView.as_view(), name="build-spec-sheet"),
    path(
        "builds/<int:pk>/spec-sheet/status/",
        SpecSheetStatusView.as_view(),
        name="build-spec-sheet-status",
    ),
    path(
        "builds/<int:pk>/netbox/dry-run/", BuildNetBoxPlanView.as_view(), name="build-netbox-plan"
    ),
    path(
        "builds/<int:pk>/netbox/pushes/",
        BuildNetBoxPushesView.as_view(),
        name="build-netbox-pushes",
    ),
    path(
        "builds/<int:pk>/netbox/export/",
        BuildNetBoxExportView.as_view(),
        name="build-netbox-export",
    ),
    path("netbox-pushes/<int:pk>/", NetBoxPushView.as_view(), name="netbox-push"),
    path("sites/bulk/", SitesBulkView.as_view(), name="site-bulk"),
    path("sites/import/", SitesImportView.as_view(), name="site-import"),
    path("fleet/", FleetSummaryView.as_view(), name="fleet-summary"),
    path("fleet/builds/", FleetBuildsView.as_view(), name="fleet-builds"),
    path("fleet/bom/", FleetBomView.as_view(), name="fleet-bom"),
    path("fleet/bom/csv/", FleetBomCsvView.as_view(), name="fleet-bom-csv"),
    path("fleet/bom/xlsx/", FleetBomXlsxView.as_view(), name="fleet-bom-xlsx"),
    path("fleet/impact/", FleetImpactView.as_view(), name="fleet-impact"),
    *router.urls,
    path("", include("catalog.api.urls")),
]
