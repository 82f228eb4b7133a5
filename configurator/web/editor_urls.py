"""URLs of the build editor and the compare page; included at ``builds/`` (namespace "editor")."""

from django.urls import path

from configurator.web import compare, configure, editor

app_name = "editor"

urlpatterns = [
    path("compare/", compare.build_compare, name="compare"),
    path("<int:pk>/", editor.build_editor, name="detail"),
    path("<int:pk>/elevations/", editor.elevations, name="elevations"),
    path("<int:pk>/racks/<int:rack>/elevation/", editor.rack_elevation, name="elevation"),
    path("<int:pk>/picker/", editor.picker, name="picker"),
    path("<int:pk>/picker/<int:component>/", editor.add_panel, name="add_panel"),
    path("<int:pk>/validation/", editor.validation, name="validation"),
    path("<int:pk>/bom.csv", editor.bom_download, {"file_format": "csv"}, name="bom_csv"),
    path("<int:pk>/bom.xlsx", editor.bom_download, {"file_format": "xlsx"}, name="bom_xlsx"),
    path("<int:pk>/lines/add/", editor.line_add, name="line_add"),
    path("<int:pk>/lines/restore/", editor.line_restore, name="line_restore"),
    path("<int:pk>/lines/<int:line>/", editor.line_panel, name="line"),
    path("<int:pk>/lines/<int:line>/update/", editor.line_update, name="line_update"),
    path("<int:pk>/lines/<int:line>/remove/", editor.line_remove, name="line_remove"),
    path("<int:pk>/auto-place/", editor.auto_place, name="auto_place"),
    path("<int:pk>/approve/", editor.approve, name="approve"),
    path("<int:pk>/reopen/", editor.reopen, name="reopen"),
    path("<int:pk>/clone/", editor.clone, name="clone"),
    path("<int:pk>/configure/", configure.build_configure, name="configure"),
]
