"""Text-message codes as the second factor, where the city allows them: sent through the
notification layer (the stand-in gateway here) with its limits (issue 18, item 1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from accounts.models import User
from notifications.delivery import delivery_attempt
from notifications.gateways import stand_in
from notifications.models import Delivery
from second_factor.models import TextDevice
from second_factor.tests.helpers import PRODUCTION_ROLES, a_minute_later, password_login
from testkit import TinyCity

pytestmark = pytest.mark.django_db
PHONE = "13900000077"


@pytest.fixture
def admin(tiny_city: TinyCity, settings: Any) -> User:
    settings.TEXT_GATEWAY = "stand_in"
    stand_in.reset()
    user = tiny_city.users["street_admin"]
    User.objects.filter(pk=user.pk).update(phone=PHONE)
    return user


def _texted_code() -> str:
    """Send the newest queued text through the stand-in gateway; the code it carried."""
    delivery_attempt(Delivery.objects.latest("pk").pk)
    phone, _template, params = stand_in.SENT[-1]
    assert phone == PHONE
    return params["code"]


@override_settings(SECOND_FACTOR_ROLES=PRODUCTION_ROLES, SECOND_FACTOR_TEXT_ALLOWED=True)
def test_enrolment_and_login_with_text_codes(admin: User) -> None:
    client = Client()
    password_login(client, "street_admin")
    assert 'data-testid="enrol-text-link"' in client.get("/security/enrol/").content.decode()
    sent = client.post("/security/enrol/text/", {"send": "1"})
    assert 'data-testid="enrol-text-form"' in sent.content.decode()
    code = _texted_code()
    done = client.post("/security/enrol/text/", {"code": code})
    assert done["Location"].startswith("/security/recovery-codes/")
    assert TextDevice.objects.filter(user=admin, confirmed=True).exists()
    assert client.get("/").status_code == 200

    with a_minute_later():  # the codes' own limit: one text a minute to a number
        _login_with_a_text(admin)


def _login_with_a_text(admin: User) -> None:
    later = Client()
    password_login(later, "street_admin")
    assert later.get("/")["Location"].startswith("/security/verify/")
    page = later.get("/security/verify/").content.decode()
    assert 'data-testid="text-send"' in page
    later.post("/security/verify/", {"send": "1"})
    too_soon = later.post("/security/verify/", {"send": "1"})  # within the minute: named
    assert 'data-testid="code-error"' in too_soon.content.decode()
    code = _texted_code()
    wrong = "000000" if code != "000000" else "111111"
    refused = later.post("/security/verify/", {"code": wrong})
    assert 'data-testid="code-error"' in refused.content.decode()
    assert later.post("/security/verify/", {"code": code})["Location"] == "/"
    # One use: the same code again is refused.
    third = Client()
    password_login(third, "street_admin")
    again = third.post("/security/verify/", {"code": code})
    assert 'data-testid="code-error"' in again.content.decode()


@override_settings(SECOND_FACTOR_ROLES=PRODUCTION_ROLES, SECOND_FACTOR_TEXT_ALLOWED=False)
def test_where_the_city_does_not_allow_text_codes_only_the_app_is_offered(admin: User) -> None:
    texts = Delivery.objects.count()
    client = Client()
    password_login(client, "street_admin")
    assert 'data-testid="enrol-text-link"' not in client.get("/security/enrol/").content.decode()
    assert client.post("/security/enrol/text/", {"send": "1"})["Location"].startswith(
        "/security/enrol/"
    )
    assert Delivery.objects.count() == texts


@override_settings(SECOND_FACTOR_ROLES=PRODUCTION_ROLES)
def test_phone_login_refuses_a_role_that_needs_the_second_factor(admin: User) -> None:
    client = Client()
    client.post("/login/phone/", {"phone": PHONE})
    code = _texted_code()
    response = client.post("/login/phone/code/", {"code": code})
    assert response.status_code == 200
    assert "second factor" in response.content.decode() or "第二" in response.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/login/")
