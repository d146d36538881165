"""Staff whose role needs a second factor enrol at their first login and verify at each later
one; until then only enrolment, verification and logout are reachable (issue 18, item 1)."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from second_factor.tests.helpers import (
    PRODUCTION_ROLES,
    a_minute_later,
    app_code,
    enrolled,
    enrolment_device,
    password_login,
)
from testkit import TinyCity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_roles")]


@pytest.fixture
def _roles():  # type: ignore[no-untyped-def]
    with override_settings(SECOND_FACTOR_ROLES=PRODUCTION_ROLES):
        yield


def test_a_street_admin_without_a_factor_is_sent_to_enrolment_and_reaches_nothing_else(
    tiny_city: TinyCity,
) -> None:
    client = Client()
    assert password_login(client, "street_admin") == "/"
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"] == "/security/enrol/?next=%2F"
    assert client.get("/registry/")["Location"].startswith("/security/enrol/")
    assert client.get("/admin/").status_code == 302
    api = client.get("/api/me")
    assert api.status_code == 403
    assert api.json()["errors"][0]["code"] == "second_factor_required"
    page = client.get("/security/enrol/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="enrol-secret"' in html
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_enrolment_with_the_app_shows_ten_codes_once_and_opens_the_app(
    tiny_city: TinyCity,
) -> None:
    user = tiny_city.users["street_admin"]
    client = Client()
    password_login(client, "street_admin")
    client.get("/security/enrol/")
    device = enrolment_device(client, user)
    assert not TOTPDevice.objects.filter(user=user).exists()  # nothing stored before the code
    secret = client.get("/security/enrol/").content.decode()
    assert device.config_url.split("secret=")[1].split("&")[0][:4] in secret  # the same secret
    other = "000000" if app_code(device) != "000000" else "111111"
    wrong = client.post("/security/enrol/", {"code": other})
    assert wrong.status_code == 200
    assert 'data-testid="code-error"' in wrong.content.decode()
    done = client.post("/security/enrol/", {"code": app_code(device), "next": "/registry/"})
    assert done["Location"].startswith("/security/recovery-codes/")
    shown = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", shown)
    assert len(codes) == 10
    assert 'data-testid="recovery-codes"' not in client.get(done["Location"]).content.decode()
    assert client.get("/").status_code == 200
    assert client.get("/api/me").status_code == 200
    assert StaticDevice.objects.get(user=user).token_set.count() == 10
    assert not any(c.replace("-", "") in t for t in _stored(user) for c in codes)
    actions = set(
        AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)
    )
    assert {"second_factor_enrolled", "second_factor_failed"} <= actions


def _stored(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True))


def test_an_enrolled_admin_verifies_at_each_login(tiny_city: TinyCity) -> None:
    user = tiny_city.users["district_admin"]
    device, _codes = enrolled(user)
    with a_minute_later():  # the next code, not the one used to enrol
        client = Client()
        password_login(client, "district_admin")
        assert client.get("/daily/")["Location"] == "/security/verify/?next=%2Fdaily%2F"
        # Enrolling again is not a way round it: a password alone never swaps the factor.
        assert client.get("/security/enrol/")["Location"].startswith("/security/verify/")
        wrong = client.post("/security/verify/", {"code": "12345", "next": "/daily/"})
        assert wrong.status_code == 200
        assert 'data-testid="code-error"' in wrong.content.decode()
        right = client.post("/security/verify/", {"code": app_code(device), "next": "/daily/"})
        assert right["Location"] == "/daily/"
        assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        action="second_factor_verified", target_type="user", target_id=str(user.pk)
    ).exists()


def test_one_session_verified_leaves_another_session_of_the_same_user_unverified(
    tiny_city: TinyCity,
) -> None:
    """The user object comes from the shared cache (accounts.backends); verification is the
    session's."""
    device, _codes = enrolled(tiny_city.users["city_admin"])
    with a_minute_later():
        first, second = Client(), Client()
        password_login(first, "city_admin")
        password_login(second, "city_admin")
        first.post("/security/verify/", {"code": app_code(device)})
        assert first.get("/").status_code == 200
        assert second.get("/").status_code == 302
        assert second.get("/api/me").status_code == 403


def test_a_role_without_the_requirement_is_not_asked(tiny_city: TinyCity) -> None:
    client = Client()
    password_login(client, "grid_worker")
    assert client.get("/").status_code == 200
    assert client.get("/api/me").status_code == 200
    assert client.get("/security/").status_code == 200


def test_optional_enrolment_binds_the_user_at_the_next_login(tiny_city: TinyCity) -> None:
    client = Client()
    password_login(client, "grid_worker")
    client.get("/security/enrol/")
    device = enrolment_device(client, tiny_city.users["grid_worker"])
    client.post("/security/enrol/", {"code": app_code(device)})
    with a_minute_later():
        later = Client()
        password_login(later, "grid_worker")
        assert later.get("/")["Location"].startswith("/security/verify/")
        later.post("/security/verify/", {"code": app_code(device)})
        assert later.get("/").status_code == 200
