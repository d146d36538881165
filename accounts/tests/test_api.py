"""The JSON API: token auth, scoping, masking and field-named errors."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from testkit import PASSWORD, TinyCity

pytestmark = pytest.mark.django_db


def token_for(client: Client, username: str) -> str:
    response = client.post(
        "/api/auth/token",
        data=json.dumps({"username": username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    return str(body["token"])


def test_token_then_bearer_reads_scoped_residents(tiny_city: TinyCity) -> None:
    client = Client()
    token = token_for(client, "grid_worker")
    response = client.get("/api/residents", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    names = {r["name"] for r in body["items"]}
    assert names == {r.person.name for r in tiny_city.inside.residents}
    first = body["items"][0]
    assert "id_number" not in first and "phone" not in first
    assert "********" in first["id_number_masked"]
    assert first["phone_masked"].count("*") == 4


def test_wrong_password_is_a_field_named_json_error(tiny_city: TinyCity) -> None:
    response = Client().post(
        "/api/auth/token",
        data=json.dumps({"username": "grid_worker", "password": "wrong"}),
        content_type="application/json",
    )
    assert response.status_code == 401
    body = response.json()
    assert body["errors"][0]["field"] == "password"


def test_missing_field_names_the_field(tiny_city: TinyCity) -> None:
    response = Client().post(
        "/api/auth/token", data=json.dumps({"username": "x"}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


def test_bad_and_missing_tokens_get_401(tiny_city: TinyCity) -> None:
    client = Client()
    assert client.get("/api/places").status_code == 401
    response = client.get("/api/places", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_out_of_scope_object_is_404_like_a_missing_one(tiny_city: TinyCity) -> None:
    client = Client()
    token = token_for(client, "street_admin")
    auth = {"Authorization": f"Bearer {token}"}
    other = tiny_city.other_street.residents[0].pk
    assert client.get(f"/api/residents/{other}", headers=auth).status_code == 404
    assert client.get("/api/residents/999999", headers=auth).status_code == 404
    mine = tiny_city.sibling.residents[0].pk
    assert client.get(f"/api/residents/{mine}", headers=auth).status_code == 200


def test_places_children_filter(tiny_city: TinyCity) -> None:
    client = Client()
    token = token_for(client, "community_admin")
    response = client.get(
        f"/api/places?parent={tiny_city.inside.community.pk}",
        headers={"Authorization": f"Bearer {token}"},
    )
    names = {p["name"] for p in response.json()["items"]}
    assert names == {"第3网格", "【SIB】网格"}


def test_session_auth_works_for_the_browser(tiny_city: TinyCity) -> None:
    client = Client()
    client.force_login(tiny_city.users["resident"])
    response = client.get("/api/households")
    assert response.status_code == 200
    assert [h["id"] for h in response.json()["items"]] == [tiny_city.inside.household.pk]


def test_openapi_document_lists_the_resources(tiny_city: TinyCity) -> None:
    with override_settings(API_DOCS_PUBLIC=True):  # the document's content, not its login
        paths = Client().get("/api/openapi.json").json()["paths"]
    for path in ("/api/places", "/api/households", "/api/residents", "/api/auth/token"):
        assert path in paths


def test_input_errors_are_said_in_the_users_language(tiny_city: TinyCity) -> None:
    client = Client()
    token = token_for(client, "grid_worker")
    response = client.get(
        "/api/residents?place=abc",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "zh-hans"},
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "place"
    assert error["message"] == "请输入整数。"
    response = client.get(
        "/api/residents?place=abc",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.json()["errors"][0]["message"] == "Enter a whole number."
