"""The grid worker's queue: confirm adds the person to the registry through its services and
gives them an account; refuse needs a reason; a request is seen by its building's grid worker
and offices only."""

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
from front_door.models import JoinRequest, JoinRequestStatus
from front_door.tests.helpers import details, verify
from notifications.models import Notification
from people.models import Person, Resident
from testkit import TinyCity
from testkit.city import synthetic_id_number

TOKEN = "tiny-building-join-code"


def _ask(tc: TinyCity, phone: str = "13912345001") -> JoinRequest:
    c = Client()
    verify(c, TOKEN, phone)
    details(c, TOKEN, name="李新", id_last6="12345X", room="1单元101", note="租户")
    return JoinRequest.objects.get(phone_hash=index_of("phone", phone))


def _worker(tc: TinyCity, role: str = "grid_worker") -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _form(c: Client, url: str, name: str) -> dict[str, str]:
    page = c.get(url)
    assert page.status_code == 200
    return {"once": page.context[name].initial["once"]}


def test_confirm_adds_to_the_registry_and_lets_the_person_in(tiny_city: TinyCity) -> None:
    tc = tiny_city
    req = _ask(tc)
    c = _worker(tc)
    url = reverse("front_door:join_request", args=[req.pk])
    page = c.get(url)
    assert "李新" in page.content.decode()
    # The typed room is an existing household: it is chosen for the worker.
    assert page.context["confirm_form"].initial["household"] == str(tc.inside.household.pk)
    id_number = synthetic_id_number(born=dt.date(1990, 1, 2))
    data = {
        **_form(c, url, "confirm_form"),
        "action": "confirm",
        "household": str(tc.inside.household.pk),
        "name": "李新",
        "id_number": id_number,
        "relation": "other",
    }
    r = c.post(url, data)
    assert r.status_code == 302, r.context["confirm_form"].errors
    again = c.post(url, data)  # sent twice: done once
    assert again.status_code == 302
    req.refresh_from_db()
    assert req.status == JoinRequestStatus.CONFIRMED
    assert req.answered_by == tc.users["grid_worker"]
    person = Person.objects.with_id_number(id_number).get()
    assert Resident.objects.get(person=person).household == tc.inside.household
    user = User.objects.get(person=person)
    assert req.user == user and user.phone == "13912345001"
    assert Grant.objects.filter(
        user=user, role=Role.RESIDENT, household=tc.inside.household
    ).exists()
    assert Notification.objects.filter(recipient=user, kind="join_request_answered").exists()
    # The person comes back with the link: logged in, on to the report.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        p = Client()
        r = p.post(reverse("front_door:join", args=[TOKEN]), {"phone": "13912345001"})
        from front_door.tests.helpers import last_code

        r = p.post(
            reverse("front_door:join_code", args=[TOKEN]), {"code": last_code("13912345001")}
        )
        r = p.get(r["Location"])
        assert r["Location"] == reverse("health:report")
        assert p.get(reverse("health:report")).status_code == 200


def test_confirm_with_a_new_room_and_a_bad_id_changes_nothing(tiny_city: TinyCity) -> None:
    tc = tiny_city
    req = _ask(tc, "13912345002")
    c = _worker(tc)
    url = reverse("front_door:join_request", args=[req.pk])
    before = (Person.objects.count(), tc.inside.building.households.count())
    r = c.post(
        url,
        {
            **_form(c, url, "confirm_form"),
            "action": "confirm",
            "household": "",
            "room": "9单元909",
            "name": "李新",
            "id_number": "123",
            "relation": "other",
        },
    )
    assert r.status_code == 400 and r.context["confirm_form"].errors["id_number"]
    assert (Person.objects.count(), tc.inside.building.households.count()) == before
    req.refresh_from_db()
    assert req.status == JoinRequestStatus.PENDING
    r = c.post(
        url,
        {
            **_form(c, url, "confirm_form"),
            "action": "confirm",
            "household": "",
            "room": "9单元909",
            "name": "李新",
            "id_number": synthetic_id_number(),
            "relation": "head",
        },
    )
    assert r.status_code == 302
    assert tc.inside.building.households.filter(room="9单元909").exists()


