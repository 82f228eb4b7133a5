"""Catalogue endpoints: /manufacturers/ and /components/ (reads for all, writes for managers)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import ProtectedError, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, filters, serializers, status, viewsets

from catalog import selectors, services
from catalog.access import (
    can_edit_library,
    can_see_cost,
    price_book_owners,
    private_component_owners,
)
from catalog.api.filters import ComponentFilterSet, ManufacturerFilterSet, StableOrderingFilter
from catalog.api.permissions import IsCatalogueManagerOrReadOnly, IsLibraryEditorOrOwner
from catalog.api.serializers import (
    ComponentSerializer,
    ManufacturerSerializer,
    PriceBookEntrySerializer,
)
from catalog.models import Component, Manufacturer, PriceBookEntry


class ProtectedConflict(exceptions.APIException):
    """409: the row is still referenced and the database protects it."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "protected"
    default_detail = "The object is still referenced and cannot be deleted."


def _protected(exc: ProtectedError, message: str) -> ProtectedConflict:
    # The platform's envelope handler maps APIExceptions; a ProtectedError would be a 500.
    return ProtectedConflict(detail=message, code="protected")


UPS_EXAMPLE: dict[str, Any] = {
    "manufacturer": "eaton",
    "sku": "9PX3000IRT2U",
    "model_name": "9PX 3000i RT2U",
    "kind": "ups",
    "description": "Online double-conversion UPS, 3 kVA / 3 kW, rack/tower.",
    "list_price": "2150.00",
    "cost_price": "1610.00",
    "currency": "EUR",
    "lead_time_days": 10,
    "lifecycle": "active",
    "u_height": "2.0",
    "weight_kg": "32.50",
    "depth_mm": 600,
    "airflow": "front_to_back",
    "nameplate_w": "180.0",
    "typical_w": "95.0",
    "spec": {
        "kva": 3.0,
        "kw": 3.0,
        "topology": "online_double_conversion",
        "runtime_table": [{"load_w": 1500, "minutes": 14}, {"load_w": 3000, "minutes": 5}],
        "outlets_c13": 8,
        "outlets_c19": 1,
    },
}

# APC SMC3000RMI2U as the NetBox importer maps it: no weight in the file, kW bounded by the
# inlet's 2100 W, topology not stated.
IMPORTED_UPS_EXAMPLE = {
    "id": 7,
    "manufacturer": {"slug": "apc", "name": "APC"},
    "sku": "SMC3000RMI2U",
    "model_name": "SMC3000RMI2U",
    "kind": "ups",
    "description": "",
    "list_price": "0.00",
    "currency": "EUR",
    "lead_time_days": 0,
    "lifecycle": "active",
    "datasheet_url": "",
    "u_height": "2.0",
    "weight_kg": None,
    "depth_mm": None,
    "is_full_depth": True,
    "airflow": "front_to_back",
    "nameplate_w": None,
    "typical_w": None,
    "spec": {"kind": "ups", "kva": 3.0, "kw": 2.1, "topology": None, "input_current_a": 16.0},
    "assumed": [
        {
            "field": "spec.kw",
            "value": 2.1,
            "why": (
                "kW not stated; 0.9 x kVA (C3 output power factor) = 2.7 kW is above the "
                "inlet's maximum_draw of 2100 W, so the inlet's figure is used"
            ),
        }
    ],
    "comments": "Import notes (NetBox devicetype-library): ...",
    "power_unknown": False,
    "source": "netbox",
    "source_ref": "device-types/APC/SMC3000RMI2U.yml",
    "created": "2026-01-12T09:00:00Z",
    "updated": "2026-01-12T09:00:00Z",
}

SPEC_ERROR_EXAMPLE = {
    "code": "validation_error",
    "message": "Invalid input: spec.kva.",
    "details": {"spec.kva": ["Input should be greater than 0"]},
}


