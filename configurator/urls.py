"""Root URLconf: web UI, API (versioned), schema and docs, admin, login, health."""

from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from configurator import health


class FaviconRedirect(RedirectView):
    """/favicon.ico to the static icon (looked up per request: the manifest may come later)."""

    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("favicon.svg")


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on every page that names none (the admin, the API pages).
    path("favicon.ico", FaviconRedirect.as_view()),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL instead of inline, so the CSP keeps
    # script-src 'self'; Swagger UI's page still carries an inline <style>, allowed here only.
    path(
        "api/docs/",
        csp_update({"style-src": "'unsafe-inline'"})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="swagger-ui",
    ),
    # URLPathVersioning reads `version`; only v1 matches, so v2 is an ordinary 404.
    re_path(r"^api/(?P<version>v1)/", include("configurator.api.urls")),
    # The web UI last: "/" is the dashboard (or the sign-in page), then its own areas.
    path("", include("configurator.web.urls")),
]

handler404 = "configurator.api.exceptions.handler404"
handler500 = "configurator.api.exceptions.handler500"
