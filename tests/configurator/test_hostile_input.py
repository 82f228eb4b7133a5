"""Hostile input never answers 500: NUL bytes answer 400, oversized bodies 413 (issue 11)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.api import API, World, assert_envelope, make_world, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def web_client(world: World, role: str = "sales_engineer") -> Client:
    client = Client()
    client.force_login(member(role, world.acme))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/builds/{build}/?q=%00",
        "/builds/{build}/picker/?q=%00",
        "/builds/{build}/picker/?q=ab%00cd&kind=server",
        "/catalogue/?q=%00",
        "/quotes/?status=%00",
    ],
)
def test_nul_byte_in_a_search_answers_400_not_500(world: World, path: str) -> None:
    """The editor's search, the picker and the catalogue refuse a NUL byte with a 400."""
    response = web_client(world).get(path.format(build=world.build.pk))
    assert response.status_code == 400, response.content[:300]


def test_nul_byte_in_api_query_answers_400_envelope(world: World) -> None:
    """?number=x%00 on the quotes API answers the envelope naming the parameter."""
    response = world.client("sales_engineer").get(f"{API}/quotes/?number=x%00")
    body = assert_envelope(response, 400, "validation_error")
    assert "number" in body["details"]


def test_nul_byte_in_a_form_encoded_api_body_answers_400(world: World) -> None:
    """A form-encoded POST with a NUL in a field answers 400 naming it (PostgreSQL would 500)."""
    client = world.client("superuser")
    response = client.post(
        f"{API}/components/",
        "manufacturer=helix&sku=X%00Y&model_name=M&kind=server&list_price=1",
        content_type="application/x-www-form-urlencoded",
    )
    body = assert_envelope(response, 400, "validation_error")
    assert "sku" in body["details"]


def test_oversized_api_body_answers_413_in_the_envelope(world: World, settings: Any) -> None:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 in JSON, not an HTML 400."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = json.dumps({"name": "x" * 2000})
    response = world.client("admin").post(f"{API}/sites/", payload, content_type="application/json")
    body = assert_envelope(response, 413, "payload_too_large")
    assert body["details"] == {"max_bytes": 1000}


def test_oversized_form_body_answers_413(world: World, settings: Any) -> None:
    """A form body too large for Django's limit answers 413 on the web side too."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = web_client(world).post(
        "/accounts/login/",
        "username=" + "x" * 2000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413


@pytest.mark.parametrize("number", ["1e400", "-1e400"])
def test_numbers_beyond_float_range_are_refused_by_the_parser(world: World, number: str) -> None:
    """JSON numbers that would decode to infinity answer 400, never reach a model."""
    response = world.client("admin").post(
        f"{API}/sites/",
        '{"name": "Far", "altitude_m": ' + number + "}",
        content_type="application/json",
    )
    assert_envelope(response, 400, "parse_error")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_json_constants_are_refused(world: World, constant: str) -> None:
    """NaN and Infinity are not JSON: 400."""
    response = world.client("admin").post(
        f"{API}/validate/",
        '{"site": {"supply_voltage_v": ' + constant + "}}",
        content_type="application/json",
    )
    assert_envelope(response, 400, "parse_error")


def test_malformed_multipart_api_body_answers_400_envelope(world: World) -> None:
    """A multipart body Django cannot parse answers the JSON envelope, not an HTML page: 400
    where an upload is taken (the sites sheet), 415 where the API takes JSON only."""
    boundary = "b077f6f1f1ffb042dee0972c9bfb7a66"
    body = f"--{boundary}\r\n" + "X" * 20000 + f"\r\n--{boundary}--\r\n"
    client = world.client("admin")
    content_type = f"multipart/form-data; boundary={boundary}"
    assert_envelope(client.post(f"{API}/sites/import/", body, content_type=content_type), 400)
    assert_envelope(
        client.post(f"{API}/sites/", body, content_type=content_type), 415, "unsupported_media_type"
    )