def test_refuse_needs_a_reason_and_the_person_reads_it(tiny_city: TinyCity) -> None:
    tc = tiny_city
    req = _ask(tc, "13912345003")
    c = _worker(tc)
    url = reverse("front_door:join_request", args=[req.pk])
    r = c.post(url, {**_form(c, url, "refuse_form"), "action": "refuse", "reason": " "})
    assert r.status_code == 400 and r.context["refuse_form"].errors["reason"]
    req.refresh_from_db()
    assert req.status == JoinRequestStatus.PENDING
    r = c.post(url, {**_form(c, url, "refuse_form"), "action": "refuse", "reason": "不住本楼"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == JoinRequestStatus.REFUSED and req.refusal_reason == "不住本楼"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        p = Client()
        verify(p, TOKEN, "13912345003")
        page = p.get(reverse("front_door:join_status", args=[TOKEN]))
        body = page.content.decode()
        assert 'data-status="refused"' in body and "不住本楼" in body
        # They may ask again: a new request.
        details(p, TOKEN, name="李新", id_last6="12345X", room="1单元102")
    assert JoinRequest.objects.filter(phone_hash=index_of("phone", "13912345003")).count() == 2


def test_a_request_is_seen_by_its_grid_worker_and_offices_only(tiny_city: TinyCity) -> None:
    tc = tiny_city
    inside = JoinRequest.objects.get(building=tc.inside.building)
    sibling = JoinRequest.objects.get(building=tc.sibling.building)
    for role, mine, theirs in (
        ("grid_worker", 200, 404),
        ("community_admin", 200, 200),
        ("street_admin", 200, 200),
        ("building_head", 404, 404),
        ("resident", 404, 404),
        ("health_worker", 404, 404),
    ):
        c = _worker(tc, role)
        assert c.get(reverse("front_door:join_request", args=[inside.pk])).status_code == mine
        got = c.get(reverse("front_door:join_request", args=[sibling.pk])).status_code
        assert got == theirs, role
    # Another grid's worker can neither read nor answer.
    c = _worker(tc)
    r = c.post(
        reverse("front_door:join_request", args=[sibling.pk]), {"action": "refuse", "reason": "x"}
    )
    assert r.status_code == 404
    sibling.refresh_from_db()
    assert sibling.status == JoinRequestStatus.PENDING
    listing = c.get(reverse("front_door:join_requests")).content.decode()
    assert "王新来" in listing and "【SIB】" not in listing and "【ODI】" not in listing


def test_street_admin_may_refuse_but_not_edit_the_registry(tiny_city: TinyCity) -> None:
    tc = tiny_city
    req = JoinRequest.objects.get(building=tc.inside.building)
    c = _worker(tc, "street_admin")
    url = reverse("front_door:join_request", args=[req.pk])
    r = c.post(
        url,
        {
            **_form(c, url, "confirm_form"),
            "action": "confirm",
            "household": str(tc.inside.household.pk),
            "name": "王新来",
            "id_number": synthetic_id_number(),
            "relation": "other",
        },
    )
    assert r.status_code == 403
    req.refresh_from_db()
    assert req.status == JoinRequestStatus.PENDING


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_joins_of_one_person_at_once_make_one_account() -> None:
    import functools

    from front_door.joining import join_submit
    from testkit import build_tiny_city, in_threads

    tc = build_tiny_city()
    person = tc.inside.residents[0].person
    Person.objects.filter(pk=person.pk).update(name="张内甲")
    results = in_threads(
        [
            functools.partial(
                join_submit,
                token=TOKEN,
                phone=phone,
                name="张内甲",
                id_last6=str(person.id_number)[-6:],
            )
            for phone in ("13912345010", "13912345011", "13912345012")
        ]
    )
    assert all(getattr(r, "user", None) is not None for r in results), results
    assert User.objects.filter(person=person).count() == 1
    assert len({r.user.pk for r in results}) == 1
    user = User.objects.get(person=person)
    assert Grant.objects.filter(user=user, role=Role.RESIDENT).count() == 1


def test_the_list_finds_a_request_by_the_last_four_digits_or_the_number(
    tiny_city: TinyCity,
) -> None:
    from accounts.selectors import actor_for_user
    from front_door.selectors import join_requests

    asked = _ask(tiny_city, "13912345678")
    worker = actor_for_user(tiny_city.users["grid_worker"])
    assert list(join_requests(worker, q="5678")) == [asked]
    assert list(join_requests(worker, q="13912345678")) == [asked]
    assert list(join_requests(worker, q="4321")) == []
    assert asked.phone == "13912345678" and asked.id_last6 == "12345X"


def test_the_raw_tables_hold_no_number_of_who_asked(tiny_city: TinyCity) -> None:
    from django.db import connection

    _ask(tiny_city, "13912345679")
    with connection.cursor() as cursor:
        for table in ("front_door_joinrequest", "notifications_phonecode"):
            cursor.execute(f"SELECT * FROM {table}")
            raw = repr(cursor.fetchall())
            assert "13912345679" not in raw and "12345X" not in raw, table
