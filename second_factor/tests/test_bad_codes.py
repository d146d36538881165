"""Bad second-factor input: a replayed app code, five wrong codes (locked like wrong passwords),
a recovery code used twice (issue 18, bad input)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from accounts import services as account_services
from core.models import AuditEvent
from second_factor.tests.helpers import (
    PRODUCTION_ROLES,
    a_minute_later,
    app_code,
    enrolled,
    password_login,
)
from testkit import TinyCity
from testkit.city import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_roles")]


@pytest.fixture
def _roles():  # type: ignore[no-untyped-def]
    with override_settings(SECOND_FACTOR_ROLES=PRODUCTION_ROLES):
        yield


def _errors(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_an_app_code_used_once_is_refused_the_second_time(tiny_city: TinyCity) -> None:
    device, _codes = enrolled(tiny_city.users["street_admin"])
    with a_minute_later():
        code = app_code(device)
        first, second = Client(), Client()
        password_login(first, "street_admin")
        password_login(second, "street_admin")
        assert first.post("/security/verify/", {"code": code}).status_code == 302
        replay = second.post("/security/verify/", {"code": code})
        assert replay.status_code == 200
        assert 'data-testid="code-error"' in _errors(replay)
        assert second.get("/").status_code == 302  # still not through
        failed = AuditEvent.objects.filter(action="second_factor_failed").latest("pk")
        assert failed.detail["method"] == "app"
        assert code not in str(failed.detail)


def test_five_wrong_codes_lock_the_account_like_wrong_passwords(tiny_city: TinyCity) -> None:
    device, _codes = enrolled(tiny_city.users["street_admin"])
    with a_minute_later():
        client = Client()
        password_login(client, "street_admin")
        wrong = "000000" if app_code(device) != "000000" else "111111"
        for _ in range(4):
            assert client.post("/security/verify/", {"code": wrong}).status_code == 200
        fifth = client.post("/security/verify/", {"code": wrong})
        assert fifth["Location"] == "/accounts/login/"  # logged out
        assert account_services.login_locked(username="street_admin", ip="127.0.0.1")
        # The right password is refused now, as after too many wrong passwords.
        again = client.post("/accounts/login/", {"username": "street_admin", "password": PASSWORD})
        assert again.status_code == 200
        assert AuditEvent.objects.filter(
            action="second_factor_failed", detail__locked=True
        ).exists()


def test_wrong_codes_in_a_row_are_counted_across_sessions(tiny_city: TinyCity) -> None:
    device, _codes = enrolled(tiny_city.users["street_admin"])
    with a_minute_later():
        wrong = "000000" if app_code(device) != "000000" else "111111"
        for _ in range(2):
            client = Client()
            password_login(client, "street_admin")
            for _ in range(2):
                client.post("/security/verify/", {"code": wrong})
        client = Client()
        password_login(client, "street_admin")
        assert client.post("/security/verify/", {"code": wrong})["Location"] == "/accounts/login/"


def test_a_recovery_code_works_once(tiny_city: TinyCity) -> None:
    user = tiny_city.users["district_admin"]
    _device, codes = enrolled(user)
    first, second = Client(), Client()
    password_login(first, "district_admin")
    password_login(second, "district_admin")
    typed = codes[0].upper().replace("-", " ")  # as someone copies it from paper
    assert first.post("/security/verify/", {"code": typed})["Location"] == "/"
    assert first.get("/").status_code == 200
    used = second.post("/security/verify/", {"code": codes[0]})
    assert used.status_code == 200
    assert 'data-testid="code-error"' in _errors(used)
    assert (
        AuditEvent.objects.filter(
            action="recovery_code_used", target_type="user", target_id=str(user.pk)
        ).count()
        == 1
    )
    assert second.post("/security/verify/", {"code": codes[1]})["Location"] == "/"


def test_new_recovery_codes_end_the_old_ones(tiny_city: TinyCity) -> None:
    _device, codes = enrolled(tiny_city.users["city_admin"])
    client = Client()
    password_login(client, "city_admin")
    # Not verified yet: no new codes.
    assert client.post("/security/recovery-codes/")["Location"].startswith("/security/verify/")
    client.post("/security/verify/", {"code": codes[0]})
    shown = client.get(client.post("/security/recovery-codes/")["Location"]).content.decode()
    assert 'data-testid="recovery-codes"' in shown
    later = Client()
    password_login(later, "city_admin")
    refused = later.post("/security/verify/", {"code": codes[1]})
    assert 'data-testid="code-error"' in _errors(refused)


def test_an_empty_or_silly_code_is_named(tiny_city: TinyCity) -> None:
    enrolled(tiny_city.users["city_admin"])
    client = Client()
    password_login(client, "city_admin")
    for typed in ("", "   ", "１２３", "x" * 20):
        response = client.post("/security/verify/", {"code": typed})
        assert response.status_code == 200
        assert 'data-testid="code-error"' in _errors(response)
