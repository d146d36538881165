"""Password rules (issue 18 item 9) and the periodic change, off unless a setting turns it on."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import User
from testkit import PASSWORD, TinyCity

pytestmark = pytest.mark.django_db


def _refused(password: str, user: User) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as e:
        return [str(c) for c in (err.code for err in e.error_list)]
    return []


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("grid_worker-2024", "password_has_name"),
        ("my13812345678pw", "password_has_name"),
        ("born19900101!", "password_has_date"),
        ("since-2020-01-01", "password_has_date"),
        ("pass010190word", "password_has_date"),
        ("qwerty-river-x", "password_keyboard_run"),
        ("asdfgh-stone-x", "password_keyboard_run"),
        ("xx-123456-stone", "password_keyboard_run"),
        ("1qaz2wsx-stone", "password_keyboard_run"),
        ("short-1", "password_too_short"),
    ],
)
def test_guessable_passwords_are_refused(tiny_city: TinyCity, password: str, code: str) -> None:
    user = tiny_city.users["grid_worker"]
    user.phone = "13812345678"
    assert code in _refused(password, user)


def test_a_good_password_and_the_demo_password_pass(tiny_city: TinyCity) -> None:
    user = tiny_city.users["grid_worker"]
    assert _refused("river-stone-lantern", user) == []
    assert settings.PASSWORD_MIN_LENGTH == 10
    # The demo city's password is not weakened by the rules: it is never set through a form,
    # and it still passes them.
    assert _refused(settings.LINLI_DEMO_PASSWORD, user) == []


def test_changing_the_password_keeps_this_device_and_logs_out_the_others(
    tiny_city: TinyCity,
) -> None:
    phone, desk = Client(), Client()
    for c in (phone, desk):
        c.post("/accounts/login/", {"username": "grid_worker", "password": PASSWORD})
    form = {
        "old_password": PASSWORD,
        "new_password1": "qwerty12345",
        "new_password2": "qwerty12345",
    }
    r = phone.post("/accounts/password/", form)
    assert r.status_code == 200 and "password_keyboard_run" not in r.content.decode()
    assert "keyboard run" in r.content.decode() or "键盘" in r.content.decode()
    new = "river-stone-lantern"
    form |= {"new_password1": new, "new_password2": new}
    r = phone.post("/accounts/password/", form)
    assert r.status_code == 302
    assert phone.get("/health/").status_code == 200
    r = desk.get("/health/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert User.objects.get(username="grid_worker").password_changed_at is not None


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_an_old_password_must_be_changed_when_the_setting_is_on(tiny_city: TinyCity) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "grid_worker", "password": PASSWORD})
    assert client.get("/health/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
        client.post("/accounts/login/", {"username": "grid_worker", "password": PASSWORD})
        r = client.get("/health/")
        assert r.status_code == 302 and r["Location"] == "/accounts/password/"
        assert client.get("/accounts/password/").status_code == 200
        new = "river-stone-lantern"
        form = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        assert client.post("/accounts/password/", form).status_code == 302
        assert client.get("/health/").status_code == 200


def test_no_periodic_change_by_default(tiny_city: TinyCity) -> None:
    assert settings.PASSWORD_MAX_AGE_DAYS == 0
    client = Client()
    with time_machine.travel(timezone.now() + timedelta(days=3650), tick=False):
        client.post("/accounts/login/", {"username": "grid_worker", "password": PASSWORD})
        assert client.get("/health/").status_code == 200
