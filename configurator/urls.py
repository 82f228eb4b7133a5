"""Root URLconf: API (versioned), schema and docs, admin, login, health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from configurator import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="swagger-ui", permanent=False), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    # URLPathVersioning reads `version`; only v1 matches, so v2 is an ordinary 404.
    re_path(r"^api/(?P<version>v1)/", include("configurator.api.urls")),
]

handler404 = "configurator.api.exceptions.handler404"
handler500 = "configurator.api.exceptions.handler500"
