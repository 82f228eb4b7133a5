"""Catalogue endpoints, included under /api/v1/ by `configurator.api.urls`."""

from rest_framework.routers import SimpleRouter

from catalog.api.views import ComponentViewSet, ManufacturerViewSet

router = SimpleRouter()
router.register("manufacturers", ManufacturerViewSet, basename="manufacturer")
router.register("components", ComponentViewSet, basename="component")

urlpatterns = router.urls
