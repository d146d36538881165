"""Keeping the registry right through the pages: add, edit, move, status — each with its
history row, bad input named by field with nothing changed, a form sent twice done once, and
only community admins and grid workers (in their grid) may change anything."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from accounts.models import Grant, User
from core.errors import NotAllowed
from people import services
from people.models import ChangeAction, Person, RegistryChange, Resident, ResidentStatus
from people.place_selectors import place_counts
from people.tests.registry_helpers import actor, client_for, id_number, register
from places import services as place_services
from places.models import Household, PlaceKind
from testkit import ROOT, TinyCity

pytestmark = pytest.mark.django_db


def _token(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    match = re.search(r'name="once" value="([^"]+)"', html)
    assert match, "every registry form carries a one-time token"
    return match.group(1)


def _snapshot() -> tuple[list[tuple[object, ...]], ...]:
    return (
        list(Person.objects.order_by("pk").values_list()),
        list(Resident.objects.order_by("pk").values_list()),
        list(Household.objects.order_by("pk").values_list()),
        list(RegistryChange.objects.order_by("pk").values_list()),
    )


# ---- households -------------------------------------------------------------------------------


def test_community_admin_adds_a_household(tiny_city: TinyCity) -> None:
    client = client_for(tiny_city, "community_admin")
    building = tiny_city.sibling.building
    url = "/registry/households/new/"
    response = client.post(
        url,
        {"building": building.pk, "room": "２单元 301", "phone": "027 8555 1234", "once": "t1"},
    )
    household = Household.objects.get(building=building, room="2单元 301")
    assert response.status_code == 302 and response["Location"] == f"/households/{household.pk}/"
    assert household.phone == "027-85551234"
    assert (household.grid_id, household.community_id) == (
        tiny_city.sibling.grid.pk,
        tiny_city.sibling.community.pk,
    )
    change = RegistryChange.objects.get(household=household)
    assert (
        change.action == ChangeAction.CREATED and change.user == tiny_city.users["community_admin"]
    )
    assert {"field": "phone", "old": "", "new": "027-****1234"} in change.fields


def test_household_room_taken_is_named(tiny_city: TinyCity) -> None:
    client = client_for(tiny_city, "grid_worker")
    before = _snapshot()
    response = client.post(
        "/registry/households/new/",
        {"building": tiny_city.inside.building.pk, "room": "1单元101", "phone": "123"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-room"' in html and 'data-testid="error-phone"' not in html
    assert "Room: This room is already registered in the building." in html
    assert _snapshot() == before
    response = client.post(
        "/registry/households/new/",
        {"building": tiny_city.inside.building.pk, "room": "9单元909", "phone": "123"},
    )
    assert response.status_code == 400
    assert 'data-testid="error-phone"' in response.content.decode()
    assert _snapshot() == before


def test_grid_worker_may_not_choose_another_grids_building(tiny_city: TinyCity) -> None:
    client = client_for(tiny_city, "grid_worker")
    html = client.get("/registry/households/new/").content.decode()
    assert "【SIB】" not in html and tiny_city.inside.building.name in html
    before = _snapshot()
    response = client.post(
        "/registry/households/new/", {"building": tiny_city.sibling.building.pk, "room": "5"}
    )
    assert (
        response.status_code == 400 and 'data-testid="error-building"' in response.content.decode()
    )
    assert _snapshot() == before


def test_edit_household_records_old_and_new(tiny_city: TinyCity) -> None:
    household = tiny_city.inside.household
    client = client_for(tiny_city, "grid_worker")
    response = client.post(
        f"/registry/households/{household.pk}/edit/", {"room": "1单元102", "phone": "13812345678"}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.room, household.phone) == ("1单元102", "13812345678")
    change = RegistryChange.objects.filter(household=household).first()
    assert change is not None and change.action == ChangeAction.EDITED
    assert {"field": "room", "old": "1单元101", "new": "1单元102"} in change.fields
    assert {"field": "phone", "old": "", "new": "138****5678"} in change.fields
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert 'data-testid="history"' in page and "1单元102" in page


def test_household_move_takes_residents_and_counts_along(tiny_city: TinyCity) -> None:
    inside, sibling = tiny_city.inside, tiny_city.sibling
    household = inside.household
    admin = actor(tiny_city, "community_admin")
    before_inside = place_counts(admin, inside.grid)
    before_sibling = place_counts(admin, sibling.grid)
    client = client_for(tiny_city, "community_admin")
    form = client.get(f"/registry/households/{household.pk}/move/").content.decode()
    assert f'value="{inside.building.pk}"' not in form  # not where it already is
    response = client.post(
        f"/registry/households/{household.pk}/move/", {"building": sibling.building.pk}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.building_id, household.grid_id) == (sibling.building.pk, sibling.grid.pk)
    for r in Resident.objects.filter(household=household):
        assert (r.building_id, r.grid_id, r.community_id) == (
            sibling.building.pk,
            sibling.grid.pk,
            sibling.community.pk,
        )
    after_inside = place_counts(admin, inside.grid)
    after_sibling = place_counts(admin, sibling.grid)
    assert after_inside.households == before_inside.households - 1
    assert after_inside.residents == before_inside.residents - 2
    assert after_sibling.households == before_sibling.households + 1
    assert after_sibling.residents == before_sibling.residents + 2
    # The move is in the household's history once and in each resident's own history.
    moved = RegistryChange.objects.filter(action=ChangeAction.MOVED, household=household)
    assert moved.filter(resident__isnull=True).count() == 1
    assert moved.filter(resident__isnull=False).count() == 2
    resident_page = client.get(f"/residents/{inside.residents[0].pk}/").content.decode()
    assert "【SIB】楼 1单元101" in resident_page
    household_page = client.get(f"/households/{household.pk}/")
    assert [h.action for h in household_page.context["history"]] == ["moved"]
    # The grid worker of the old grid no longer sees it.
    gone = client_for(tiny_city, "grid_worker").get(f"/households/{household.pk}/")
    assert gone.status_code == 404


def test_grid_worker_cannot_move_a_household_out_of_their_grid(tiny_city: TinyCity) -> None:
    household = tiny_city.inside.household
    with pytest.raises(NotAllowed):
        services.household_move(
            actor=actor(tiny_city, "grid_worker"),
            household=household,
            building=tiny_city.sibling.building,
        )
    assert Household.objects.get(pk=household.pk).building_id == tiny_city.inside.building.pk


# ---- residents --------------------------------------------------------------------------------


def test_add_resident_bad_id_is_named_then_good_one_is_added(tiny_city: TinyCity) -> None:
    household = tiny_city.inside.household
    client = client_for(tiny_city, "community_admin")
    url = f"/registry/households/{household.pk}/residents/new/"
    good = id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check digit
    before = _snapshot()
    data = {
        "name": "刘 洋",
        "id_number": bad,
        "phone": "13912340000",
        "relation": "child",
        "flags": ["is_disabled", "has_chronic_illness"],
        "care_note": "每周二、四、六透析",
        "once": _token(client, url),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-id_number"' in html and "ID number:" in html
    assert 'data-testid="error-name"' not in html
    assert _snapshot() == before
    # The corrected form, sent with the same token, goes through.
    response = client.post(url, data | {"id_number": good})
    resident = Resident.objects.get(person__in=Person.objects.with_id_number(good))
    assert response.status_code == 302 and response["Location"] == f"/residents/{resident.pk}/"
    assert resident.person.name == "刘洋" and resident.person.search_key.startswith("liuyang")
    assert resident.is_disabled and resident.has_chronic_illness and not resident.is_pregnant
    assert resident.care_note == "每周二、四、六透析"
    change = RegistryChange.objects.get(resident=resident)
    assert change.action == ChangeAction.CREATED
    assert good not in str(change.fields) and "13912340000" not in str(change.fields)


def test_registering_the_same_id_twice_is_refused_with_the_field(tiny_city: TinyCity) -> None:
    existing = tiny_city.sibling.residents[0].person.id_number
    household = tiny_city.inside.household
    client = client_for(tiny_city, "grid_worker")
    before = _snapshot()
    response = client.post(
        f"/registry/households/{household.pk}/residents/new/",
        {"name": "王五", "id_number": existing, "relation": "other"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "ID number: This ID number is already registered" in html
    assert _snapshot() == before


def test_a_form_sent_twice_counts_once(tiny_city: TinyCity) -> None:
    household = tiny_city.inside.household
    client = client_for(tiny_city, "grid_worker")
    url = f"/registry/households/{household.pk}/residents/new/"
    token = _token(client, url)
    # A child without an ID number yet: no unique key would catch the second one.
    data = {"name": "小明", "relation": "grandchild", "once": token}
    first = client.post(url, data)
    second = client.post(url, data)
    assert Resident.objects.filter(person__name="小明").count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert RegistryChange.objects.filter(resident__person__name="小明").count() == 1
    # Status sent twice: one change.
    resident = Resident.objects.get(person__name="小明")
    status_url = f"/registry/residents/{resident.pk}/status/"
    today = timezone.localdate().isoformat()
    data = {"status": "away", "since": today, "note": "在外地", "once": _token(client, status_url)}
    client.post(status_url, data)
    client.post(status_url, data)
    assert RegistryChange.objects.filter(resident=resident, action="status").count() == 1
    # Without the token the service still records nothing when nothing changed.
    client.post(status_url, data | {"once": ""})
    assert RegistryChange.objects.filter(resident=resident, action="status").count() == 1


def test_edit_resident_records_history_masked(tiny_city: TinyCity) -> None:
    resident = register(tiny_city.inside.household, "陈静", phone="13911112222")
    person = resident.person
    client = client_for(tiny_city, "grid_worker")
    url = f"/registry/residents/{resident.pk}/edit/"
    form = client.get(url).content.decode()
    # The form does not show the full ID or phone; left empty they are kept.
    assert (person.id_number or "") not in form and "13911112222" not in form
    assert "139****2222" in form
    response = client.post(
        url,
        {
            "name": "陈静",
            "id_number": "",
            "phone": "13933334444",
            "relation": "spouse",
            "flags": ["is_pregnant"],
            "care_note": "预产期三月",
        },
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    person.refresh_from_db()
    assert person.phone == "13933334444"
    assert person in Person.objects.with_phone("13933334444")
    assert person.id_number == resident.person.id_number  # kept
    assert resident.relation == "spouse" and resident.is_pregnant
    change = RegistryChange.objects.filter(resident=resident, action="edited").get()
    fields = {f["field"]: (f["old"], f["new"]) for f in change.fields}
    assert fields["phone"] == ("139****2222", "139****4444")
    assert fields["is_pregnant"] == (False, True)
    assert "id_number" not in fields
    page = client.get(f"/residents/{resident.pk}/").content.decode()
    assert 'data-testid="history"' in page
    assert "139****2222" in page and "139****4444" in page
    assert "13933334444" not in page and "13911112222" not in page
    assert "grid_worker" in page  # who
    assert "预产期三月" in page


def test_status_temporarily_away_with_date_and_note(tiny_city: TinyCity) -> None:
    resident = tiny_city.inside.residents[0]
    client = client_for(tiny_city, "grid_worker")
    url = f"/registry/residents/{resident.pk}/status/"
    day = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(
        url, {"status": "away", "since": day.isoformat(), "note": "春节回老家，滞留黄冈"}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.status, resident.status_since) == (ResidentStatus.AWAY, day)
    assert resident.status_note == "春节回老家，滞留黄冈"
    page = client.get(f"/residents/{resident.pk}/").content.decode()
    assert "滞留黄冈" in page and day.isoformat() in page and "Temporarily away" in page
    # Back home.
    response = client.post(url, {"status": "present", "since": "", "note": ""})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.status == ResidentStatus.PRESENT
    assert RegistryChange.objects.filter(resident=resident, action="status").count() == 2


def test_status_in_the_future_or_without_date_is_refused(tiny_city: TinyCity) -> None:
    resident = tiny_city.inside.residents[0]
    client = client_for(tiny_city, "community_admin")
    url = f"/registry/residents/{resident.pk}/status/"
    before = _snapshot()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"status": "deceased", "since": tomorrow.isoformat()})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-since"' in html and "The date cannot be in the future." in html
    response = client.post(url, {"status": "moved_out", "since": ""})
    assert response.status_code == 400
    assert "Give the date this began." in response.content.decode()
    assert _snapshot() == before


def test_resident_moves_to_another_household(tiny_city: TinyCity) -> None:
    resident = tiny_city.inside.residents[1]
    target = tiny_city.sibling.household
    client = client_for(tiny_city, "community_admin")
    url = f"/registry/residents/{resident.pk}/move/"
    response = client.post(
        url, {"building": tiny_city.sibling.building.pk, "room": "9单元", "relation": "spouse"}
    )
    assert response.status_code == 400
    assert "No household is registered in this room" in response.content.decode()
    response = client.post(
        url,
        {"building": tiny_city.sibling.building.pk, "room": target.room, "relation": "parent"},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.household_id == target.pk and resident.relation == "parent"
    assert (resident.grid_id, resident.building_id) == (
        tiny_city.sibling.grid.pk,
        tiny_city.sibling.building.pk,
    )
    change = RegistryChange.objects.get(resident=resident, action="moved")
    assert change.fields[0]["new"] == str(target)


# ---- who may change the registry -------------------------------------------------------------


EDIT_URLS = [
    "/registry/residents/{r}/edit/",
    "/registry/residents/{r}/status/",
    "/registry/residents/{r}/move/",
    "/registry/households/{h}/edit/",
    "/registry/households/{h}/move/",
    "/registry/households/{h}/residents/new/",
]
POSTS = {
    "edit": {"name": "改名", "relation": "other"},
    "status": {"status": "deceased", "since": "2020-02-01"},
    "move": {"room": "1单元101", "relation": "other"},
    "new": {"name": "新人", "relation": "other"},
}


def _post_everything(client: Client, tc: TinyCity, chain_name: str) -> list[int]:
    chain = getattr(tc, chain_name)
    codes = []
    for template in EDIT_URLS:
        url = template.format(r=chain.residents[0].pk, h=chain.household.pk)
        data = POSTS[url.rstrip("/").rsplit("/", 1)[-1]] | {
            "building": tc.inside.building.pk,
            "room": "1单元999",
        }
        codes.append(client.post(url, data).status_code)
    return codes


@pytest.mark.parametrize("role", ["building_head", "health_worker", "street_admin"])
def test_readers_who_do_not_edit_get_403_and_change_nothing(tiny_city: TinyCity, role: str) -> None:
    client = client_for(tiny_city, role)
    before = _snapshot()
    assert set(_post_everything(client, tiny_city, "inside")) == {403}
    assert client.get("/registry/households/new/").status_code == 403
    assert _snapshot() == before
    page = client.get(f"/residents/{tiny_city.inside.residents[0].pk}/").content.decode()
    assert 'data-testid="resident-actions"' not in page
    page = client.get(f"/households/{tiny_city.inside.household.pk}/").content.decode()
    assert 'data-testid="household-actions"' not in page


def test_grid_worker_cannot_edit_another_grid(tiny_city: TinyCity) -> None:
    """A grid worker who is also building head of a building in another grid sees that
    building's residents but may not change them: 403, nothing changed."""
    user = User.objects.create(username="网格员兼楼栋长", password=make_password("x"))
    Grant.objects.create(user=user, role="grid_worker", place=tiny_city.inside.grid)
    Grant.objects.create(user=user, role="building_head", place=tiny_city.sibling.building)
    client = Client()
    client.force_login(user)
    before = _snapshot()
    assert client.get(f"/residents/{tiny_city.sibling.residents[0].pk}/").status_code == 200
    assert set(_post_everything(client, tiny_city, "sibling")) == {403}
    assert _snapshot() == before
    # The plain grid worker does not even see the other grid: 404, nothing changed.
    plain = client_for(tiny_city, "grid_worker")
    assert set(_post_everything(plain, tiny_city, "sibling")) == {404}
    assert _snapshot() == before
    # And in their own grid they may.
    assert (
        client.get(f"/registry/residents/{tiny_city.inside.residents[0].pk}/edit/").status_code
        == 200
    )


