"""Open311 GeoReport v2: the spec's field names, the filters, filing from the hotline once per
external id, the key's scope, and errors as the spec's list naming the field."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from accounts.services import api_token_issue
from service_requests.filing import request_file
from service_requests.models import Level, RequestCategory, RequestStatus, ServiceRequest
from service_requests.open311 import mapping
from testkit import ROOT, TinyCity

BASE = "/open311/v2"
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}


def _key(user: User) -> str:
    raw, _token = api_token_issue(user=user)
    return raw


def _get(path: str, key: str | None, **params: str) -> Any:
    if key is not None:
        params["api_key"] = key
    return Client().get(f"{BASE}/{path}", params, HTTP_ACCEPT_LANGUAGE="en")


def _post(key: str, lang: str = "en", **data: str) -> Any:
    return Client().post(
        f"{BASE}/requests.json", {"api_key": key, **data}, HTTP_ACCEPT_LANGUAGE=lang
    )


def test_services_lists_every_category_with_the_spec_fields(tiny_city: TinyCity) -> None:
    r = _get("services.json", _key(tiny_city.users["community_admin"]))
    assert r.status_code == 200
    services = r.json()
    assert [s["service_code"] for s in services] == list(RequestCategory.values)
    for s in services:
        assert set(s) == SERVICE_FIELDS
        assert s["metadata"] is False and s["type"] == "realtime"
        assert s["service_name"]


def test_requests_list_has_exactly_the_spec_fields(tiny_city: TinyCity) -> None:
    r = _get("requests.json", _key(tiny_city.users["community_admin"]))
    assert r.status_code == 200
    rows = r.json()
    # The community sees the samples of its two chains (inside and sibling), nobody else's.
    expected = ServiceRequest.objects.filter(community=tiny_city.inside.community)
    assert {row["service_request_id"] for row in rows} == {str(p.pk) for p in expected}
    for row in rows:
        assert set(row) == REQUEST_FIELDS
        assert row["status"] == "open"
        assert row["requested_datetime"].endswith("+08:00")
        assert row["agency_responsible"] == tiny_city.inside.community.name
        # The address is the building and room, never the resident's name or phone.
        for r_ in (*tiny_city.inside.residents, *tiny_city.sibling.residents):
            assert r_.person.name not in str(row)
            assert r_.person.phone not in str(row)


def test_filters(tiny_city: TinyCity) -> None:
    key = _key(tiny_city.users["community_admin"])
    elder = tiny_city.inside.residents[1]
    now = timezone.now()
    old = request_file(
        actor=ROOT,
        resident=elder,
        category=RequestCategory.FOOD,
        details="买菜",
        now=now - datetime.timedelta(days=120),
    )
    ServiceRequest.objects.filter(pk=old.pk).update(status=RequestStatus.CANCELLED)
    medicine = {
        str(p)
        for p in ServiceRequest.objects.filter(
            community=tiny_city.inside.community, category="medicine"
        ).values_list("pk", flat=True)
    }

    def ids(**params: str) -> set[str]:
        r = _get("requests.json", key, **params)
        assert r.status_code == 200, r.content
        return {row["service_request_id"] for row in r.json()}

    # The last 90 days by default: the old one is not listed.
    assert ids() == medicine
    assert ids(service_code="food") == set()
    assert ids(
        service_code="food", start_date=(now - datetime.timedelta(days=200)).isoformat()
    ) == {str(old.pk)}
    assert ids(status="closed", start_date="2020-01-01") == {str(old.pk)}
    assert ids(status="open") == medicine
    assert ids(end_date=(now - datetime.timedelta(days=100)).isoformat()) == {str(old.pk)}
    # service_request_id overrides the rest, and lists only what the key may see.
    other = ServiceRequest.objects.get(community=tiny_city.other_district.community)
    assert ids(service_request_id=f"{old.pk},{other.pk}", status="open") == {str(old.pk)}
    bad = _get("requests.json", key, status="pending")
    assert bad.status_code == 400
    assert "status" in bad.json()[0]["description"]
    bad = _get("requests.json", key, start_date="yesterday")
    assert bad.status_code == 400 and "start_date" in bad.json()[0]["description"]


def test_one_request(tiny_city: TinyCity) -> None:
    key = _key(tiny_city.users["community_admin"])
    mine = ServiceRequest.objects.filter(community=tiny_city.inside.community).first()
    other = ServiceRequest.objects.get(community=tiny_city.other_district.community)
    assert mine is not None
    r = _get(f"requests/{mine.pk}.json", key)
    assert r.status_code == 200
    assert [row["service_request_id"] for row in r.json()] == [str(mine.pk)]
    assert set(r.json()[0]) == REQUEST_FIELDS
    # Forbidden and missing look the same.
    forbidden = _get(f"requests/{other.pk}.json", key)
    missing = _get("requests/999999.json", key)
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert forbidden.json()[0]["code"] == 404


def test_post_files_once_per_external_id(tiny_city: TinyCity) -> None:
    key = _key(tiny_city.users["community_admin"])
    elder = tiny_city.inside.residents[1]
    before = ServiceRequest.objects.count()
    data = {
        "service_code": "urgent_trip",
        "description": "去医院透析",
        "account_id": str(elder.pk),
        "attribute[urgency]": "urgent",
        "attribute[external_id]": "12345-0001",
    }
    first = _post(key, **data)
    assert first.status_code == 200, first.content
    body = first.json()
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    assert body[0]["account_id"] is None
    again = _post(key, **data)
    assert again.json()[0]["service_request_id"] == body[0]["service_request_id"]
    assert ServiceRequest.objects.count() == before + 1
    filed = ServiceRequest.objects.get(pk=int(body[0]["service_request_id"]))
    assert filed.source == "hotline" and filed.urgency == "urgent"
    assert filed.external_id == "12345-0001" and filed.resident_id == elder.pk


def test_post_by_phone_and_bearer(tiny_city: TinyCity) -> None:
    key = _key(tiny_city.users["community_admin"])
    elder = tiny_city.inside.residents[1]
    r = Client().post(
        f"{BASE}/requests.json",
        {"service_code": "medicine", "description": "买药", "phone": elder.person.phone},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert r.status_code == 200, r.content
    filed = ServiceRequest.objects.get(pk=int(r.json()[0]["service_request_id"]))
    assert filed.resident_id == elder.pk


def test_post_json(tiny_city: TinyCity) -> None:
    key = _key(tiny_city.users["community_admin"])
    elder = tiny_city.inside.residents[0]
    r = Client().post(
        f"{BASE}/requests.json",
        {
            "api_key": key,
            "service_code": "food",
            "description": "买菜",
            "account_id": elder.pk,
            "attribute": {"external_id": "j-1"},
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert ServiceRequest.objects.filter(external_id="j-1", resident=elder).count() == 1


@pytest.mark.parametrize("field", ["account_id", "phone"])
def test_post_for_a_resident_out_of_scope_names_the_field(tiny_city: TinyCity, field: str) -> None:
    key = _key(tiny_city.users["community_admin"])
    stranger = tiny_city.other_district.residents[0]
    before = ServiceRequest.objects.count()
    value = str(stranger.pk) if field == "account_id" else stranger.person.phone
    r = _post(key, service_code="food", description="买菜", **{field: value})
    assert r.status_code == 400
    assert r.json()[0]["code"] == 400
    assert r.json()[0]["description"].startswith(f"{field}: ")
    assert ServiceRequest.objects.count() == before


def test_post_errors_name_the_field_in_the_callers_language(tiny_city: TinyCity) -> None:
    key = _key(tiny_city.users["community_admin"])
    elder = tiny_city.inside.residents[1]
    before = ServiceRequest.objects.count()
    r = _post(key, service_code="pothole", description="x", account_id=str(elder.pk))
    assert r.status_code == 400
    assert r.json()[0]["description"] == "service_code: Choose what kind of help is needed."
    zh = _post(key, "zh-hans", service_code="food", description="", account_id=str(elder.pk))
    assert zh.status_code == 400
    description = zh.json()[0]["description"]
    assert description.startswith("description: ")
    r = _post(
        key,
        service_code="food",
        description="x",
        account_id=str(elder.pk),
        **{"attribute[urgency]": "whenever"},
    )
    assert r.json()[0]["description"].startswith("attribute[urgency]: ")
    r = _post(key, service_code="food", description="x")
    assert r.json()[0]["description"].startswith("account_id: ")
    assert ServiceRequest.objects.count() == before


def test_bad_key_is_401(tiny_city: TinyCity) -> None:
    before = ServiceRequest.objects.count()
    for path in ("services.json", "requests.json"):
        r = _get(path, "ll_wrong")
        assert r.status_code == 401
        assert r.json()[0]["code"] == 401
        assert _get(path, None).status_code == 401
    elder = tiny_city.inside.residents[1]
    r = _post("ll_wrong", service_code="food", description="买菜", account_id=str(elder.pk))
    assert r.status_code == 401
    assert ServiceRequest.objects.count() == before


def test_session_reads_but_does_not_post(tiny_city: TinyCity) -> None:
    c = Client()
    c.force_login(tiny_city.users["community_admin"])
    assert c.get(f"{BASE}/requests.json").status_code == 200
    elder = tiny_city.inside.residents[1]
    r = c.post(
        f"{BASE}/requests.json",
        {"service_code": "food", "description": "买菜", "account_id": str(elder.pk)},
    )
    assert r.status_code == 401


@pytest.mark.parametrize("role", ["resident", "unit_admin"])
def test_resident_and_unit_keys_see_nothing_of_others(tiny_city: TinyCity, role: str) -> None:
    key = _key(tiny_city.users[role])
    rows = _get("requests.json", key).json()
    own = {
        str(p)
        for p in ServiceRequest.objects.filter(household=tiny_city.inside.household).values_list(
            "pk", flat=True
        )
    }
    assert {row["service_request_id"] for row in rows} <= own
    if role == "unit_admin":
        assert rows == []
    sibling = ServiceRequest.objects.get(household=tiny_city.sibling.household)
    assert _get(f"requests/{sibling.pk}.json", key).status_code == 404
    before = ServiceRequest.objects.count()
    stranger = tiny_city.sibling.residents[0]
    r = _post(key, service_code="food", description="买菜", account_id=str(stranger.pk))
    assert r.status_code == 400 and r.json()[0]["description"].startswith("account_id: ")
    assert ServiceRequest.objects.count() == before


def test_status_mapping(tiny_city: TinyCity) -> None:
    assert {s: mapping.open311_status(s) for s in RequestStatus.values} == {
        "new": "open",
        "accepted": "open",
        "dispatched": "open",
        "done": "open",
        "closed": "closed",
        "cancelled": "closed",
    }
    request = ServiceRequest.objects.filter(community=tiny_city.inside.community).first()
    assert request is not None
    request.status = RequestStatus.DISPATCHED
    request.level = Level.STREET
    with translation.override("en"):
        assert mapping.status_notes(request) == "Help on the way · Escalated to the street"
        request.status, request.level = RequestStatus.CLOSED, Level.COMMUNITY
        request.confirmed = False
        assert mapping.status_notes(request) == "Closed · closed without confirmation"
        request.confirmed = True
        assert mapping.status_notes(request) == "Closed"
    ServiceRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.DISPATCHED, level=Level.STREET
    )
    row = _get(f"requests/{request.pk}.json", _key(tiny_city.users["street_admin"])).json()[0]
    assert row["status"] == "open"
    assert row["agency_responsible"] == tiny_city.inside.street.name


def test_an_external_id_of_another_client_is_not_a_replay(tiny_city: TinyCity) -> None:
    # Another client (here the system) filed for a resident of another district with this id.
    theirs = request_file(
        actor=ROOT,
        resident=tiny_city.other_district.residents[0],
        category="food",
        details="买菜",
        hotline=True,
        external_id="same-1",
    )
    before = ServiceRequest.objects.count()
    r = _post(
        _key(tiny_city.users["community_admin"]),
        service_code="food",
        description="买菜",
        account_id=str(tiny_city.inside.residents[0].pk),
        **{"attribute[external_id]": "same-1"},
    )
    assert r.status_code == 400
    assert r.json()[0]["description"].startswith("attribute[external_id]: ")
    assert f'"{theirs.pk}"' not in r.content.decode()
    assert ServiceRequest.objects.count() == before
