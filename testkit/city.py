"""The tiny two-district city's skeleton: four chains, two units, one account per role.

Built through the same services production uses, so paths and denormalised columns are real.
Every object outside the first chain carries a marker in its name: 【SIB】 another grid of the
same community, 【OST】 another street, 【ODI】 another district, 【UNA】 and 【OUN】 the two
units. A test spots a leak by a marker in any response body.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password

from accounts.models import Grant, User
from core.actor import Actor
from core.roles import Role
from core.validators import id_check_digit
from party import services as party_services
from party.models import PartyMember, PartyOrg, PartyOrgKind, Unit
from people.models import Person, Relation, Resident
from places import services as place_services
from places.models import Household, Place, PlaceKind

ROOT = Actor(user_id=0, username="setup", is_superuser=True)
PASSWORD = "test-pass-123"
_seq = itertools.count(1)


def synthetic_id_number(region: str = "420103", born: date = date(1980, 5, 17)) -> str:
    first17 = f"{region}{born:%Y%m%d}{next(_seq) % 1000:03d}"
    return first17 + id_check_digit(first17)


@dataclass
class Chain:
    """One district > street > community > grid > building > household line."""

    district: Place
    street: Place
    community: Place
    grid: Place
    building: Place
    household: Household
    residents: list[Resident] = field(default_factory=list)
    grid_branch: PartyOrg | None = None
    member: PartyMember | None = None


@dataclass
class TinyCity:
    city: Place
    inside: Chain  # district A, where every role account is granted
    sibling: Chain  # same community as inside, another grid / building / household
    other_street: Chain  # district A, another street
    other_district: Chain  # district B
    unit: Unit
    other_unit: Unit
    unit_member: PartyMember
    other_unit_member: PartyMember
    users: dict[str, User] = field(default_factory=dict)


def _chain(
    city: Place,
    names: list[str],
    district: Place | None = None,
    street: Place | None = None,
    community: Place | None = None,
) -> Chain:
    d = district or place_services.place_create(
        actor=ROOT, kind=PlaceKind.DISTRICT, name=names[0], parent=city
    )
    s = street or place_services.place_create(
        actor=ROOT, kind=PlaceKind.STREET, name=names[1], parent=d
    )
    c = community or place_services.place_create(
        actor=ROOT, kind=PlaceKind.COMMUNITY, name=names[2], parent=s
    )
    g = place_services.place_create(actor=ROOT, kind=PlaceKind.GRID, name=names[3], parent=c)
    b = place_services.place_create(actor=ROOT, kind=PlaceKind.BUILDING, name=names[4], parent=g)
    h = place_services.household_create(actor=ROOT, building=b, room=names[5])
    chain = Chain(d, s, c, g, b, h)
    columns = place_services.ancestor_columns(b)
    for i, rel in enumerate([Relation.HEAD, Relation.SPOUSE]):
        person = Person.objects.create(
            name=f"{names[6]}{i}",
            id_number=synthetic_id_number(),
            phone=f"1380000{next(_seq) % 10000:04d}",
            birth_date=date(1980, 5, 17),
            sex="M" if i == 0 else "F",
        )
        chain.residents.append(
            Resident.objects.create(person=person, household=h, relation=rel, **columns)
        )
    committee = PartyOrg.objects.filter(place=c).first() or party_services.party_org_create(
        actor=ROOT, name=f"{names[2]}党委", kind=PartyOrgKind.COMMITTEE, parent=None, place=c
    )
    chain.grid_branch = party_services.party_org_create(
        actor=ROOT,
        name=f"{names[3]}党支部",
        kind=PartyOrgKind.GRID_BRANCH,
        parent=committee,
        place=g,
    )
    chain.member = PartyMember.objects.create(
        person=chain.residents[0].person, org=chain.grid_branch
    )
    return chain


def make_role_users(tc: TinyCity) -> dict[str, User]:
    """One account per role, all granted inside `tc.inside` (its grid, building, household)."""
    i = tc.inside
    node: dict[str, dict[str, Any]] = {
        Role.CITY_ADMIN: {"place": tc.city},
        Role.DISTRICT_ADMIN: {"place": i.district},
        Role.STREET_ADMIN: {"place": i.street},
        Role.COMMUNITY_ADMIN: {"place": i.community},
        Role.GRID_WORKER: {"place": i.grid},
        Role.BUILDING_HEAD: {"place": i.building},
        Role.HEALTH_WORKER: {"place": i.community},
        Role.CADRE: {"place": i.community},
        Role.VOLUNTEER: {"place": i.community},
        Role.PROPERTY_STAFF: {"place": i.community},
        Role.COMMUNITY_POLICE: {"place": i.community},
        Role.UNIT_ADMIN: {"unit": tc.unit},
        Role.RESIDENT: {"household": i.household},
    }
    password = make_password(PASSWORD)
    users: dict[str, User] = {}
    for role, scope in node.items():
        user = User.objects.create(username=str(role), password=password, display_name=str(role))
        Grant.objects.create(user=user, role=role, **scope)
        users[str(role)] = user
    return users
