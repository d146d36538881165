"""Inviting a staff member by text message: who may send one, and a link that works once."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from accounts.models import Grant, Invitation, User
from accounts.selectors import actor_for_user
from core.models import AuditEvent
from front_door import invitations
from notifications.models import Delivery
from notifications.texts import TextTemplate
from testkit import TinyCity, build_tiny_city, in_threads

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PHONE = "13900000005"


@pytest.fixture(autouse=True)
def _at_now():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def worker(tiny_city: TinyCity) -> User:
    user = tiny_city.users["grid_worker"]
    User.objects.filter(pk=user.pk).update(phone=PHONE)
    user.refresh_from_db()
    return user


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite_url(user: User) -> str:
    return f"/setup/invite/{user.pk}/"


def sent_link() -> str:
    d = Delivery.objects.filter(template=TextTemplate.INVITE).order_by("-pk").first()
    assert d is not None
    return urlparse(d.params["link"]).path


def last_code(phone: str = PHONE) -> str:
    d = Delivery.objects.filter(phone=phone, template=TextTemplate.CODE).order_by("-pk").first()
    assert d is not None
    return str(d.params["code"])


def invited(tc: TinyCity, worker: User) -> str:
    r = as_user(tc.users["district_admin"]).post(invite_url(worker))
    assert r.status_code == 302
    return sent_link()


def nothing_sent() -> bool:
    return (
        not Invitation.objects.exists() and not Delivery.objects.filter(template="invite").exists()
    )


def test_a_district_admin_invites_a_worker_of_their_district(
    tiny_city: TinyCity, worker: User
) -> None:
    admin = tiny_city.users["district_admin"]
    page = as_user(admin).get(f"/admin/accounts/user/{worker.pk}/change/").content.decode()
    assert invite_url(worker) in page  # the button on the account's page in Setup
    r = as_user(admin).post(invite_url(worker), follow=True)
    assert r.redirect_chain[0] == (f"/admin/accounts/user/{worker.pk}/change/", 302)
    assert "139****0005" in r.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.user == worker and invitation.created_by == admin
    assert invitation.expires_at == NOW + timedelta(hours=72) and invitation.used_at is None
    delivery = Delivery.objects.get(template=TextTemplate.INVITE)
    assert delivery.phone == PHONE and delivery.recipient_id == worker.pk
    link = delivery.params["link"]
    assert link.startswith("http://testserver/invite/")
    token = urlparse(link).path.split("/")[2]
    assert token not in invitation.token_hash
    event = AuditEvent.objects.get(action="invitation_send")
    assert event.user_id == admin.pk and event.target_id == str(worker.pk)
    assert event.place_path == tiny_city.inside.grid.path


@override_settings(LINLI_PUBLIC_URL="https://linli.example.cn")
def test_the_link_points_at_the_public_address_when_one_is_set(
    tiny_city: TinyCity, worker: User
) -> None:
    as_user(tiny_city.users["city_admin"]).post(invite_url(worker))
    link = Delivery.objects.get(template=TextTemplate.INVITE).params["link"]
    assert link.startswith("https://linli.example.cn/invite/")


def test_only_an_admin_over_the_account_may_invite_it(tiny_city: TinyCity, worker: User) -> None:
    tc = tiny_city
    elsewhere = User.objects.create(username="far_worker", phone="13900000006")
    Grant.objects.create(user=elsewhere, role="grid_worker", place=tc.other_district.grid)
    # No setup role: 404, whoever the account is.
    for role in ["street_admin", "community_admin", "grid_worker", "resident", "unit_admin"]:
        r = as_user(tc.users[role]).post(invite_url(worker))
        assert r.status_code == 404, role
    # A setup role, but the account lies in another district.
    assert as_user(tc.users["district_admin"]).post(invite_url(elsewhere)).status_code == 404
    assert as_user(tc.users["district_admin"]).post("/setup/invite/999999/").status_code == 404
    # Nobody logged in: the login page.
    r = Client().post(invite_url(worker))
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    # A GET sends nothing.
    assert as_user(tc.users["district_admin"]).get(invite_url(worker)).status_code == 405
    assert nothing_sent()
    # The city admin manages both.
    assert as_user(tc.users["city_admin"]).post(invite_url(elsewhere)).status_code == 302
    assert Invitation.objects.get().user == elsewhere


def test_an_account_without_a_mobile_number_is_not_invited(tiny_city: TinyCity) -> None:
    target = tiny_city.users["health_worker"]
    User.objects.filter(pk=target.pk).update(phone="027-85551234")
    r = as_user(tiny_city.users["district_admin"]).post(invite_url(target), follow=True)
    assert "has no mobile number" in r.content.decode()
    assert nothing_sent()


def test_the_invited_worker_logs_in_with_a_code_and_sets_a_password(
    tiny_city: TinyCity, worker: User
) -> None:
    link = invited(tiny_city, worker)
    client = Client()
    page = client.get(link)
    assert page.status_code == 200 and "139****0005" in page.content.decode()
    assert PHONE not in page.content.decode()
    assert not Delivery.objects.filter(template=TextTemplate.CODE).exists()  # only on request
    r = client.post(link)
    assert r.status_code == 302 and r["Location"] == link + "code/"
    r = client.post(link + "code/", {"code": last_code()})
    assert r.status_code == 302 and r["Location"] == "/invite/password/"
    assert client.session["_auth_user_id"] == str(worker.pk)
    assert Invitation.objects.get().used_at == NOW
    r = client.post(
        "/invite/password/",
        {"new_password1": "Spring-rain-2026", "new_password2": "Spring-rain-2026"},
    )
    assert r.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password("Spring-rain-2026")
    assert client.get("/", follow=True).status_code == 200  # still logged in
    # The page is for right after the invitation only.
    assert client.get("/invite/password/")["Location"] == "/"


def test_the_password_may_be_skipped(tiny_city: TinyCity, worker: User) -> None:
    before = User.objects.get(pk=worker.pk).password
    link = invited(tiny_city, worker)
    client = Client()
    client.post(link)
    client.post(link + "code/", {"code": last_code()})
    assert client.post("/invite/password/", {"skip": "1"})["Location"] == "/"
    assert User.objects.get(pk=worker.pk).password == before
    assert client.get("/invite/password/")["Location"] == "/"


def test_a_logged_in_user_without_an_invitation_cannot_set_a_password_there(
    tiny_city: TinyCity, worker: User
) -> None:
    before = User.objects.get(pk=worker.pk).password
    client = as_user(worker)
    r = client.post(
        "/invite/password/", {"new_password1": "x-Y-z-12345", "new_password2": "x-Y-z-12345"}
    )
    assert r.status_code == 302
    assert User.objects.get(pk=worker.pk).password == before


def test_the_link_works_once(tiny_city: TinyCity, worker: User, _at_now) -> None:  # type: ignore[no-untyped-def]
    link = invited(tiny_city, worker)
    first = Client()
    first.post(link)
    first.post(link + "code/", {"code": last_code()})
    again = Client()
    r = again.get(link)
    assert r.status_code == 404 and "does not work" in r.content.decode()
    _at_now.move_to(NOW + timedelta(minutes=2))
    assert again.post(link).status_code == 404
    assert again.post(link + "code/", {"code": "123456"}).status_code == 404
    assert Delivery.objects.filter(template=TextTemplate.CODE).count() == 1
    assert "_auth_user_id" not in again.session


def test_a_wrong_code_does_not_use_the_invitation(tiny_city: TinyCity, worker: User) -> None:
    link = invited(tiny_city, worker)
    client = Client()
    client.post(link)
    code = last_code()
    r = client.post(link + "code/", {"code": f"{(int(code) + 1) % 10**6:06d}"})
    assert r.status_code == 200 and "_auth_user_id" not in client.session
    assert Invitation.objects.get().used_at is None
    client.post(link + "code/", {"code": code})
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_the_link_expires_after_72_hours(tiny_city: TinyCity, worker: User, _at_now) -> None:  # type: ignore[no-untyped-def]
    link = invited(tiny_city, worker)
    _at_now.move_to(NOW + timedelta(hours=72, seconds=1))
    client = Client()
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert not Delivery.objects.filter(template=TextTemplate.CODE).exists()


def test_a_code_asked_for_in_time_does_not_outlive_the_link(
    tiny_city: TinyCity, worker: User, _at_now
) -> None:  # type: ignore[no-untyped-def]
    link = invited(tiny_city, worker)
    _at_now.move_to(NOW + timedelta(hours=71, minutes=59))
    client = Client()
    client.post(link)
    code = last_code()
    _at_now.move_to(NOW + timedelta(hours=72, minutes=1))
    assert client.post(link + "code/", {"code": code}).status_code == 404
    assert "_auth_user_id" not in client.session and Invitation.objects.get().used_at is None


def test_a_new_invitation_ends_the_one_before(tiny_city: TinyCity, worker: User, _at_now) -> None:  # type: ignore[no-untyped-def]
    old = invited(tiny_city, worker)
    _at_now.move_to(NOW + timedelta(minutes=5))
    new = invited(tiny_city, worker)
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_an_unknown_token_or_a_switched_off_account_gets_the_same_page(
    tiny_city: TinyCity, worker: User
) -> None:
    unknown = Client().get("/invite/not-a-real-token/")
    link = invited(tiny_city, worker)
    User.objects.filter(pk=worker.pk).update(is_active=False)
    off = Client().get(link)
    assert unknown.status_code == off.status_code == 404
    assert "does not work" in off.content.decode()


@override_settings(SECOND_FACTOR_ROLES=frozenset({"district_admin"}))
def test_a_role_that_needs_a_second_factor_is_not_invited_by_text(tiny_city: TinyCity) -> None:
    target = tiny_city.users["district_admin"]
    User.objects.filter(pk=target.pk).update(phone=PHONE)
    r = as_user(tiny_city.users["city_admin"]).post(invite_url(target), follow=True)
    assert "second factor" in r.content.decode()
    assert nothing_sent()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_tabs_bringing_the_right_code_at_once_use_the_invitation_once() -> None:
    tc = build_tiny_city()
    worker = tc.users["grid_worker"]
    User.objects.filter(pk=worker.pk).update(phone=PHONE)
    worker.refresh_from_db()
    admin = actor_for_user(tc.users["district_admin"])
    invitations.invitation_send(actor=admin, user=worker, site="http://testserver")
    token = sent_link().split("/")[2]
    invitations.invitation_code_send(token=token, address="10.0.0.1")
    accept = functools.partial(
        invitations.invitation_accept, token=token, code=last_code(), address="10.0.0.1"
    )
    results = in_threads([accept, accept])
    won = [r for r in results if isinstance(r, User)]
    lost = [r for r in results if not isinstance(r, User)]
    assert len(won) == 1 and won[0].pk == worker.pk
    assert len(lost) == 1 and isinstance(lost[0], ValidationError), lost
    assert Invitation.objects.get().used_at is not None
