"""Web URLs of fleets, mounted under fleet/ with the namespace "fleet" (see web/urls.py)."""

from django.urls import path

from configurator.web import fleet

urlpatterns = [
    path("", fleet.fleet_home, name="home"),
    path("validate/", fleet.fleet_validate, name="validate"),
    path("bom.<str:fmt>", fleet.fleet_bom_download, name="bom"),
    path("validations/<int:pk>/", fleet.validation_detail, name="validation"),
    path("validations/<int:pk>/progress/", fleet.validation_progress, name="progress"),
    path("validations/<int:pk>/cancel/", fleet.validation_cancel, name="cancel"),
    path("standards/", fleet.standard_list, name="standards"),
    path("standards/<int:pk>/", fleet.standard_detail, name="standard"),
    path("standards/<int:pk>/apply/", fleet.standard_apply, name="apply"),
    path("standards/<int:pk>/publish/", fleet.standard_publish, name="publish"),
    path("standards/<int:pk>/reapply/", fleet.standard_reapply, name="reapply"),
    path("sites/import/", fleet.fleet_sites_import, name="sites-import"),
    path("changes/", fleet.change_list, name="changes"),
    path("changes/<int:pk>/", fleet.change_detail, name="change"),
]
