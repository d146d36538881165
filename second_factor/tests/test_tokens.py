"""API tokens of accounts that use a second factor need its code (issue 18, item 1)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from second_factor.tests.helpers import PRODUCTION_ROLES, a_minute_later, app_code, enrolled
from testkit import TinyCity
from testkit.city import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_roles")]


@pytest.fixture
def _roles():  # type: ignore[no-untyped-def]
    with override_settings(SECOND_FACTOR_ROLES=PRODUCTION_ROLES):
        yield


def _token(username: str, code: str | None = None) -> Any:
    body = {"username": username, "password": PASSWORD}
    if code is not None:
        body["code"] = code
    return Client().post("/api/auth/token", json.dumps(body), content_type="application/json")


def test_a_street_admin_needs_the_code_for_a_token(tiny_city: TinyCity) -> None:
    device, codes = enrolled(tiny_city.users["street_admin"])
    with a_minute_later():
        missing = _token("street_admin")
        assert missing.status_code == 401
        assert missing.json()["errors"][0] == {
            "field": "code",
            "message": missing.json()["errors"][0]["message"],
            "code": "second_factor_required",
        }
        wrong = _token("street_admin", "000000" if app_code(device) != "000000" else "111111")
        assert wrong.status_code == 401
        assert wrong.json()["errors"][0]["code"] == "second_factor_wrong"
        code = app_code(device)
        issued = _token("street_admin", code)
        assert issued.status_code == 200
        raw = issued.json()["token"]
        me = Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"})
        assert me.status_code == 200
        assert _token("street_admin", code).json()["errors"][0]["code"] == "second_factor_replayed"
    assert _token("street_admin", codes[0]).status_code == 200  # a recovery code, once


def test_an_admin_not_yet_enrolled_gets_no_token(tiny_city: TinyCity) -> None:
    response = _token("city_admin", "123456")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "second_factor_not_enrolled"


def test_five_wrong_codes_for_a_token_lock_the_username(tiny_city: TinyCity) -> None:
    device, _codes = enrolled(tiny_city.users["unit_admin"])
    with a_minute_later():
        wrong = "000000" if app_code(device) != "000000" else "111111"
        statuses = [_token("unit_admin", wrong).status_code for _ in range(5)]
        assert statuses == [401, 401, 401, 401, 429]
        locked = _token("unit_admin", app_code(device))
        assert locked.status_code == 429  # the password itself is refused now


def test_a_role_without_the_requirement_gets_its_token_with_the_password(
    tiny_city: TinyCity,
) -> None:
    assert _token("grid_worker").status_code == 200
