"""Logging in with a mobile number and a text code (issue 17, item 3 and its bad input)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Grant, User
from core.fields import index_of
from front_door.error_codes import FrontDoorError
from notifications.models import Delivery, PhoneCode
from notifications.texts import TextTemplate
from testkit import TinyCity

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
KNOWN = "13900000001"
UNKNOWN = "13911110001"  # masked the same as KNOWN: 139****0001
START = "/login/phone/"
CODE = "/login/phone/code/"


@pytest.fixture
def resident(tiny_city: TinyCity) -> User:
    user = tiny_city.users["resident"]
    User.objects.filter(pk=user.pk).update(phone=KNOWN)
    user.refresh_from_db()
    return user


@pytest.fixture(autouse=True)
def _at_now():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def last_code(phone: str) -> str:
    d = Delivery.objects.filter(phone=phone, template=TextTemplate.CODE).order_by("-pk").first()
    assert d is not None, "no code was sent"
    return str(d.params["code"])


def start(client: Client, phone: str, ip: str = "10.0.0.1", **extra: str):  # type: ignore[no-untyped-def]
    return client.post(START, {"phone": phone, **extra}, REMOTE_ADDR=ip)


def send_code(client: Client, code: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(CODE, {"code": code}, REMOTE_ADDR=ip)


def logged_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def error_codes(response) -> set[str]:  # type: ignore[no-untyped-def]
    form = response.context["form"]
    return {e.code for errors in form.errors.as_data().values() for e in errors}


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_resident_logs_in_with_a_text_code_and_no_password(resident: User) -> None:
    User.objects.filter(pk=resident.pk).update(language="en", password="!")
    client = Client()
    r = client.get(START)
    assert r.status_code == 200 and 'name="phone"' in r.content.decode()
    r = start(client, "139 0000 0001")
    assert r.status_code == 302 and r["Location"] == CODE
    page = client.get(CODE).content.decode()
    assert "139****0001" in page and KNOWN not in page
    anonymous_session = client.session.session_key
    r = send_code(client, last_code(KNOWN))
    assert r.status_code == 302 and r["Location"] == "/"
    assert logged_in_as(client) == resident.pk
    assert client.session.session_key != anonymous_session  # a new session on login
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/", follow=True).status_code == 200
    assert "front_door_phone_login" not in client.session


def test_a_staff_member_may_log_in_with_a_code_instead_of_the_password(
    tiny_city: TinyCity,
) -> None:
    worker = tiny_city.users["grid_worker"]
    User.objects.filter(pk=worker.pk).update(phone="13900000002")
    client = Client()
    start(client, "13900000002")
    send_code(client, last_code("13900000002"))
    assert logged_in_as(client) == worker.pk


def test_a_safe_next_is_honoured_and_an_outside_one_is_not(resident: User) -> None:
    client = Client()
    start(client, KNOWN, next="/notifications/")
    r = send_code(client, last_code(KNOWN))
    assert r["Location"] == "/notifications/"
    other = Client()
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        start(other, KNOWN, next="https://evil.example/")
        r = send_code(other, last_code(KNOWN))
    assert r["Location"] == "/"


def test_the_first_answer_is_the_same_with_or_without_an_account(resident: User) -> None:
    """Step one says nothing about accounts: same redirect, same code page, a code to both."""
    answers = []
    for phone in (KNOWN, UNKNOWN):
        client = Client()
        r = start(client, phone)
        page = client.get(CODE)
        body = re.sub(r'value="[^"]*"', 'value=""', page.content.decode())
        answers.append((r.status_code, r["Location"], page.status_code, body))
    assert answers[0] == answers[1]
    hashes = [index_of("phone", KNOWN), index_of("phone", UNKNOWN)]
    assert PhoneCode.objects.filter(phone_hash__in=hashes).count() == 2
    assert Delivery.objects.filter(phone__in=[KNOWN, UNKNOWN]).count() == 2


def test_a_number_without_an_account_learns_it_only_after_the_code(resident: User) -> None:
    client = Client()
    start(client, UNKNOWN)
    r = send_code(client, last_code(UNKNOWN))
    assert r.status_code == 200 and logged_in_as(client) is None
    assert error_codes(r) == {FrontDoorError.NO_ACCOUNT}
    assert "No account uses this number" in r.content.decode()


def test_a_wrong_code_logs_nobody_in(resident: User) -> None:
    client = Client()
    start(client, KNOWN)
    r = send_code(client, wrong(last_code(KNOWN)))
    assert r.status_code == 200 and logged_in_as(client) is None
    assert error_codes(r) == {"code_wrong"}
    assert PhoneCode.objects.get(phone_hash=index_of("phone", KNOWN)).tries == 1


def test_an_expired_code_logs_nobody_in(resident: User, _at_now) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    start(client, KNOWN)
    code = last_code(KNOWN)
    _at_now.move_to(NOW + timedelta(minutes=6))
    r = send_code(client, code)
    assert logged_in_as(client) is None and error_codes(r) == {"code_expired"}


def test_a_used_code_does_not_log_in_again(resident: User) -> None:
    client = Client()
    start(client, KNOWN)
    code = last_code(KNOWN)
    send_code(client, code)
    assert logged_in_as(client) == resident.pk
    # Someone who saw the code later, in a session of their own that asked for the number.
    other = Client()
    other.post(START, {"phone": KNOWN}, REMOTE_ADDR="10.0.0.2")  # too soon: no new code
    session = other.session
    session["front_door_phone_login"] = {"phone": KNOWN, "next": ""}
    session.save()
    r = send_code(other, code, ip="10.0.0.2")
    assert logged_in_as(other) is None and error_codes(r) == {"code_expired"}


def test_another_numbers_code_does_not_log_in(
    resident: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Distinct codes, so that "another number's code" cannot be right by one chance in a million.
    drawn = iter([123456, 654321])
    monkeypatch.setattr("notifications.codes.secrets.randbelow", lambda _n: next(drawn))
    client = Client()
    start(client, KNOWN)
    mine = last_code(KNOWN)
    intruder = Client()
    start(intruder, UNKNOWN, ip="10.0.0.2")
    theirs = last_code(UNKNOWN)
    assert theirs != mine
    # The intruder asked for a code to their own number; the resident's code does not fit it,
    # and their own code does not fit the resident's number.
    r = send_code(client, theirs)
    assert logged_in_as(client) is None and error_codes(r) == {"code_wrong"}


def test_one_number_asking_in_a_loop_is_stopped_and_nothing_more_is_sent(
    resident: User,
) -> None:
    client = Client()
    assert start(client, KNOWN).status_code == 302
    for _ in range(5):
        r = start(client, KNOWN)
        assert r.status_code == 200
        assert error_codes(r) == {"code_too_soon"}
        assert "A code was just sent to this number" in r.content.decode()
    assert PhoneCode.objects.filter(phone_hash=index_of("phone", KNOWN)).count() == 1
    assert Delivery.objects.filter(phone=KNOWN).count() == 1
    # The code page's "send a new code" is held to the same limit.
    r = client.post(CODE, {"resend": "1"}, REMOTE_ADDR="10.0.0.1", follow=True)
    assert "A code was just sent to this number" in r.content.decode()
    assert PhoneCode.objects.filter(phone_hash=index_of("phone", KNOWN)).count() == 1


def test_many_wrong_codes_lock_the_number_out(resident: User) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        account_services.login_failed(username=KNOWN, ip="10.0.0.1")
    client = Client()
    r = start(client, KNOWN)
    assert r.status_code == 200 and error_codes(r) == {FrontDoorError.LOGIN_LOCKED}
    assert not PhoneCode.objects.filter(phone_hash=index_of("phone", KNOWN)).exists()
    # The number is locked from every address (issue 18: by account, not by pair)…
    other = Client()
    r = start(other, KNOWN, ip="10.0.0.2")
    assert error_codes(r) == {FrontDoorError.LOGIN_LOCKED}
    # …until the lock ends.
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.LOGIN_LOCK_SECONDS + 1)):
        start(other, KNOWN, ip="10.0.0.2")
        send_code(other, last_code(KNOWN), ip="10.0.0.2")
        assert logged_in_as(other) == resident.pk


def test_a_switched_off_account_cannot_log_in(resident: User) -> None:
    User.objects.filter(pk=resident.pk).update(is_active=False)
    client = Client()
    r = start(client, KNOWN)
    assert r.status_code == 302  # the same first answer as for any number
    r = send_code(client, last_code(KNOWN))
    assert logged_in_as(client) is None
    assert error_codes(r) == {FrontDoorError.ACCOUNT_INACTIVE}


def test_a_number_shared_by_two_accounts_logs_neither_in(
    tiny_city: TinyCity, resident: User
) -> None:
    User.objects.filter(pk=tiny_city.users["volunteer"].pk).update(phone=KNOWN)
    client = Client()
    start(client, KNOWN)
    r = send_code(client, last_code(KNOWN))
    assert logged_in_as(client) is None
    assert error_codes(r) == {FrontDoorError.SHARED_NUMBER}
    assert "Ask your community" in r.content.decode()


@override_settings(SECOND_FACTOR_ROLES=frozenset({"city_admin", "unit_admin"}))
def test_roles_that_need_a_second_factor_cannot_log_in_with_a_code(tiny_city: TinyCity) -> None:
    admin = tiny_city.users["city_admin"]
    User.objects.filter(pk=admin.pk).update(phone="13900000003")
    client = Client()
    start(client, "13900000003")
    r = send_code(client, last_code("13900000003"))
    assert logged_in_as(client) is None
    assert error_codes(r) == {FrontDoorError.SECOND_FACTOR}
    assert "second factor" in r.content.decode()
    # A resident holding such a role besides is refused as well; one without logs in.
    resident = tiny_city.users["resident"]
    User.objects.filter(pk=resident.pk).update(phone=KNOWN)
    Grant.objects.create(user=resident, role="unit_admin", unit=tiny_city.unit)
    client = Client()
    start(client, KNOWN)
    assert error_codes(send_code(client, last_code(KNOWN))) == {FrontDoorError.SECOND_FACTOR}
    Grant.objects.filter(user=resident, role="unit_admin").delete()
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        start(client, KNOWN)
        send_code(client, last_code(KNOWN))
    assert logged_in_as(client) == resident.pk


def test_the_code_page_without_a_number_goes_back_to_the_start() -> None:
    r = Client().get(CODE)
    assert r.status_code == 302 and r["Location"] == START


def test_a_number_that_is_not_a_mobile_is_named(resident: User) -> None:
    r = start(Client(), "027-85551234")
    assert r.status_code == 200 and error_codes(r) == {"not_mobile"}
    assert not PhoneCode.objects.exists()


def test_the_password_login_and_the_phone_login_link_to_each_other() -> None:
    client = Client()
    assert START in client.get("/accounts/login/").content.decode()
    assert "/accounts/login/" in client.get(START).content.decode()


def test_a_logged_in_user_is_sent_on(resident: User) -> None:
    client = Client()
    client.force_login(resident)
    assert client.get(START)["Location"] == "/"
