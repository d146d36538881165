"""Joining by a building's code: found in the registry → an account on the household, logged in,
on to the health report; not found → a join request for the grid worker; bad input changes
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Grant, User
from core.fields import index_of
from core.roles import Role
from front_door.models import Join, JoinCode, JoinRequest, JoinRequestStatus
from front_door.tests.helpers import details, last_code, verify
from notifications.models import Notification
from testkit import TinyCity

BUILDING_TOKEN = "tiny-building-join-code"
COMMUNITY_TOKEN = "tiny-community-join-code"


def _last6(tc: TinyCity, i: int = 0) -> str:
    return str(tc.inside.residents[i].person.id_number)[-6:]


def test_resident_joins_and_lands_on_the_report(tiny_city: TinyCity) -> None:
    tc = tiny_city
    resident = tc.inside.residents[0]
    c = Client()
    page = c.get(reverse("front_door:join", args=[BUILDING_TOKEN]))
    assert page.status_code == 200
    assert tc.inside.building.name in page.content.decode()
    verify(c, BUILDING_TOKEN, "13912340001")
    r = details(c, BUILDING_TOKEN, name=resident.person.name, id_last6=_last6(tc))
    assert r.status_code == 302, r.context["form"].errors
    assert r["Location"] == reverse("health:report")
    user = User.objects.get(person=resident.person)
    assert user.username == "13912340001" and user.phone == "13912340001"
    assert not user.has_usable_password()
    assert Grant.objects.filter(
        user=user, role=Role.RESIDENT, household=resident.household
    ).exists()
    code = JoinCode.objects.get(token=BUILDING_TOKEN)
    assert Join.objects.filter(code=code, user=user, created_account=True).exists()
    assert c.get(reverse("health:report")).status_code == 200
    assert JoinRequest.objects.filter(phone_hash=index_of("phone", "13912340001")).count() == 0


def test_full_width_last6_and_lower_x_are_read(tiny_city: TinyCity) -> None:
    tc = tiny_city
    resident = tc.inside.residents[1]
    last6 = _last6(tc, 1)
    wide = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch.lower() for ch in last6)
    c = Client()
    verify(c, BUILDING_TOKEN, "13912340002")
    r = details(c, BUILDING_TOKEN, name=resident.person.name, id_last6=wide)
    assert r.status_code == 302 and r["Location"] == reverse("health:report")


def test_joining_twice_gives_the_same_account(tiny_city: TinyCity) -> None:
    tc = tiny_city
    resident = tc.inside.residents[0]
    existing = User.objects.create(username="zhang", person=resident.person)
    with time_machine.travel(timezone.now(), tick=False) as t:
        for _ in range(2):
            c = Client()
            verify(c, BUILDING_TOKEN, "13912340003")
            r = details(c, BUILDING_TOKEN, name=resident.person.name, id_last6=_last6(tc))
            assert r["Location"] == reverse("health:report")
            t.shift(dt.timedelta(minutes=2))
    assert User.objects.filter(person=resident.person).count() == 1
    existing.refresh_from_db()
    assert existing.phone == "13912340003"  # added where it had none
    assert Grant.objects.filter(user=existing, role=Role.RESIDENT).count() == 1


def test_two_members_of_one_household_each_join(tiny_city: TinyCity) -> None:
    tc = tiny_city
    for i, phone in enumerate(("13912340004", "13912340005")):
        c = Client()
        verify(c, BUILDING_TOKEN, phone)
        person = tc.inside.residents[i].person
        r = details(c, BUILDING_TOKEN, name=person.name, id_last6=_last6(tc, i))
        assert r["Location"] == reverse("health:report")
    users = User.objects.filter(person__resident__household=tc.inside.household)
    assert users.count() == 2
    assert Grant.objects.filter(household=tc.inside.household, user__in=users).count() == 2


def test_community_code_asks_for_the_building(tiny_city: TinyCity) -> None:
    tc = tiny_city
    person = tc.sibling.residents[0].person
    c = Client()
    verify(c, COMMUNITY_TOKEN, "13912340006")
    r = details(c, COMMUNITY_TOKEN, name=person.name, id_last6=str(person.id_number)[-6:])
    assert r.status_code == 400
    assert r.context["form"].errors["building"]
    r = details(
        c,
        COMMUNITY_TOKEN,
        name=person.name,
        id_last6=str(person.id_number)[-6:],
        building=str(tc.sibling.building.pk),
    )
    assert r["Location"] == reverse("health:report")
    assert User.objects.filter(person=person).exists()


def test_no_match_files_a_join_request_once_and_tells_the_grid_worker(
    tiny_city: TinyCity,
) -> None:
    tc = tiny_city
    resident = tc.inside.residents[0]
    c = Client()
    verify(c, BUILDING_TOKEN, "13912340007")
    # The name is found, the ID digits are not: a join request, nothing else.
    r = details(
        c,
        BUILDING_TOKEN,
        name=resident.person.name,
        id_last6="000000",
        room="1单元101",
        note="新租户",
    )
    status_url = reverse("front_door:join_status", args=[BUILDING_TOKEN])
    assert r["Location"] == status_url
    req = JoinRequest.objects.get(phone_hash=index_of("phone", "13912340007"))
    assert (req.name, req.id_last6, req.room, req.note) == (
        resident.person.name,
        "000000",
        "1单元101",
        "新租户",
    )
    assert req.building == tc.inside.building and req.status == JoinRequestStatus.PENDING
    assert not User.objects.filter(person=resident.person).exists()
    told = set(
        Notification.objects.filter(
            kind="join_request", dedupe_key=f"join-request:{req.pk}"
        ).values_list("recipient_id", flat=True)
    )
    assert told == {tc.users["grid_worker"].pk, tc.users["community_admin"].pk}
    page = c.get(status_url)
    assert 'data-status="pending"' in page.content.decode()
    # Coming back while it waits: the status, no second request.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        c2 = Client()
        verify(c2, BUILDING_TOKEN, "13912340007")
        r = c2.get(reverse("front_door:join_details", args=[BUILDING_TOKEN]))
        assert r["Location"] == status_url
    assert JoinRequest.objects.filter(phone_hash=index_of("phone", "13912340007")).count() == 1


def test_revoked_and_unknown_tokens_say_so(tiny_city: TinyCity) -> None:
    code = JoinCode.objects.get(token=BUILDING_TOKEN)
    JoinCode.objects.filter(pk=code.pk).update(revoked_at=timezone.now())
    c = Client()
    for token in (BUILDING_TOKEN, "no-such-token-at-all"):
        r = c.get(reverse("front_door:join", args=[token]))
        assert r.status_code == 404
        assert 'data-code="token_unknown"' in r.content.decode()
        r = c.post(reverse("front_door:join", args=[token]), {"phone": "13912340008"})
        assert r.status_code == 404
    from notifications.models import PhoneCode

    assert not PhoneCode.objects.filter(phone_hash=index_of("phone", "13912340008")).exists()


def test_bad_phone_and_bad_code_change_nothing(tiny_city: TinyCity) -> None:
    from notifications.models import PhoneCode

    c = Client()
    r = c.post(reverse("front_door:join", args=[BUILDING_TOKEN]), {"phone": "010-12345678"})
    assert r.status_code == 400 and r.context["form"].errors["phone"]
    assert not PhoneCode.objects.exists()
    c.post(reverse("front_door:join", args=[BUILDING_TOKEN]), {"phone": "13912340009"})
    right = last_code("13912340009")
    wrong = "000000" if right != "000000" else "111111"
    r = c.post(reverse("front_door:join_code", args=[BUILDING_TOKEN]), {"code": wrong})
    assert r.status_code == 400 and r.context["form"].errors["code"]
    # Not verified: the details step sends back to the start.
    r = c.get(reverse("front_door:join_details", args=[BUILDING_TOKEN]))
    assert r["Location"] == reverse("front_door:join", args=[BUILDING_TOKEN])
    r = c.post(reverse("front_door:join_code", args=[BUILDING_TOKEN]), {"code": right})
    assert r.status_code == 302
    # Reused: the code is spent.
    c2 = Client()
    session = c2.session
    session["front_door_join"] = {"token": BUILDING_TOKEN, "phone": "13912340009"}
    session.save()
    r = c2.post(reverse("front_door:join_code", args=[BUILDING_TOKEN]), {"code": right})
    assert r.status_code == 400 and r.context["form"].errors["code"]


def test_malformed_last6_is_a_field_error(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = Client()
    verify(c, BUILDING_TOKEN, "13912340010")
    for bad in ("12345", "X12345", "12a456", "1234567"):
        r = details(c, BUILDING_TOKEN, name=tc.inside.residents[0].person.name, id_last6=bad)
        assert r.status_code == 400, bad
        assert r.context["form"].errors["id_last6"]
    assert not JoinRequest.objects.filter(phone_hash=index_of("phone", "13912340010")).exists()
    assert not User.objects.filter(phone="13912340010").exists()


@pytest.mark.parametrize("role", ["grid_worker", "community_admin"])
def test_home_counts_waiting_join_requests(tiny_city: TinyCity, role: str) -> None:
    c = Client()
    c.force_login(tiny_city.users[role])
    body = c.get(reverse("home:home")).content.decode()
    assert reverse("front_door:join_requests") in body


def test_a_switched_off_account_is_not_let_in(tiny_city: TinyCity) -> None:
    tc = tiny_city
    resident = tc.inside.residents[0]
    User.objects.create(username="off", person=resident.person, is_active=False)
    c = Client()
    verify(c, BUILDING_TOKEN, "13912340011")
    r = details(c, BUILDING_TOKEN, name=resident.person.name, id_last6=_last6(tc))
    assert r.status_code == 400 and r.context["form"].errors["name"]
    assert not Grant.objects.filter(user__username="off").exists()
    assert "_auth_user_id" not in c.session
