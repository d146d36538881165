"""Open311 takes its key in the `X-API-Key` header as well as the spec's `api_key` parameter
(issue 18 item 9): a header stays out of access logs."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import api_token_issue
from service_requests.models import ServiceRequest
from testkit import TinyCity

BASE = "/open311/v2"


@pytest.mark.django_db
def test_reads_with_the_key_in_a_header(tiny_city: TinyCity) -> None:
    key, _t = api_token_issue(user=tiny_city.users["grid_worker"])
    client = Client()
    for path in ("services.json", "requests.json"):
        assert client.get(f"{BASE}/{path}", headers={"X-API-Key": key}).status_code == 200
        wrong = client.get(f"{BASE}/{path}", headers={"X-API-Key": "ll_wrong"})
        assert wrong.status_code == 401
        assert wrong.json()[0]["code"] == 401


@pytest.mark.django_db
def test_files_with_the_key_in_a_header(tiny_city: TinyCity) -> None:
    key, _t = api_token_issue(user=tiny_city.users["grid_worker"])
    elder = tiny_city.inside.residents[1]
    r = Client().post(
        f"{BASE}/requests.json",
        {"service_code": "food", "description": "买菜", "account_id": str(elder.pk)},
        headers={"X-API-Key": key},
    )
    assert r.status_code == 200, r.content
    filed = ServiceRequest.objects.get(pk=int(r.json()[0]["service_request_id"]))
    assert filed.resident_id == elder.pk


@pytest.mark.django_db
def test_a_wrong_header_key_is_not_rescued_by_the_query_string(tiny_city: TinyCity) -> None:
    """One key per request: the header, when sent, is the one that counts."""
    key, _t = api_token_issue(user=tiny_city.users["grid_worker"])
    r = Client().get(f"{BASE}/services.json", {"api_key": key}, headers={"X-API-Key": "ll_wrong"})
    assert r.status_code == 401
