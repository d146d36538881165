"""Setup resets a lost second factor: city and district admins, over the accounts they manage;
audited; the account enrols again; nothing else of it ends (issue 18, item 1)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from second_factor.tests.helpers import PRODUCTION_ROLES, enrolled, password_login
from testkit import TinyCity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_roles")]
LIST = "/admin/second_factor/account/"


@pytest.fixture
def _roles():  # type: ignore[no-untyped-def]
    with override_settings(SECOND_FACTOR_ROLES=PRODUCTION_ROLES):
        yield


def _verified(client: Client, username: str, code: str) -> Client:
    password_login(client, username)
    assert client.post("/security/verify/", {"code": code})["Location"] == "/"
    return client


def _reset(client: Client, user_pk: int):  # type: ignore[no-untyped-def]
    return client.post(
        LIST, {"action": "reset_second_factor", "_selected_action": [str(user_pk)], "index": "0"}
    )


def test_a_district_admin_resets_a_street_admins_lost_phone(tiny_city: TinyCity) -> None:
    street = tiny_city.users["street_admin"]
    _device, street_codes = enrolled(street)
    _d, district_codes = enrolled(tiny_city.users["district_admin"])
    street_session = _verified(Client(), "street_admin", street_codes[0])
    district = _verified(Client(), "district_admin", district_codes[0])
    listing = district.get(LIST)
    assert listing.status_code == 200 and "street_admin" in listing.content.decode()
    assert _reset(district, street.pk).status_code == 302
    assert not TOTPDevice.objects.filter(user=street).exists()
    assert not StaticDevice.objects.filter(user=street).exists()
    event = AuditEvent.objects.get(action="second_factor_reset")
    assert (event.target_type, event.target_id) == ("user", str(street.pk))
    assert event.user_id == tiny_city.users["district_admin"].pk
    # Still logged in (nothing else ends), but asked to enrol again before anything else.
    assert street_session.get("/")["Location"].startswith("/security/enrol/")
    fresh = Client()
    password_login(fresh, "street_admin")
    assert fresh.get("/")["Location"].startswith("/security/enrol/")


def test_no_reset_outside_ones_scope_or_below_setup(tiny_city: TinyCity) -> None:
    _d, codes = enrolled(tiny_city.users["district_admin"])
    outsider = tiny_city.users["【ODI】_admin"]  # an admin of the other district
    enrolled(outsider)
    district = _verified(Client(), "district_admin", codes[0])
    assert "【ODI】" not in district.get(LIST).content.decode()
    _reset(district, outsider.pk)
    assert TOTPDevice.objects.filter(user=outsider).exists()
    street = Client()
    street.force_login(tiny_city.users["grid_worker"])
    assert street.get(LIST).status_code in (302, 403, 404)
    assert not AuditEvent.objects.filter(action="second_factor_reset").exists()
