"""Households and residents through /api/: the same scoping, validation (field-named 422s),
masking and history as the pages; errors documented in the OpenAPI document."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from accounts.services import api_token_issue
from people.models import Person, RegistryChange, Resident
from people.tests.registry_helpers import id_number, register
from places.models import Household
from testkit import TinyCity

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, tc: TinyCity, role: str) -> None:
        token, _expires = api_token_issue(user=tc.users[role])
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    def call(self, method: str, url: str, body: Any = None) -> tuple[int, Any]:
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
        response = getattr(self.client, method)(url, **kwargs)
        return response.status_code, json.loads(response.content or b"null")


def _fields(body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["code"] for e in body["errors"]}


def _snapshot() -> tuple[list[tuple[object, ...]], ...]:
    return (
        list(Person.objects.order_by("pk").values_list()),
        list(Resident.objects.order_by("pk").values_list()),
        list(Household.objects.order_by("pk").values_list()),
        list(RegistryChange.objects.order_by("pk").values_list()),
    )


def test_household_create_edit_move(tiny_city: TinyCity) -> None:
    api = Api(tiny_city, "community_admin")
    status, body = api.call(
        "post",
        "/api/households",
        {"building_id": tiny_city.inside.building.pk, "room": "3单元 201", "phone": "13800001111"},
    )
    assert status == 201, body
    assert body["room"] == "3单元 201" and body["phone_masked"] == "138****1111"
    household_id = body["id"]
    register(Household.objects.get(pk=household_id), "吴敏")
    status, body = api.call("patch", f"/api/households/{household_id}", {"room": "3单元202"})
    assert status == 200 and body["room"] == "3单元202" and body["phone_masked"] == "138****1111"
    status, body = api.call(
        "post",
        f"/api/households/{household_id}/move",
        {"building_id": tiny_city.sibling.building.pk},
    )
    assert status == 200 and body["building_id"] == tiny_city.sibling.building.pk
    assert body["grid_id"] == tiny_city.sibling.grid.pk
    resident = Resident.objects.get(household_id=household_id)
    assert resident.grid_id == tiny_city.sibling.grid.pk


def test_household_errors_name_the_field(tiny_city: TinyCity) -> None:
    api = Api(tiny_city, "grid_worker")
    before = _snapshot()
    status, body = api.call("post", "/api/households", {})
    assert status == 422 and _fields(body) == {"building_id": "required"}
    status, body = api.call(
        "post", "/api/households", {"building_id": tiny_city.inside.building.pk, "room": "1单元101"}
    )
    assert status == 422 and _fields(body) == {"room": "taken"}
    assert body["errors"][0]["message"] == "This room is already registered in the building."
    status, body = api.call(
        "post",
        "/api/households",
        {"building_id": tiny_city.inside.building.pk, "room": "8", "phone": "12345"},
    )
    assert status == 422 and _fields(body) == {"phone": "phone_invalid"}
    # Another grid's building: as if it did not exist.
    status, body = api.call(
        "post", "/api/households", {"building_id": tiny_city.sibling.building.pk, "room": "8"}
    )
    assert status == 404 and _fields(body) == {"building_id": "not_found"}
    status, body = api.call(
        "post",
        f"/api/households/{tiny_city.inside.household.pk}/move",
        {"building_id": tiny_city.sibling.building.pk},
    )
    assert status == 404 and _fields(body) == {"building_id": "not_found"}
    status, body = api.call("patch", f"/api/households/{tiny_city.sibling.household.pk}", {})
    assert status == 404
    assert _snapshot() == before


def test_readers_get_403_and_nothing_changes(tiny_city: TinyCity) -> None:
    api = Api(tiny_city, "building_head")
    before = _snapshot()
    resident = tiny_city.inside.residents[0]
    household = tiny_city.inside.household
    calls = [
        ("post", "/api/households", {"building_id": tiny_city.inside.building.pk, "room": "9"}),
        ("patch", f"/api/households/{household.pk}", {"room": "9"}),
        ("post", "/api/residents", {"household_id": household.pk, "name": "新人"}),
        ("patch", f"/api/residents/{resident.pk}", {"name": "改名"}),
        ("post", f"/api/residents/{resident.pk}/status", {"status": "deceased"}),
        ("post", f"/api/residents/{resident.pk}/move", {"household_id": household.pk}),
    ]
    for method, url, body in calls:
        status, answer = api.call(method, url, body)
        assert status == 403, (url, answer)
        assert answer["detail"]
    assert _snapshot() == before


def test_resident_crud_with_history(tiny_city: TinyCity) -> None:
    api = Api(tiny_city, "grid_worker")
    good = id_number()
    status, body = api.call(
        "post",
        "/api/residents",
        {
            "household_id": tiny_city.inside.household.pk,
            "name": "张伟",
            "id_number": good,
            "phone": "13912345678",
            "relation": "child",
            "flags": ["is_disabled"],
            "care_note": "行动不便",
        },
    )
    assert status == 201, body
    assert body["id_number_masked"] == f"{good[:6]}********{good[-4:]}"
    assert body["phone_masked"] == "139****5678" and good not in json.dumps(body)
    assert body["flags"] == ["is_disabled"] and body["care_note"] == "行动不便"
    rid = body["id"]

    status, body = api.call("get", "/api/residents?q=zhangwei")
    assert status == 200 and [r["id"] for r in body["items"]] == [rid]
    status, body = api.call("get", "/api/residents?q=5678")
    assert [r["id"] for r in body["items"]] == [rid]

    status, body = api.call("patch", f"/api/residents/{rid}", {"phone": "13987654321"})
    assert status == 200 and body["phone_masked"] == "139****4321"
    assert body["name"] == "张伟" and body["flags"] == ["is_disabled"]  # untouched
    status, body = api.call("patch", f"/api/residents/{rid}", {"flags": []})
    assert status == 200 and body["flags"] == []

    day = timezone.localdate() - datetime.timedelta(days=1)
    status, body = api.call(
        "post",
        f"/api/residents/{rid}/status",
        {"status": "away", "since": day.isoformat(), "note": "滞留孝感"},
    )
    assert status == 200 and body["status"] == "away" and body["status_since"] == day.isoformat()

    status, body = api.call(
        "post",
        f"/api/residents/{rid}/move",
        {"household_id": tiny_city.inside.household.pk},
    )
    assert status == 422 and _fields(body) == {"household_id": "same"}

    status, history = api.call("get", f"/api/residents/{rid}/history")
    assert status == 200
    assert [h["action"] for h in history] == ["status", "edited", "edited", "created"]
    phone = next(c for c in history[2]["changes"] if c["field"] == "phone")
    assert (phone["old"], phone["new"]) == ("139****5678", "139****4321")
    assert history[0]["by"] == "grid_worker"
    text = json.dumps(history, ensure_ascii=False)
    assert good not in text and "13987654321" not in text and "滞留孝感" in text


def test_resident_errors_name_the_field(tiny_city: TinyCity) -> None:
    api = Api(tiny_city, "community_admin")
    household = tiny_city.inside.household.pk
    before = _snapshot()
    status, body = api.call("post", "/api/residents", {"household_id": household})
    assert status == 422 and _fields(body) == {"name": "name_empty"}
    good = id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    status, body = api.call(
        "post",
        "/api/residents",
        {"household_id": household, "name": "王五", "id_number": bad, "phone": "123"},
    )
    assert status == 422 and set(_fields(body)) == {"id_number", "phone"}
    existing = tiny_city.sibling.residents[0].person.id_number
    status, body = api.call(
        "post", "/api/residents", {"household_id": household, "name": "王五", "id_number": existing}
    )
    assert status == 422 and _fields(body) == {"id_number": "id_registered"}
    status, body = api.call(
        "post", "/api/residents", {"household_id": household, "name": "王五", "flags": ["rich"]}
    )
    assert status == 422 and _fields(body) == {"flags": "invalid"}
    rid = tiny_city.inside.residents[0].pk
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    status, body = api.call(
        "post", f"/api/residents/{rid}/status", {"status": "deceased", "since": tomorrow}
    )
    assert status == 422 and _fields(body) == {"since": "future"}
    status, body = api.call("post", f"/api/residents/{rid}/status", {"status": "away"})
    assert status == 422 and _fields(body) == {"since": "required"}
    status, body = api.call("post", f"/api/residents/{rid}/status", {"since": "yesterday"})
    assert status == 422 and _fields(body) == {"since": "date_from_datetime_parsing"}
    # Another district's resident or household: 404 / not found, nothing changed.
    other = tiny_city.other_district
    status, body = api.call("patch", f"/api/residents/{other.residents[0].pk}", {"name": "改名"})
    assert status == 404
    status, body = api.call(
        "post", "/api/residents", {"household_id": other.household.pk, "name": "王五"}
    )
    assert status == 404 and _fields(body) == {"household_id": "not_found"}
    status, body = api.call("get", f"/api/residents/{other.residents[0].pk}/history")
    assert status == 404
    assert _snapshot() == before


def test_browser_session_needs_the_csrf_token(tiny_city: TinyCity) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(tiny_city.users["grid_worker"])
    body = {"household_id": tiny_city.inside.household.pk, "name": "赵六"}
    response = client.post("/api/residents", json.dumps(body), content_type="application/json")
    assert response.status_code == 403
    assert not Resident.objects.filter(person__name="赵六").exists()
    client.get("/registry/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/residents",
        json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201
    assert Resident.objects.filter(person__name="赵六").count() == 1


def test_openapi_documents_the_errors(client: Client) -> None:
    with override_settings(API_DOCS_PUBLIC=True):  # the document's content, not its login
        schema = json.loads(client.get("/api/openapi.json").content)
    operations = [
        ("post", "/api/households"),
        ("patch", "/api/households/{household_id}"),
        ("post", "/api/households/{household_id}/move"),
        ("post", "/api/residents"),
        ("patch", "/api/residents/{resident_id}"),
        ("post", "/api/residents/{resident_id}/status"),
        ("post", "/api/residents/{resident_id}/move"),
    ]
    for method, path in operations:
        responses = schema["paths"][path][method]["responses"]
        assert {"403", "404", "422"} <= set(responses), (method, path)
        assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ErrorOut"
        )
    assert "404" in schema["paths"]["/api/residents/{resident_id}/history"]["get"]["responses"]
