"""The demo city: every role has an account, the data is valid and consistent, and it is
deterministic. Built at a small scale so that each test stays fast."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.db.models import Count

from accounts.models import Grant, User
from core.roles import ROLE_SCOPE_KIND, Role
from core.validators import validate_id_number, validate_phone
from demo.city import DEMO_USERNAMES, build_demo_city, demo_accounts, demo_accounts_table
from demo.duty import EXTRA_CADRES
from party.models import PartyMember, PartyOrg, PartyOrgKind, Unit
from people.models import Person, Resident, ResidentStatus
from places.models import PARENT_KIND, Household, Place, PlaceKind

SCALE = 0.05
TODAY = datetime.date(2020, 2, 10)

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return build_demo_city(scale=SCALE, seed=2020, today=TODAY)


def _place(username: str) -> Place:
    return Place.objects.get(grants__user__username=username)


def _parent(place: Place) -> Place:
    assert place.parent is not None
    return place.parent


def _ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/")]


def test_every_role_has_a_demo_account_with_the_right_scope(city):
    accounts = {a.username: a for a in city.accounts}
    assert list(accounts) == list(DEMO_USERNAMES)
    for role in Role:
        user = User.objects.get(username=role.value)
        grants = list(user.grants.all())
        assert grants and {g.role for g in grants} == {role.value}
        for g in grants:
            kind = ROLE_SCOPE_KIND[role]
            if kind == "unit":
                assert g.unit_id and not g.place_id and not g.household_id
            elif kind == "household":
                assert g.household_id and not g.place_id and not g.unit_id
            else:
                assert g.place and g.place.kind == kind
        assert user.is_staff == (role in (Role.CITY_ADMIN, Role.DISTRICT_ADMIN))
        assert not user.is_superuser
        assert user.display_name and user.language == ""
    for extra in ("grid_worker2", "community_admin2", "street_admin2", "district_admin2"):
        assert User.objects.filter(username=extra).exists()

    # One password for all, hashed once: every account carries the same hash.
    assert User.objects.values("password").distinct().count() == 1
    assert User.objects.get(username="grid_worker").check_password(settings.LINLI_DEMO_PASSWORD)

    grid = _place("grid_worker")
    assert grid.name == "第3网格"
    community = _parent(grid)
    assert _place("community_admin") == community
    assert _parent(_place("grid_worker2")) == community
    assert _place("grid_worker2") != grid
    assert _parent(_place("building_head")) == grid
    street = _parent(community)
    assert _place("street_admin") == street
    assert _place("district_admin").name == "江汉区"
    assert _place("district_admin2").name == "武昌区"
    other_community = _place("community_admin2")
    assert _parent(other_community) != street
    assert _parent(_parent(other_community)) == _parent(street)
    assert _parent(_place("street_admin2")).name == "武昌区"
    health = Place.objects.filter(grants__user__username="health_worker")
    assert health.count() == 2 and {p.parent_id for p in health} == {street.pk}

    resident = User.objects.get(username="resident")
    household = resident.grants.get().household
    assert household.grid_id == grid.pk
    assert household.residents.count() >= 3
    assert resident.person.resident.household == household
    assert resident.person.resident.relation == "head"

    cadre = User.objects.get(username="cadre")
    membership = cadre.person.party_memberships.get()
    assert (
        membership.is_cadre
        and membership.unit == Grant.objects.get(user__username="unit_admin").unit
    )


def test_id_numbers_and_phones_are_valid_unique_and_agree_with_the_person(city):
    people = list(Person.objects.all())
    assert len(people) == city.persons
    numbers = [p.id_number for p in people]
    assert len(set(numbers)) == len(numbers)
    for p in people:
        assert validate_id_number(p.id_number, today=TODAY) == p.id_number
        assert p.id_number[6:14] == p.birth_date.strftime("%Y%m%d")
        assert p.sex == ("M" if int(p.id_number[16]) % 2 else "F")
        if p.phone:
            assert validate_phone(p.phone) == p.phone
    assert any(p.phone.startswith("027-") for p in people)  # landline-only elderly
    for h in Household.objects.exclude(phone=""):
        assert validate_phone(h.phone) == h.phone
    # a resident's ID number starts with the code of the district they live in
    for r in Resident.objects.select_related("person", "district"):
        assert r.person.id_number[:6] == r.district.code


def test_place_tree_and_denormalised_columns(city):
    places = {p.pk: p for p in Place.objects.all()}
    assert sum(city.places.values()) == len(places)
    for p in places.values():
        parent = places.get(p.parent_id)
        assert p.path == f"{parent.path if parent else '/'}{p.pk}/"
        assert p.depth == p.path.strip("/").count("/")
        assert (parent.kind if parent else None) == PARENT_KIND[p.kind]
    names = {(p.kind, p.name) for p in places.values()}
    assert {("city", "武汉市"), ("district", "江汉区"), ("district", "武昌区")} <= names
    for h in Household.objects.all():
        building = places[h.building_id]
        assert building.kind == PlaceKind.BUILDING
        city_id, district, street, community, grid, _b = _ids(building.path)
        assert (h.city_id, h.district_id, h.street_id, h.community_id, h.grid_id) == (
            city_id,
            district,
            street,
            community,
            grid,
        )
    for r in Resident.objects.select_related("household"):
        h = r.household
        assert (r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id) == (
            h.city_id,
            h.district_id,
            h.street_id,
            h.community_id,
            h.grid_id,
        )
        assert r.building_id == h.building_id
    assert city.residents == Resident.objects.count()
    sizes = Household.objects.annotate(n=Count("residents")).values_list("n", flat=True)
    assert set(sizes) <= {1, 2, 3, 4, 5} and len(set(sizes)) >= 4
    statuses = set(Resident.objects.values_list("status", flat=True))
    assert ResidentStatus.PRESENT in statuses and len(statuses) > 1


def test_party_organisations_and_units(city):
    orgs = {o.pk: o for o in PartyOrg.objects.select_related("place", "household__building")}
    units = {u.pk: u for u in Unit.objects.select_related("place")}
    for o in orgs.values():
        parent = orgs.get(o.parent_id)
        assert o.path == f"{parent.path if parent else '/'}{o.pk}/"
        assert o.depth == o.path.strip("/").count("/")
        if o.place:
            expected = o.place.path
        elif o.household:
            expected = o.household.building.path
        elif o.unit_id:
            expected = units[o.unit_id].place_path
        else:
            assert parent is not None
            expected = parent.scope_path
        assert o.scope_path == expected
        if parent and parent.unit_id:
            assert o.unit_id == parent.unit_id
    for u in units.values():
        assert u.place_path == u.place.path
        assert u.place.kind in (PlaceKind.CITY, PlaceKind.DISTRICT)
        assert PartyOrg.objects.filter(unit=u, kind=PartyOrgKind.COMMITTEE).count() == 1
        assert 1 <= PartyOrg.objects.filter(unit=u, kind=PartyOrgKind.BRANCH).count() <= 2
        cadres = PartyMember.objects.filter(unit=u)
        assert cadres.exists() and all(m.is_cadre and m.org.unit_id == u.pk for m in cadres)
    assert len(units) == 6

    grids = Place.objects.filter(kind=PlaceKind.GRID)
    branches = PartyOrg.objects.filter(kind=PartyOrgKind.GRID_BRANCH)
    assert sorted(b.place_id for b in branches) == sorted(g.pk for g in grids)
    assert PartyOrg.objects.filter(kind=PartyOrgKind.BUILDING_GROUP, place__kind="building")
    temporary = PartyOrg.objects.get(kind=PartyOrgKind.TEMPORARY)
    assert temporary.note and temporary.place and temporary.place.kind == PlaceKind.DISTRICT
    assert temporary.members.exists()
    assert PartyOrg.objects.get(kind=PartyOrgKind.COMMITTEE, parent=None).name == "中共武汉市委"
    for community in Place.objects.filter(kind=PlaceKind.COMMUNITY):
        assert (
            PartyOrg.objects.filter(
                place=community, kind__in=[PartyOrgKind.COMMITTEE, PartyOrgKind.GENERAL_BRANCH]
            ).count()
            == 1
        )

    adults = [
        r
        for r in Resident.objects.select_related("person")
        if (TODAY - r.person.birth_date).days >= 18 * 366
    ]
    resident_members = PartyMember.objects.filter(person__resident__isnull=False, unit=None)
    assert 0.03 <= resident_members.count() / len(adults) <= 0.12
    for m in resident_members.select_related("org", "person__resident"):
        assert m.org.kind in (
            PartyOrgKind.GRID_BRANCH,
            PartyOrgKind.COMMITTEE,
            PartyOrgKind.GENERAL_BRANCH,
        )
        assert m.person.resident.community.path.startswith(m.org.scope_path) or (
            m.org.scope_path.startswith(m.person.resident.community.path)
        )
        assert m.joined_on <= TODAY


def _snapshot() -> tuple[list, list, list]:
    with transaction.atomic():
        build_demo_city(scale=SCALE, seed=7, today=TODAY)
        # ID numbers are stored encrypted (a random nonce each): sorted by their values, not the
        # stored text.
        result = (
            sorted(Person.objects.values_list("id_number", "name", "phone")),
            list(Place.objects.order_by("path").values_list("kind", "name", "depth")),
            list(User.objects.order_by("username").values_list("username", "display_name")),
        )
        transaction.set_rollback(True)
    return result


def test_same_seed_same_city():
    first = _snapshot()
    assert Place.objects.count() == 0
    assert first == _snapshot()
    with transaction.atomic():
        other = build_demo_city(scale=SCALE, seed=8, today=TODAY)
        assert other.accounts
        names = sorted(Person.objects.values_list("id_number", "name", "phone"))
        transaction.set_rollback(True)
    assert names != first[0]


def test_scale_multiplies_households():
    with transaction.atomic():
        small = build_demo_city(scale=0.1, seed=2020, today=TODAY)
        transaction.set_rollback(True)
    # about 13,000 residents at scale 1.0
    assert 1000 <= small.residents <= 2000
    assert small.places["community"] == 13


def test_demo_command_if_empty_loads_once():
    out = io.StringIO()
    call_command("demo", "--scale", str(SCALE), "--if-empty", stdout=out)
    counts = (Place.objects.count(), Person.objects.count(), User.objects.count())
    # The demo accounts, and the unit cadres who registered from the check-in link (issue 7).
    assert counts[0] and counts[1]
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)
    assert counts[2] == len(DEMO_USERNAMES) + EXTRA_CADRES
    assert "grid_worker" in out.getvalue() and settings.LINLI_DEMO_PASSWORD in out.getvalue()

    out = io.StringIO()
    call_command("demo", "--scale", str(SCALE), "--if-empty", stdout=out)
    assert "already exists" in out.getvalue()
    assert (Place.objects.count(), Person.objects.count(), User.objects.count()) == counts

    with pytest.raises(CommandError, match="--if-empty"):
        call_command("demo", "--scale", str(SCALE), stdout=io.StringIO())
    assert (Place.objects.count(), Person.objects.count(), User.objects.count()) == counts


def test_accounts_table_is_read_back_from_the_database(city):
    assert demo_accounts() == city.accounts
    table = demo_accounts_table()
    assert "武汉市 · 江汉区 · 民意街道 · 新华社区 · 第3网格" in table
    for username in DEMO_USERNAMES:
        assert username in table
    assert settings.LINLI_DEMO_PASSWORD in table
    # What the demo accounts did (triage cases, sites, handled flags, care, requests, stock
    # movements) goes first: it protects them.
    from care.models import CareAssignment, CareContact
    from health.models import HealthFlag
    from mobilisation.models import (
        Activity,
        CheckInLink,
        Deployment,
        Patrol,
        PatrolFinding,
        PatrolRoute,
        Post,
        PostMember,
        Shift,
        ShiftAssignment,
        WorkerNeed,
        Zone,
        ZoneMember,
    )
    from party.models import PartyMember
    from service_requests.models import Dispatch, Escalation, ServiceRequest
    from supplies.models import StockMovement
    from triage.models import CaseEvent, Site, TriageCase

    PatrolFinding.objects.all().delete()
    Patrol.objects.all().delete()
    PatrolRoute.objects.all().delete()
    Activity.objects.all().delete()
    ShiftAssignment.objects.all().delete()
    Shift.objects.all().delete()
    PostMember.objects.all().delete()
    Post.objects.all().delete()
    ZoneMember.objects.all().delete()
    Zone.objects.all().delete()
    WorkerNeed.objects.all().delete()
    Deployment.objects.all().delete()
    CheckInLink.objects.all().delete()
    PartyMember.objects.update(deploy_marked_by=None)
    CareContact.objects.all().delete()
    CareAssignment.objects.all().delete()
    Dispatch.objects.all().delete()
    Escalation.objects.all().delete()
    ServiceRequest.objects.all().delete()
    StockMovement.objects.all().delete()

    CaseEvent.objects.all().delete()
    TriageCase.objects.update(index_case=None)
    TriageCase.objects.all().delete()
    Site.objects.all().delete()
    HealthFlag.objects.update(closed_by=None)
    from notices.models import (
        AreaLead,
        GuideItem,
        Inspection,
        Notice,
        OpinionIncident,
        SupervisionTeam,
    )
    from outreach.models import (
        Accountability,
        Activist,
        Commendation,
        FrontlineEntry,
        Nomination,
        StudyProgramme,
    )

    done_by_demo_accounts: list[type[models.Model]] = [
        FrontlineEntry,
        Nomination,
        Accountability,
        Activist,
        Commendation,
        StudyProgramme,
        Notice,
        OpinionIncident,
        Inspection,
        SupervisionTeam,
        AreaLead,
        GuideItem,
    ]
    for model in done_by_demo_accounts:
        model._default_manager.all().delete()
    User.objects.all().delete()
    assert demo_accounts_table() == ""


def test_demo_community_has_join_codes_and_serve_prints_a_join_link(city):
    from demo.front_door import demo_join_line
    from front_door.models import JoinCode

    community = _place("community_admin")
    assert community.name == "新华社区"
    buildings = Place.objects.filter(path__startswith=community.path, kind=PlaceKind.BUILDING)
    coded = set(JoinCode.objects.filter(revoked_at__isnull=True).values_list("place_id", flat=True))
    assert coded == {community.pk, *buildings.values_list("pk", flat=True)}
    line = demo_join_line("http://127.0.0.1:8000")
    assert line.startswith("Join as a new resident: http://127.0.0.1:8000/join/")
    assert "(codes: /inbox/outbox/)" in line
