"""Small builders the care tests share."""

from __future__ import annotations

import itertools

from care.assignments import care_assign
from care.models import CareAssignment
from core.actor import Actor
from people.services import PersonData, resident_register
from places import services as place_services
from places.models import Household, Place
from testkit import ROOT, TinyCity, synthetic_id_number

_rooms = itertools.count(1)


def household_with(
    building: Place, *, flags: tuple[str, ...] = ("is_elderly_alone",), name: str = "李奶奶"
) -> Household:
    """A new household in `building` with one resident carrying `flags`."""
    room = f"9单元{next(_rooms):03d}"
    household = place_services.household_create(actor=ROOT, building=building, room=room)
    resident_register(
        actor=ROOT,
        household=household,
        data=PersonData(name=name, id_number=synthetic_id_number(), phone="13912345678"),
        flags=flags,
    )
    return household


def admin(tc: TinyCity) -> Actor:
    from accounts.selectors import actor_for_user

    return actor_for_user(tc.users["community_admin"])


def actor_of(tc: TinyCity, role: str) -> Actor:
    from accounts.selectors import actor_for_user

    return actor_for_user(tc.users[role])


def assign(tc: TinyCity, household: Household, role: str = "cadre", **kw: int) -> CareAssignment:
    return care_assign(
        actor=admin(tc),
        household=household,
        carer_user_id=tc.users[role].pk,
        phone_every_days=kw.get("phone", 1),
        visit_every_days=kw.get("visit", 3),
    )
