"""Web URLs of a build's documents and sales panel, included at ``builds/<pk>/`` (namespace
"documents")."""

from django.urls import path

from configurator.web import documents

urlpatterns = [
    path("sales/", documents.build_sales_panel, name="sales"),
    path("spec-sheet/", documents.spec_sheet_page, name="spec-sheet"),
    path("spec-sheet/panel/", documents.spec_sheet_panel, name="spec-sheet-panel"),
    path("spec-sheet/prepare/", documents.spec_sheet_prepare, name="spec-sheet-prepare"),
    path(
        "spec-sheet/<int:document>/download/",
        documents.spec_sheet_download,
        name="spec-sheet-download",
    ),
]
