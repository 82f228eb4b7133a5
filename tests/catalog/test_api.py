"""The catalogue API: permissions, cost visibility, filters, validation, query counts."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from catalog.models import Component, Manufacturer
from configurator.tenancy.models import Organisation
from tests.factories import (
    ComponentFactory,
    CustomerOrganisationFactory,
    ManufacturerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MANUFACTURERS = "/api/v1/manufacturers/"
COMPONENTS = "/api/v1/components/"

ROLES = ["anonymous", "customer", "sales_engineer", "integrator", "catalogue_manager", "admin"]


@pytest.fixture
def client_as(
    api_client: APIClient,
    org: Organisation,
    user_with_role: Callable[..., Any],
    api_token: Callable[..., str],
) -> Callable[[str], APIClient]:
    """Factory: an API client acting in the given role (integrators use a token)."""

    def make(role: str) -> APIClient:
        if role == "anonymous":
            return api_client
        if role == "superuser":
            api_client.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
            return api_client
        if role == "platform_staff":
            # Platform staff edit the shared library (catalog migration 0005's group).
            staff = UserFactory(is_staff=True)
            staff.groups.add(Group.objects.get(name="Platform staff"))
            api_client.force_authenticate(staff)
            return api_client
        if role == "customer":
            customer_org = CustomerOrganisationFactory(served_by=org)
            api_client.force_authenticate(user_with_role("customer", customer_org))
            return api_client
        user = user_with_role(role, org)
        if role == "integrator":
            api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user, org)}")
        else:
            api_client.force_authenticate(user)
        return api_client

    return make


def component_payload(maker: Manufacturer, **overrides: Any) -> dict[str, Any]:
    payload = {
        "manufacturer": maker.slug,
        "sku": "UPS-NEW",
        "model_name": "New UPS",
        "kind": "ups",
        "list_price": "1800.00",
        "currency": "EUR",
        "u_height": "2.0",
        "weight_kg": "28.50",
        "nameplate_w": "150.0",
        "typical_w": "90.0",
        "spec": {"kva": 3, "kw": 2.7},
    }
    payload.update(overrides)
    return payload


# ------------------------------------------------------------------ permission matrix

READ = {"list": 200, "retrieve": 200}
DENIED_WRITE = {"create": 403, "partial_update": 403, "destroy": 403}
WRITE = {"create": 201, "partial_update": 200, "destroy": 204}
EXPECTED = {
    "anonymous": dict.fromkeys(["list", "retrieve", "create", "partial_update", "destroy"], 401),
    "customer": READ | DENIED_WRITE,
    "sales_engineer": READ | DENIED_WRITE,
    "integrator": READ | DENIED_WRITE,
    # The shared library is platform staff's: a seller's catalogue managers and admins
    # write their own price book and private components, never the library.
    "catalogue_manager": READ | DENIED_WRITE,
    "admin": READ | DENIED_WRITE,
    "platform_staff": READ | WRITE,
    "superuser": READ | WRITE,
}
MATRIX = [
    (role, action, status)
    for role, actions in EXPECTED.items()
    for action, status in actions.items()
]


def call(client: APIClient, base: str, action: str, obj_pk: int, body: dict[str, Any]) -> Any:
    detail = f"{base}{obj_pk}/"
    if action == "list":
        return client.get(base)
    if action == "retrieve":
        return client.get(detail)
    if action == "create":
        return client.post(base, body, format="json")
    if action == "partial_update":
        return client.patch(detail, {"model_name": "Renamed", "website": ""}, format="json")
    return client.delete(detail)


@pytest.mark.parametrize(("role", "action", "status"), MATRIX)
def test_manufacturers_permission_matrix(
    client_as: Callable[[str], APIClient], role: str, action: str, status: int
) -> None:
    """Reads for every authenticated caller, writes for platform staff only."""
    manufacturer = ManufacturerFactory()  # no components, so it can be deleted
    client = client_as(role)
    response = call(client, MANUFACTURERS, action, manufacturer.pk, {"name": "Brand New"})
    assert response.status_code == status, response.content
    if status >= 400:
        assert set(response.json()) == {"code", "message", "details"}


@pytest.mark.parametrize(("role", "action", "status"), MATRIX)
def test_components_permission_matrix(
    client_as: Callable[[str], APIClient], role: str, action: str, status: int
) -> None:
    """Reads for every authenticated caller, library writes for platform staff only."""
    component = ComponentFactory()
    client = client_as(role)
    body = component_payload(component.manufacturer)
    response = call(client, COMPONENTS, action, component.pk, body)
    assert response.status_code == status, response.content
    if status >= 400:
        assert set(response.json()) == {"code", "message", "details"}
    if action in {"create", "partial_update", "destroy"} and status >= 400:
        # A refused write leaves the catalogue as it was.
        assert Component.objects.count() == 1
        assert Component.objects.get().model_name == component.model_name


# ------------------------------------------------------------------ cost price


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("customer", False),
        ("integrator", False),
        ("sales_engineer", True),
        ("catalogue_manager", True),
        ("admin", True),
        ("superuser", True),
    ],
)
def test_cost_price_only_for_roles_allowed_to_see_cost(
    client_as: Callable[[str], APIClient], role: str, visible: bool
) -> None:
    """Customers and integrators never see cost prices, in lists or details."""
    component = ComponentFactory(cost_price=Decimal("700.00"))
    client = client_as(role)
    listed = client.get(COMPONENTS).json()["results"][0]
    detail = client.get(f"{COMPONENTS}{component.pk}/").json()
    assert ("cost_price" in listed) is visible
    assert ("cost_price" in detail) is visible
    if visible:
        assert detail["cost_price"] == "700.00"


def test_integrator_token_of_a_customer_org_hides_cost_even_for_a_sales_engineer(
    org: Organisation,
    user_with_role: Callable[..., Any],
    api_token: Callable[..., str],
    api_client: APIClient,
) -> None:
    """A token counts only the roles held in its organisation."""
    customer_org = CustomerOrganisationFactory(served_by=org)
    user = user_with_role("sales_engineer", org)
    user_with_role("customer", customer_org, username=user.username)
    ComponentFactory()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user, customer_org)}")
    assert "cost_price" not in api_client.get(COMPONENTS).json()["results"][0]


# ------------------------------------------------------------------ representation


def test_component_reads_manufacturer_as_slug_and_name(
    client_as: Callable[[str], APIClient],
) -> None:
    """The manufacturer is written as a slug and read as {slug, name}."""
    component = ComponentFactory(manufacturer__name="Acme Power", kind="ups")
    data = client_as("sales_engineer").get(f"{COMPONENTS}{component.pk}/").json()
    assert data["manufacturer"] == {"slug": "acme-power", "name": "Acme Power"}
    assert data["spec"]["kind"] == "ups"
    assert data["power_unknown"] is False


def test_create_component_stores_the_normalised_spec(
    client_as: Callable[[str], APIClient],
) -> None:
    """A created component answers 201 with its spec completed by the defaults."""
    manufacturer = ManufacturerFactory()
    response = client_as("platform_staff").post(
        COMPONENTS, component_payload(manufacturer), format="json"
    )
    assert response.status_code == 201, response.content
    stored = Component.objects.get(sku="UPS-NEW")
    assert stored.spec["output_pf"] == 0.9
    assert response.json()["spec"] == stored.spec
    assert response.json()["cost_price"] is None


def test_patch_kind_without_spec_revalidates_the_stored_spec(
    client_as: Callable[[str], APIClient],
) -> None:
    """Changing the kind alone judges the stored spec against the new kind."""
    component = ComponentFactory(kind="ups")
    response = client_as("platform_staff").patch(
        f"{COMPONENTS}{component.pk}/", {"kind": "pdu"}, format="json"
    )
    assert response.status_code == 400
    assert "spec.kind" in response.json()["details"]


def test_patch_keeps_other_fields(client_as: Callable[[str], APIClient]) -> None:
    """A partial update changes only what it names, validated against the stored row."""
    component = ComponentFactory(nameplate_w=Decimal(500), typical_w=Decimal(300))
    client = client_as("platform_staff")
    response = client.patch(f"{COMPONENTS}{component.pk}/", {"typical_w": "600"}, format="json")
    assert response.status_code == 400
    assert "typical_w" in response.json()["details"]
    response = client.patch(f"{COMPONENTS}{component.pk}/", {"list_price": "5"}, format="json")
    assert response.status_code == 200
    component.refresh_from_db()
    assert (component.list_price, component.typical_w) == (Decimal(5), Decimal(300))


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"spec": {"kva": 0}}, "spec.kva", "greater than or equal to 0.1"),
        ({"spec": {"kva": 3, "kw": 4}}, "spec", "kw cannot exceed kva"),
        ({"spec": {"kva": 3, "fan": True}}, "spec.fan", "Extra inputs"),
        ({"spec": "kva=3"}, "spec", "JSON object"),
        ({"kind": "toaster"}, "kind", "not a valid choice"),
        ({"kind": "pdu"}, "spec.voltage_v", "Field required"),
        ({"kind": "pdu", "spec": {"kind": "ups", "kva": 3}}, "spec.kind", "'pdu'"),
        ({"list_price": "-1.00"}, "list_price", "Must be from 0 to"),
        ({"currency": "EURO"}, "currency", ""),
        ({"currency": "XYZ"}, "currency", "Unsupported currency"),
        ({"u_height": "1.3"}, "u_height", "multiple of 0.5"),
        ({"typical_w": "200"}, "typical_w", "cannot exceed"),
        ({"manufacturer": "no-such-vendor"}, "manufacturer", "does not exist"),
        ({"sku": ""}, "sku", "blank"),
    ],
)
def test_bad_component_input_answers_400_naming_the_field(
    client_as: Callable[[str], APIClient], overrides: dict[str, Any], field: str, fragment: str
) -> None:
    """Invalid input answers 400 with the field and reason, and saves nothing."""
    manufacturer = ManufacturerFactory()
    response = client_as("platform_staff").post(
        COMPONENTS, component_payload(manufacturer, **overrides), format="json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["details"], body
    assert any(fragment in message for message in body["details"][field]), body
    assert not Component.objects.exists()


def test_duplicate_sku_answers_400(client_as: Callable[[str], APIClient]) -> None:
    """A second component with the same manufacturer and SKU is refused."""
    existing = ComponentFactory(sku="UPS-NEW")
    response = client_as("platform_staff").post(
        COMPONENTS, component_payload(existing.manufacturer), format="json"
    )
    assert response.status_code == 400
    assert Component.objects.count() == 1


def test_bundle_with_unknown_member_answers_400(client_as: Callable[[str], APIClient]) -> None:
    """Bundle members are checked against the catalogue by manufacturer and SKU."""
    manufacturer = ManufacturerFactory(name="Acme")
    payload = component_payload(
        manufacturer,
        kind="bundle",
        nameplate_w=None,
        typical_w=None,
        spec={"members": [{"manufacturer": "Acme", "sku": "GHOST"}], "it_capacity_w": 1000},
    )
    response = client_as("platform_staff").post(COMPONENTS, payload, format="json")
    assert response.status_code == 400, response.content
    assert "spec.members.0" in response.json()["details"]
    assert not Component.objects.exists()


def test_deleting_a_manufacturer_with_components_answers_409(
    client_as: Callable[[str], APIClient],
) -> None:
    """Components protect their manufacturer; the answer says why, in the envelope."""
    component = ComponentFactory()
    response = client_as("platform_staff").delete(f"{MANUFACTURERS}{component.manufacturer_id}/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "protected"
    assert "1 component" in body["message"]
    assert Manufacturer.objects.filter(pk=component.manufacturer_id).exists()


def test_manufacturer_create_derives_the_slug(client_as: Callable[[str], APIClient]) -> None:
    """POST with a name only gets a slug from the name."""
    response = client_as("platform_staff").post(MANUFACTURERS, {"name": "Schneider Electric"})
    assert response.status_code == 201
    assert response.json()["slug"] == "schneider-electric"


# ------------------------------------------------------------------ filters, search, ordering


@pytest.fixture
def catalogue() -> dict[str, Component]:
    acme = ManufacturerFactory(name="Acme Power")
    globex = ManufacturerFactory(name="Globex")
    return {
        "ups": ComponentFactory(
            manufacturer=acme,
            sku="UPS-3K",
            kind="ups",
            list_price=Decimal(1800),
            nameplate_w=Decimal(150),
            typical_w=Decimal(90),
            u_height=Decimal(2),
        ),
        "pdu": ComponentFactory(
            manufacturer=acme,
            sku="MON-1",
            kind="monitoring",
            list_price=Decimal(400),
            nameplate_w=None,
            typical_w=None,
            u_height=Decimal(0),
            lifecycle="end_of_sale",
        ),
        "server": ComponentFactory(
            manufacturer=globex,
            sku="SRV-1U",
            kind="server",
            list_price=Decimal(4200),
            nameplate_w=Decimal(750),
            typical_w=Decimal(420),
            u_height=Decimal(1),
            description="Dual-socket edge server",
        ),
        "rack": ComponentFactory(
            manufacturer=globex,
            sku="RACK-42",
            kind="rack",
            list_price=Decimal(1100),
            u_height=Decimal(0),
        ),
    }


def skus(client: APIClient, query: str) -> list[str]:
    response = client.get(f"{COMPONENTS}?{query}")
    assert response.status_code == 200, response.content
    return [row["sku"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["MON-1", "UPS-3K", "RACK-42", "SRV-1U"]),
        ("kind=ups", ["UPS-3K"]),
        ("kind=ups&kind=server", ["UPS-3K", "SRV-1U"]),
        ("manufacturer=globex", ["RACK-42", "SRV-1U"]),
        ("lifecycle=end_of_sale", ["MON-1"]),
        ("u_height_min=1", ["UPS-3K", "SRV-1U"]),
        ("u_height_max=0", ["MON-1", "RACK-42"]),
        ("power_min=200", ["SRV-1U"]),
        ("power_max=200", ["UPS-3K"]),
        ("typical_min=100", ["SRV-1U"]),
        ("price_min=1000&price_max=2000", ["UPS-3K", "RACK-42"]),
        ("power_unknown=true", ["MON-1"]),
        ("power_unknown=false", ["UPS-3K", "RACK-42", "SRV-1U"]),
        ("search=edge", ["SRV-1U"]),
        ("search=acme", ["MON-1", "UPS-3K"]),
        ("search=rack-42", ["RACK-42"]),
        ("ordering=list_price", ["MON-1", "RACK-42", "UPS-3K", "SRV-1U"]),
        ("ordering=-list_price", ["SRV-1U", "UPS-3K", "RACK-42", "MON-1"]),
        ("ordering=sku", ["MON-1", "RACK-42", "SRV-1U", "UPS-3K"]),
        ("ordering=cost_price", ["MON-1", "UPS-3K", "RACK-42", "SRV-1U"]),  # not whitelisted
    ],
)
def test_component_list_filters_search_and_ordering(
    client_as: Callable[[str], APIClient],
    catalogue: dict[str, Component],
    query: str,
    expected: list[str],
) -> None:
    """Filters combine; ordering outside the whitelist falls back to catalogue order."""
    assert skus(client_as("customer"), query) == expected


def test_manufacturer_filter_accepts_an_id(
    client_as: Callable[[str], APIClient], catalogue: dict[str, Component]
) -> None:
    """?manufacturer= takes the id as well as the slug."""
    pk = catalogue["server"].manufacturer_id
    assert skus(client_as("customer"), f"manufacturer={pk}") == ["RACK-42", "SRV-1U"]


def test_invalid_filter_value_answers_400(
    client_as: Callable[[str], APIClient], catalogue: dict[str, Component]
) -> None:
    """A kind that does not exist is a client error, not an empty page."""
    response = client_as("customer").get(f"{COMPONENTS}?kind=toaster")
    assert response.status_code == 400
    assert "kind" in response.json()["details"]


def test_component_list_is_paginated(client_as: Callable[[str], APIClient]) -> None:
    """Limit/offset pages with a count."""
    ComponentFactory.create_batch(3)
    body = client_as("customer").get(f"{COMPONENTS}?limit=2").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


# ------------------------------------------------------------------ query count


@pytest.mark.parametrize("size", [5, 50])
def test_component_list_query_count_is_constant(
    client_as: Callable[[str], APIClient], django_assert_num_queries: Any, size: int
) -> None:
    """Role lookup, count and one select, however many components (and manufacturers)."""
    for _ in range(size):
        ComponentFactory()
    client = client_as("sales_engineer")
    with django_assert_num_queries(3):
        response = client.get(f"{COMPONENTS}?limit=500")
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [5, 50])
def test_manufacturer_list_query_count_is_constant(
    client_as: Callable[[str], APIClient], django_assert_num_queries: Any, size: int
) -> None:
    """Count and one select."""
    ManufacturerFactory.create_batch(size)
    client = client_as("customer")
    with django_assert_num_queries(2):
        client.get(f"{MANUFACTURERS}?limit=500")


def test_schema_documents_the_catalogue(client_as: Callable[[str], APIClient]) -> None:
    """The OpenAPI schema has both endpoints and the spec as a oneOf of the kind models,
    discriminated by `kind` in responses (one component per model)."""
    response = client_as("customer").get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/components/" in schema["paths"]
    assert "/api/v1/manufacturers/{id}/" in schema["paths"]
    components = schema["components"]["schemas"]
    spec = components["Component"]["properties"]["spec"]
    names = {variant["$ref"].rsplit("/", 1)[-1] for variant in spec["oneOf"]}
    assert {"UpsSpec", "ItSpec", "BundleSpec", "RackSpec"} <= names
    assert spec["discriminator"]["propertyName"] == "kind"
    assert spec["discriminator"]["mapping"]["it"] == "#/components/schemas/ItSpec"
    assert all("kind" in components[name]["required"] for name in names)
    request = components["ComponentRequest"]["properties"]["spec"]
    assert "UpsSpecInput" in {variant["title"] for variant in request["anyOf"]}
