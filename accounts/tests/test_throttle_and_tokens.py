from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_issue
from accounts.tasks import purge_expired_api_tokens
from testkit import PASSWORD, TinyCity

pytestmark = pytest.mark.django_db


def test_repeated_wrong_passwords_lock_the_login_even_for_the_right_one(
    tiny_city: TinyCity,
) -> None:
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
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
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
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


def _admin_login(client: Client, username: str, password: str) -> Any:
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_one_lockout_for_every_way_in(tiny_city: TinyCity) -> None:
    """Issue 15 item 20: 30 wrong passwords on /admin/login/ locked nothing, and the right one
    logged in there while the same account was locked on /accounts/login/."""
    client = Client()
    for _ in range(30):
        _admin_login(client, "district_admin", "guess")
    r = _admin_login(client, "district_admin", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert (
        "Too many wrong passwords" in r.content.decode() or "密码错误次数过多" in r.content.decode()
    )
    # Locked everywhere else too: the login page and the API token.
    client.post("/accounts/login/", {"username": "district_admin", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    body = {"username": "district_admin", "password": PASSWORD}
    r = client.post("/api/auth/token", json.dumps(body), content_type="application/json")
    assert r.status_code == 429 and r.json()["errors"][0]["code"] == "locked"


def test_a_lock_from_the_login_page_holds_on_the_admin(tiny_city: TinyCity) -> None:
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "district_admin", "password": "guess"})
    r = _admin_login(client, "district_admin", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "密码错误次数过多" in r.content.decode() or "Too many wrong" in r.content.decode()
