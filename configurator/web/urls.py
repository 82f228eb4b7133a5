"""URLs of the web UI (HTML pages and htmx partials), mounted at the site root."""

from django.urls import include, path

from configurator.web import catalogue, configure, dashboard, handoff, selfservice, sites

catalogue_patterns = (
    [
        path("", catalogue.component_list_view, name="list"),
        path("<int:pk>/", catalogue.component_detail, name="detail"),
    ],
    "catalogue",
)

site_patterns = (
    [
        path("", sites.site_list, name="list"),
        path("new/", sites.site_create, name="create"),
        path("builds/new/", sites.build_create, name="new-build"),
        path("<int:pk>/", sites.site_detail, name="detail"),
        path("<int:pk>/edit/", sites.site_edit, name="edit"),
        path("<int:pk>/apply/", sites.build_apply, name="apply"),
    ],
    "sites",
)

selfservice_patterns = (
    [
        path("", selfservice.start, name="start"),
        path("sites/<int:pk>/", selfservice.workload, name="workload"),
        path("builds/<int:pk>/", selfservice.result, name="result"),
    ],
    "selfservice",
)

configure_patterns = (
    [
        path("<int:pk>/", configure.job_detail, name="detail"),
        path("<int:pk>/save/<int:option>/", configure.job_save, name="save"),
    ],
    "configure",
)

netbox_patterns = (
    [
        path("connections/", handoff.connections, name="connections"),
        path("connections/<int:pk>/", handoff.connection_update, name="connection_update"),
        path("connections/<int:pk>/test/", handoff.connection_test, name="connection_test"),
        path("builds/<int:pk>/", handoff.panel, name="panel"),
        path("builds/<int:pk>/dry-run/", handoff.dry_run, name="dry_run"),
        path("builds/<int:pk>/push/", handoff.push, name="push"),
        path("builds/<int:pk>/netbox.zip", handoff.export, name="export"),
        path("pushes/<int:pk>/", handoff.push_status, name="push_status"),
    ],
    "netbox",
)

urlpatterns = [
    path("", dashboard.home, name="home"),
    # Exactly "builds/" is the list; the editor's pages live below it.
    path("builds/", dashboard.build_list, name="builds"),
    path("builds/", include(("configurator.web.editor_urls", "editor"), namespace="editor")),
    path("builds/<int:pk>/", include(("configurator.web.document_urls", "documents"))),
    path("catalogue/", include(catalogue_patterns)),
    path("sites/", include(site_patterns)),
    path("self-service/", include(selfservice_patterns)),
    path("configure/", include(configure_patterns)),
    path("quotes/", include(("configurator.web.quote_urls", "quotes"))),
    path("fleet/", include(("configurator.web.fleet_urls", "fleet"))),
    path("netbox/", include(netbox_patterns)),
]
