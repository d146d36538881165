from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import LOGIN_FAILURE_LIMIT, api_token_issue
from accounts.tasks import purge_expired_api_tokens
from core.testing import PASSWORD, TinyCity

pytestmark = pytest.mark.django_db


def test_repeated_wrong_passwords_lock_the_login_even_for_the_right_one(
    tiny_city: TinyCity,
) -> None:
    client = Client()
    for _ in range(LOGIN_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "grid_worker", "password": "guess"})
    response = client.post("/accounts/login/", {"username": "grid_worker", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not affected.
    response = client.post("/accounts/login/", {"username": "street_admin", "password": PASSWORD})
    assert response.status_code == 302


def test_api_token_endpoint_is_throttled_too(tiny_city: TinyCity) -> None:
    client = Client()
    body = {"username": "grid_worker", "password": "guess"}
    for _ in range(LOGIN_FAILURE_LIMIT):
        client.post("/api/auth/token", json.dumps(body), content_type="application/json")
    body["password"] = PASSWORD
    response = client.post("/api/auth/token", json.dumps(body), content_type="application/json")
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "locked"


def test_expired_tokens_stop_working_and_are_purged(tiny_city: TinyCity) -> None:
    raw, token = api_token_issue(user=tiny_city.users["grid_worker"])
    client = Client()
    assert client.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert client.get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
        assert purge_expired_api_tokens.call_local() == 1
        assert purge_expired_api_tokens.call_local() == 0  # idempotent
    assert not ApiToken.objects.filter(pk=token.pk).exists()