@extend_schema_view(
    list=extend_schema(
        summary="List manufacturers",
        description="Every manufacturer, ordered by name. Readable by any authenticated caller.",
    ),
    retrieve=extend_schema(summary="Get a manufacturer"),
    create=extend_schema(
        summary="Create a manufacturer",
        description="Catalogue managers and admins only. The slug defaults to the name slugified.",
        examples=[
            OpenApiExample(
                "Manufacturer",
                value={"name": "Eaton", "website": "https://www.eaton.com"},
                request_only=True,
            )
        ],
    ),
    update=extend_schema(summary="Replace a manufacturer"),
    partial_update=extend_schema(summary="Change a manufacturer"),
    destroy=extend_schema(
        summary="Delete a manufacturer",
        description="Answers 409 (`protected`) while the manufacturer still has components.",
    ),
)
class ManufacturerViewSet(viewsets.ModelViewSet):
    """Manufacturers of catalogue components."""

    serializer_class = ManufacturerSerializer
    permission_classes = [IsCatalogueManagerOrReadOnly]
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, StableOrderingFilter]
    filterset_class = ManufacturerFilterSet
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "slug", "created"]

    def get_queryset(self) -> QuerySet[Manufacturer]:
        return selectors.manufacturer_list()

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.manufacturer_create(**serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        # An update: DRF built the serializer on get_object().
        manufacturer = cast(Manufacturer, serializer.instance)
        serializer.instance = services.manufacturer_update(
            manufacturer=manufacturer, **serializer.validated_data
        )

    def perform_destroy(self, instance: Manufacturer) -> None:
        try:
            services.manufacturer_delete(manufacturer=instance)
        except ProtectedError as exc:
            raise _protected(
                exc,
                f"{instance.name} still has {len(exc.protected_objects)} component(s); "
                "delete or move them first.",
            ) from exc


@extend_schema_view(
    list=extend_schema(
        summary="List components",
        description=(
            "Catalogue components with their manufacturer, filtered by kind (repeatable), "
            "manufacturer (slug or id), lifecycle, airflow, U height, nameplate power, list price, "
            "`power_unknown`, `weight_unknown`, `airflow_unknown` and `has_assumed` (figures the "
            "source did not state, listed in `assumed`); `search` looks in SKU, model name, "
            "manufacturer and description; "
            "`ordering` accepts sku, model_name, list_price, nameplate_w, u_height, "
            "lead_time_days, weight_kg (prefix `-` to reverse). `cost_price` appears only for "
            "sales engineers, catalogue managers and admins."
        ),
        examples=[
            OpenApiExample(
                "A page of UPSs",
                # One item: drf-spectacular wraps it in the page itself.
                value={
                    "id": 42,
                    **UPS_EXAMPLE,
                    "manufacturer": {"slug": "eaton", "name": "Eaton"},
                    "assumed": [],
                    "power_unknown": False,
                    "spec": {"kind": "ups", **UPS_EXAMPLE["spec"]},
                    "source": "manual",
                    "source_ref": "",
                    "created": "2026-01-12T09:00:00Z",
                    "updated": "2026-02-02T14:30:00Z",
                },
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        summary="Get a component",
        description=(
            "One component. `weight_kg` and `airflow` are null when unknown (never 0 kg or "
            "passive); `assumed` lists every figure the source did not state, with why."
        ),
        examples=[
            OpenApiExample(
                "A UPS imported from NetBox",
                value=IMPORTED_UPS_EXAMPLE,
                response_only=True,
            )
        ],
    ),
    create=extend_schema(
        summary="Create a component",
        description=(
            "Catalogue managers and admins only. `manufacturer` is the manufacturer's slug. "
            "The `spec` is validated by the spec model of `kind`; an invalid spec answers 400 "
            "with `details` keyed by the path inside the spec, e.g. `spec.kva`."
        ),
        examples=[
            OpenApiExample("UPS", value=UPS_EXAMPLE, request_only=True),
            OpenApiExample(
                "Server",
                value={
                    "manufacturer": "dell",
                    "sku": "R660XS",
                    "model_name": "PowerEdge R660xs",
                    "kind": "server",
                    "list_price": "6890.00",
                    "currency": "EUR",
                    "u_height": "1.0",
                    "weight_kg": "18.00",
                    "airflow": "front_to_back",
                    "nameplate_w": "1100.0",
                    "typical_w": "420.0",
                    "spec": {"psu_count": 2, "psu_rating_w": 1100, "redundant_psus": True},
                },
                request_only=True,
            ),
            OpenApiExample(
                "Malformed spec",
                value=SPEC_ERROR_EXAMPLE,
                response_only=True,
                status_codes=["400"],
            ),
        ],
    ),
    update=extend_schema(summary="Replace a component"),
    partial_update=extend_schema(summary="Change a component"),
    destroy=extend_schema(summary="Delete a component"),
)
class ComponentViewSet(viewsets.ModelViewSet):
    """Catalogue components: the shared library plus the caller's own private components."""

    serializer_class = ComponentSerializer
    permission_classes = [IsLibraryEditorOrOwner]
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, StableOrderingFilter]
    filterset_class = ComponentFilterSet
    search_fields = ["sku", "model_name", "manufacturer__name", "description"]
    ordering_fields = [
        "sku",
        "model_name",
        "list_price",
        "nameplate_w",
        "u_height",
        "lead_time_days",
        "weight_kg",
    ]

    def get_queryset(self) -> QuerySet[Component]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.component_list()
        request = self.request
        return selectors.component_list(owners=private_component_owners(request.user, request.auth))

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            request = self.request
            context["owner_queryset"] = price_book_owners(request.user, request.auth, write=True)
        if getattr(self, "swagger_fake_view", False):
            # Schema generation: document cost_price (it is optional for the reader).
            context["show_cost"] = True
        elif "show_cost" not in context:
            request = self.request
            context["show_cost"] = can_see_cost(request.user, request.auth)
        return context

    def _check_owner(self, owner: Any) -> None:
        """The library is platform staff's; a private component its seller's managers'."""
        request = self.request
        if owner is None and not can_edit_library(request.user, request.auth):
            raise exceptions.PermissionDenied(
                "Only platform staff may change the shared library; name your organisation "
                "as `owner` to add a private component."
            )

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._check_owner(serializer.validated_data.get("owner"))
        serializer.instance = services.component_create(**serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        if "owner" in data:
            self._check_owner(data["owner"])
        component = cast(Component, serializer.instance)  # an update: built on get_object()
        serializer.instance = services.component_update(component=component, **data)

    def perform_destroy(self, instance: Component) -> None:
        try:
            services.component_delete(component=instance)
        except ProtectedError as exc:
            raise _protected(
                exc, f"{instance} is used by {len(exc.protected_objects)} object(s)."
            ) from exc


class PriceBookPermission(IsCatalogueManagerOrReadOnly):
    """Reading a price book needs a cost role of its seller; writing, a catalogue manager."""

    message = "Only the seller's catalogue managers and admins may change its price book."

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)


@extend_schema_view(
    list=extend_schema(
        summary="List price book entries",
        description=(
            "Each seller organisation keeps its own price book: list price, cost, currency, "
            "lead time and availability per component. BOMs and quotes of a build price from "
            "its seller's book (the library's reference list price where the book has no "
            "entry). Readable by the seller's admins, sales engineers and catalogue managers; "
            "written by its admins and catalogue managers. `?seller=<slug>` and "
            "`?component=<id>` filter."
        ),
    ),
    retrieve=extend_schema(summary="Get a price book entry"),
    create=extend_schema(summary="Price a component in your price book"),
    update=extend_schema(summary="Replace a price book entry"),
    partial_update=extend_schema(summary="Change a price book entry"),
    destroy=extend_schema(summary="Remove a component from your price book"),
)
class PriceBookEntryViewSet(viewsets.ModelViewSet):
    """Sellers' price books (one entry per seller and component)."""

    serializer_class = PriceBookEntrySerializer
    permission_classes = [PriceBookPermission]
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["list_price", "lead_time_days", "updated"]

    def get_queryset(self) -> QuerySet[PriceBookEntry]:
        if getattr(self, "swagger_fake_view", False):
            return selectors.price_entry_list(sellers=None)
        request = self.request
        queryset = selectors.price_entry_list(sellers=price_book_owners(request.user, request.auth))
        if self.action == "list":
            seller = request.query_params.get("seller")
            if seller:
                queryset = queryset.filter(seller__slug=seller.replace("\x00", "")[:80])
            component = request.query_params.get("component")
            if component:
                if not component.isdigit() or int(component) < 1:
                    raise exceptions.ValidationError({"component": ["Give a component id."]})
                queryset = queryset.filter(component_id=int(component))
        return queryset

    def _writable_sellers(self) -> Any:
        return price_book_owners(self.request.user, self.request.auth, write=True)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            request = self.request
            context["seller_queryset"] = self._writable_sellers()
            context["component_queryset"] = selectors.component_list(
                owners=private_component_owners(request.user, request.auth)
            )
        return context

    def _seller(self, data: dict[str, Any]) -> Any:
        seller = data.pop("seller", None)
        if seller is not None:
            return seller
        sellers = list(self._writable_sellers()[:2])
        if len(sellers) != 1:
            raise exceptions.ValidationError(
                {"seller": ["Name the seller (slug) whose price book this entry belongs to."]}
            )
        return sellers[0]

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        seller = self._seller(data)
        component = data.pop("component")
        if PriceBookEntry.objects.filter(seller=seller, component=component).exists():
            raise exceptions.ValidationError(
                {"component": ["This seller already prices this component."]}
            )
        serializer.instance = services.price_entry_save(seller=seller, component=component, **data)

    def _check_writable(self, entry: PriceBookEntry) -> None:
        if not self._writable_sellers().filter(pk=entry.seller_id).exists():
            raise exceptions.PermissionDenied(PriceBookPermission.message)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        entry = cast(PriceBookEntry, serializer.instance)  # an update: built on get_object()
        self._check_writable(entry)
        data = dict(serializer.validated_data)
        data.pop("seller", None)
        component = data.pop("component", entry.component)
        serializer.instance = services.price_entry_save(
            seller=entry.seller, component=component, entry=entry, **data
        )

    def perform_destroy(self, instance: PriceBookEntry) -> None:
        self._check_writable(instance)
        services.price_entry_delete(entry=instance)
