"""Catalogue endpoints, included under /api/v1/ by `configurator.api.urls`."""

from rest_framework.routers import SimpleRouter

from catalog.api.views import ComponentViewSet, ManufacturerViewSet, PriceBookEntryViewSet

router = SimpleRouter()
router.register("manufacturers", ManufacturerViewSet, basename="manufacturer")
router.register("components", ComponentViewSet, basename="component")
router.register("price-book-entries", PriceBookEntryViewSet, basename="price-book-entry")

urlpatterns = router.urls