def test_editors_see_the_actions(tiny_city: TinyCity) -> None:
    client = client_for(tiny_city, "grid_worker")
    page = client.get(f"/residents/{tiny_city.inside.residents[0].pk}/").content.decode()
    assert 'data-testid="resident-actions"' in page and 'data-testid="mark-away"' in page
    page = client.get(f"/households/{tiny_city.inside.household.pk}/").content.decode()
    assert 'data-testid="add-resident"' in page and 'data-testid="move-household"' in page
    page = client.get(f"/places/{tiny_city.inside.building.pk}/").content.decode()
    assert 'data-testid="add-household"' in page


def test_a_resident_sees_no_history_of_their_household(tiny_city: TinyCity) -> None:
    page = client_for(tiny_city, "resident").get(f"/households/{tiny_city.inside.household.pk}/")
    assert page.status_code == 200 and 'data-testid="history"' not in page.content.decode()


def test_new_grid_needs_its_own_buildings(tiny_city: TinyCity) -> None:
    """Buildings offered to a community admin are those of their community only."""
    other = place_services.place_create(
        actor=ROOT,
        kind=PlaceKind.BUILDING,
        name="【OST】新楼",
        parent=tiny_city.other_street.grid,
    )
    html = client_for(tiny_city, "community_admin").get("/registry/households/new/").content
    assert other.name not in html.decode()
