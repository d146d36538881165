"""The site, transfer-queue and disclosure pages through the test client: who may register and
change a site, field-named errors, assigning a bed from the queue (a full site refused with
nothing changed), the street overview, and the building disclosure that never names a
household or a person."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Grant, User
from accounts.selectors import actor_for_user, actor_forget
from core.roles import Role
from people.models import Resident
from places.services import ancestor_columns
from testkit import ROOT, TinyCity
from triage.cases import case_open
from triage.decisions import case_assess, case_disposition_set
from triage.disclosure_selectors import resident_marked_buildings
from triage.models import (
    BuildingDisclosure,
    CaseEvent,
    Category,
    DisclosureRule,
    Origin,
    Site,
    SiteKind,
    TriageCase,
)
from triage.sites import site_save

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 11, 24, 4, 0, tzinfo=datetime.UTC)  # 12:00 in Beijing


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return c


def _once(page: str) -> str:
    token = re.search(r'name="once" value="([^"]+)"', page)
    assert token, "the form carries a one-time token"
    return token.group(1)


def _row(page: str, case_id: int) -> re.Match[str] | None:
    """One row of the transfer queue, from its opening tag."""
    return re.search(rf'<li[^>]*data-testid="queue-row" data-case="{case_id}".*?</li>', page, re.S)


def _waiting_case(
    resident: Resident, category: str = Category.CLOSE_CONTACT, disposition: str = "isolation"
) -> TriageCase:
    """A person sent to an isolation site (or hospital) and waiting for a place, as the
    services leave them."""
    case, _created = case_open(
        actor=ROOT, resident=resident, origin=Origin.CALL, note="居民来电：发热"
    )
    case = case_assess(actor=ROOT, case=case, category=category, reason="复查")
    return case_disposition_set(actor=ROOT, case=case, disposition=disposition, reason="转运")


def _street_site(tc: TinyCity) -> Site:
    return Site.objects.get(place=tc.inside.street, kind=SiteKind.ISOLATION)


# ---- sites ------------------------------------------------------------------------------------


def test_street_admin_registers_a_site_and_a_community_admin_cannot(tiny_city: TinyCity) -> None:
    street = tiny_city.inside.street
    c = _client(tiny_city, "street_admin")
    page = c.get("/triage/sites/new/")
    assert page.status_code == 200
    text = page.content.decode()
    # The places offered: the admin's street only (not the district, the city or elsewhere).
    assert f'value="{street.pk}"' in text
    assert f'value="{tiny_city.inside.district.pk}"' not in text
    assert "【OST】" not in text
    form = {
        "once": _once(text),
        "kind": "isolation",
        "name": "江景酒店隔离点",
        "place": str(street.pk),
        "capacity": "２０",  # full-width digits, as a Chinese keyboard may send them
        "address": "沿江大道1号",
        "phone": "027-88886666",
    }
    r = c.post("/triage/sites/new/", form)
    site = Site.objects.get(name="江景酒店隔离点")
    assert r.status_code == 302 and r["Location"] == f"/triage/sites/{site.pk}/"
    assert (site.kind, site.place_id, site.capacity, site.occupied) == (
        "isolation",
        street.pk,
        20,
        0,
    )
    # Sent twice: one site.
    c.post("/triage/sites/new/", form)
    assert Site.objects.filter(name="江景酒店隔离点").count() == 1
    listed = c.get("/triage/sites/?kind=isolation").content.decode()
    assert "江景酒店隔离点" in listed and "测试市定点医院" not in listed

    before = Site.objects.count()
    other = _client(tiny_city, "community_admin")
    assert other.get("/triage/sites/new/").status_code == 403
    r = other.post("/triage/sites/new/", {**form, "name": "社区自建隔离点", "once": "x"})
    assert r.status_code == 403
    assert Site.objects.count() == before
    # The community admin sees the sites serving it, without the form to change them.
    detail = other.get(f"/triage/sites/{site.pk}/")
    assert detail.status_code == 200 and 'data-testid="site-form"' not in detail.content.decode()
    r = other.post(f"/triage/sites/{site.pk}/", {**form, "capacity": "1", "once": "y"})
    assert r.status_code == 403
    site.refresh_from_db()
    assert site.capacity == 20


def test_a_site_outside_the_area_is_not_found_and_stays_unchanged(tiny_city: TinyCity) -> None:
    elsewhere = Site.objects.get(place=tiny_city.other_street.street)
    c = _client(tiny_city, "street_admin")
    assert c.get(f"/triage/sites/{elsewhere.pk}/").status_code == 404
    r = c.post(
        f"/triage/sites/{elsewhere.pk}/",
        {"kind": "isolation", "name": "x", "capacity": "1", "place": str(elsewhere.place_id)},
    )
    assert r.status_code == 404
    assert Site.objects.get(pk=elsewhere.pk).capacity == 10
    listed = c.get("/triage/sites/").content.decode()
    assert "【OST】" not in listed and "【ODI】" not in listed
    assert "甲街道隔离点" in listed and "测试市定点医院" in listed  # its own and the city's
    # Roles that do not see cases do not see sites.
    assert _client(tiny_city, "volunteer").get("/triage/sites/").status_code == 403


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        ("", "Enter the number of beds or rooms."),
        ("abc", "Enter the number of beds or rooms."),
        ("0", "Between 1 and"),
        ("100001", "Between 1 and"),
    ],
)
def test_capacity_errors_name_the_field(tiny_city: TinyCity, capacity: str, message: str) -> None:
    c = _client(tiny_city, "street_admin")
    page = c.get("/triage/sites/new/").content.decode()
    before = Site.objects.count()
    r = c.post(
        "/triage/sites/new/",
        {
            "once": _once(page),
            "kind": "isolation",
            "name": "新隔离点",
            "place": str(tiny_city.inside.street.pk),
            "capacity": capacity,
        },
    )
    assert r.status_code == 400
    text = r.content.decode()
    error = re.search(r'data-testid="error-capacity">([^<]*)<', text)
    assert error and message in error.group(1), text
    assert error.group(1).startswith("Capacity (beds or rooms):")
    assert Site.objects.count() == before


def test_missing_name_and_place_are_named(tiny_city: TinyCity) -> None:
    c = _client(tiny_city, "street_admin")
    page = c.get("/triage/sites/new/").content.decode()
    r = c.post(
        "/triage/sites/new/",
        {
            "once": _once(page),
            "kind": "isolation",
            "name": " ",
            "place": str(tiny_city.inside.street.pk),
            "capacity": "5",
        },
    )
    assert r.status_code == 400
    assert 'data-testid="error-name">Name: Give the site' in r.content.decode()
    r = c.post(
        "/triage/sites/new/",
        {"once": _once(page), "kind": "isolation", "name": "甲", "place": "", "capacity": "5"},
    )
    assert r.status_code == 400 and 'data-testid="error-place"' in r.content.decode()


def test_capacity_cannot_drop_below_the_people_placed(tiny_city: TinyCity) -> None:
    site = _street_site(tiny_city)
    street_admin = actor_for_user(tiny_city.users["street_admin"])
    case = _waiting_case(tiny_city.inside.residents[1])
    from triage.decisions import bed_assign

    bed_assign(actor=street_admin, case=case, site=site)
    c = _client(tiny_city, "street_admin")
    page = c.get(f"/triage/sites/{site.pk}/").content.decode()
    # The person placed there, masked: the first character of the name and since when.
    name = tiny_city.inside.residents[1].person.name
    assert name not in page and f"{name[0]}**" in page
    assert 'data-testid="site-person"' in page
    r = c.post(
        f"/triage/sites/{site.pk}/",
        {
            "once": _once(page),
            "kind": "isolation",
            "name": site.name,
            "place": str(site.place_id),
            "capacity": "0",
            "is_active": "on",
        },
    )
    assert r.status_code == 400
    assert 'data-testid="error-capacity"' in r.content.decode()
    site.refresh_from_db()
    assert (site.capacity, site.occupied) == (10, 1)


# ---- the transfer queue -----------------------------------------------------------------------


def test_street_admin_assigns_a_waiting_person_a_room(tiny_city: TinyCity) -> None:
    site = _street_site(tiny_city)
    with time_machine.travel(NOON, tick=False):
        case = _waiting_case(tiny_city.inside.residents[1])
    c = _client(tiny_city, "street_admin")
    with time_machine.travel(NOON + datetime.timedelta(minutes=45), tick=False):
        page = c.get("/triage/transfers/")
    assert page.status_code == 200
    text = page.content.decode()
    row = _row(text, case.pk)
    assert row, text
    row_text = row.group(0)
    assert re.search(r"waiting 45\sminutes<", row_text)  # time in queue
    assert "Isolation site" in row_text and 'data-testid="queue-alarm"' not in row_text
    assert tiny_city.inside.residents[1].person.name not in text  # masked
    assert f'<option value="{site.pk}"' in row_text  # the street's site with room is offered
    assert "【OST】" not in text
    r = c.post(
        "/triage/transfers/",
        {"once": _once(row_text), "case": str(case.pk), "site": str(site.pk)},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    site.refresh_from_db()
    assert case.site_id == site.pk and case.bed_wanted_since is None and case.isolated_at
    assert site.occupied == 1
    after = c.get("/triage/transfers/").content.decode()
    assert f'data-case="{case.pk}"' not in after


def test_a_full_site_is_refused_and_nothing_changes(tiny_city: TinyCity) -> None:
    street_admin = actor_for_user(tiny_city.users["street_admin"])
    full = site_save(
        actor=street_admin,
        site=None,
        kind=SiteKind.ISOLATION,
        name="小隔离点",
        place=tiny_city.inside.street,
        capacity=1,
    )
    # residents[0] already had an open case (home observation) in the tiny city: the same case.
    first = _waiting_case(tiny_city.inside.residents[0])
    second = _waiting_case(tiny_city.sibling.residents[1])
    c = _client(tiny_city, "street_admin")
    page = c.get("/triage/transfers/").content.decode()
    row = _row(page, first.pk)
    assert row
    assert (
        c.post(
            "/triage/transfers/",
            {"once": _once(row.group(0)), "case": str(first.pk), "site": str(full.pk)},
        ).status_code
        == 302
    )
    full.refresh_from_db()
    assert full.occupied == 1 and full.free == 0
    page = c.get("/triage/transfers/").content.decode()
    row = _row(page, second.pk)
    assert row
    assert f'<option value="{full.pk}"' not in row.group(0)  # a full site is not offered
    events = CaseEvent.objects.count()
    r = c.post(
        "/triage/transfers/",
        {"once": _once(row.group(0)), "case": str(second.pk), "site": str(full.pk)},
    )
    assert r.status_code == 400
    text = r.content.decode()
    assert "小隔离点 is full or not taking people; choose another site." in text
    assert 'data-testid="assign-error"' in text and 'data-testid="error-site"' in text
    second.refresh_from_db()
    full.refresh_from_db()
    assert second.site_id is None and second.bed_wanted_since is not None
    assert full.occupied == 1
    assert CaseEvent.objects.count() == events
    # The sites page shows it full.
    listed = c.get("/triage/sites/").content.decode()
    row = re.search(rf'data-site="{full.pk}".*?</li>', listed, re.S)
    assert row and 'data-testid="site-full"' in row.group(0) and "1/1" in row.group(0)


def test_a_long_wait_raises_the_alarm_and_untriaged_dispositions_are_listed(
    tiny_city: TinyCity,
) -> None:
    with time_machine.travel(NOON, tick=False):
        waiting = _waiting_case(tiny_city.inside.residents[1], Category.CONFIRMED, "hospital")
        undecided, _created = case_open(
            actor=ROOT, resident=tiny_city.sibling.residents[1], origin=Origin.CALL, note="来电"
        )
        case_assess(actor=ROOT, case=undecided, category=Category.SUSPECTED)
    c = _client(tiny_city, "community_admin")
    with time_machine.travel(NOON + datetime.timedelta(hours=3), tick=False):
        text = c.get("/triage/transfers/").content.decode()
    row = _row(text, waiting.pk)
    assert row and 'class="alarm"' in row.group(0) and 'data-testid="queue-alarm"' in row.group(0)
    assert re.search(r"waiting 3\shours<", row.group(0))  # Django puts a no-break space
    # A confirmed case waits for a hospital: the city's hospital is offered, no isolation site.
    hospital = Site.objects.get(kind=SiteKind.HOSPITAL)
    assert f'<option value="{hospital.pk}"' in row.group(0)
    assert f'<option value="{_street_site(tiny_city).pk}"' not in row.group(0)
    awaiting = re.search(
        rf'data-testid="awaiting-row" data-case="{undecided.pk}".*?</li>', text, re.S
    )
    assert (
        awaiting
        and re.search(r"waiting 3\shours<", awaiting.group(0))
        and "Suspected case" in awaiting.group(0)
    )


def test_district_admin_sees_streets_then_one_street_without_assigning(
    tiny_city: TinyCity,
) -> None:
    with time_machine.travel(NOON, tick=False):
        inside = _waiting_case(tiny_city.inside.residents[1])
        _waiting_case(tiny_city.other_street.residents[1])
        _waiting_case(tiny_city.other_district.residents[1])
    c = _client(tiny_city, "district_admin")
    with time_machine.travel(NOON + datetime.timedelta(hours=2, minutes=30), tick=False):
        page = c.get("/triage/transfers/")
    text = page.content.decode()
    rows = re.findall(r'data-testid="street-row" data-street="(\d+)"', text)
    assert sorted(int(r) for r in rows) == sorted(
        [tiny_city.inside.street.pk, tiny_city.other_street.street.pk]
    )
    assert "【ODI】" not in text
    row = re.search(rf'data-street="{tiny_city.inside.street.pk}".*?</tr>', text, re.S)
    assert row
    cells = re.findall(r'<td class="num[^"]*">(\d+)</td>', row.group(0))
    assert cells == ["1", "1", "0"]  # waiting, alarmed (2.5 h > 2 h), no disposition yet
    assert f'href="/triage/transfers/{tiny_city.inside.street.pk}/"' in row.group(0)
    # One street's queue, read-only for the district.
    one = c.get(f"/triage/transfers/{tiny_city.inside.street.pk}/").content.decode()
    assert f'data-case="{inside.pk}"' in one and 'data-testid="assign-form"' not in one
    assert "【OST】" not in one
    r = c.post(
        f"/triage/transfers/{tiny_city.inside.street.pk}/",
        {"case": str(inside.pk), "site": str(_street_site(tiny_city).pk), "once": "z"},
    )
    assert r.status_code == 403
    inside.refresh_from_db()
    assert inside.site_id is None
    # Another district's street, a community given as a street: not found.
    assert c.get(f"/triage/transfers/{tiny_city.other_district.street.pk}/").status_code == 404
    assert c.get(f"/triage/transfers/{tiny_city.inside.community.pk}/").status_code == 404
    # Offices only.
    assert _client(tiny_city, "grid_worker").get("/triage/transfers/").status_code == 403
    # The street overview refreshes itself: the htmx request gets the table alone.
    part = c.get("/triage/transfers/", headers={"HX-Request": "true"}).content.decode()
    assert part.lstrip().startswith("<section") and "<html" not in part


def test_the_queue_page_reads_a_fixed_number_of_queries(tiny_city: TinyCity) -> None:
    c = _client(tiny_city, "street_admin")
    _waiting_case(tiny_city.inside.residents[1])
    c.get("/triage/transfers/")
    with CaptureQueriesContext(connection) as one:
        c.get("/triage/transfers/")
    _waiting_case(tiny_city.sibling.residents[1])
    _waiting_case(tiny_city.sibling.residents[0], Category.CONFIRMED, "hospital")
    with CaptureQueriesContext(connection) as three:
        page = c.get("/triage/transfers/")
    assert page.content.decode().count('data-testid="queue-row"') == 3
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]


# ---- disclosure -------------------------------------------------------------------------------


def _suspect(resident: Resident) -> TriageCase:
    case, _created = case_open(
        actor=ROOT, resident=resident, origin=Origin.CALL, note="居民来电：发热"
    )
    return case_assess(actor=ROOT, case=case, category=Category.SUSPECTED, reason="CT 磨玻璃影")


def test_community_marks_a_building_only_from_the_threshold(tiny_city: TinyCity) -> None:
    building = tiny_city.inside.building
    c = _client(tiny_city, "community_admin")
    page = c.get("/triage/disclosures/").content.decode()
    # The tiny city marked the building already: withdraw it first.
    marked = BuildingDisclosure.objects.get(building=building, withdrawn_at__isnull=True)
    row = re.search(rf'data-building="{building.pk}".*?</li>', page, re.S)
    assert row and 'data-testid="marked"' in row.group(0)
    r = c.post(f"/triage/disclosures/{marked.pk}/withdraw/", {"once": _once(row.group(0))})
    assert r.status_code == 302
    marked.refresh_from_db()
    assert marked.withdrawn_at is not None
    # No confirmed or suspected case in it: refused, nothing marked.
    r = c.post(f"/triage/disclosures/mark/{building.pk}/", {"once": "t1"})
    assert r.status_code == 400
    text = r.content.decode()
    assert 'data-testid="disclosure-error"' in text
    assert "0 confirmed or suspected cases; the city shows a building from 2" in text
    assert not BuildingDisclosure.objects.filter(building=building, withdrawn_at__isnull=True)
    # One suspected case is still below the threshold of 2.
    _suspect(tiny_city.inside.residents[0])
    assert c.post(f"/triage/disclosures/mark/{building.pk}/", {"once": "t2"}).status_code == 400
    assert not BuildingDisclosure.objects.filter(building=building, withdrawn_at__isnull=True)
    _suspect(tiny_city.inside.residents[1])
    page = c.get("/triage/disclosures/").content.decode()
    row = re.search(rf'data-building="{building.pk}".*?</li>', page, re.S)
    assert row and 'data-testid="mark"' in row.group(0) and "2 cases" in row.group(0)
    r = c.post(f"/triage/disclosures/mark/{building.pk}/", {"once": _once(row.group(0))})
    assert r.status_code == 302
    assert (
        BuildingDisclosure.objects.get(building=building, withdrawn_at__isnull=True).case_count == 2
    )
    # GET does nothing; other roles and other areas are refused.
    assert c.get(f"/triage/disclosures/mark/{building.pk}/").status_code == 405
    count = BuildingDisclosure.objects.count()
    assert (
        c.post(
            f"/triage/disclosures/mark/{tiny_city.other_street.building.pk}/", {"once": "t3"}
        ).status_code
        == 404
    )
    grid = _client(tiny_city, "grid_worker")
    assert grid.post(f"/triage/disclosures/mark/{building.pk}/", {"once": "t4"}).status_code == 403
    assert BuildingDisclosure.objects.count() == count


def test_city_admin_sets_the_threshold(tiny_city: TinyCity) -> None:
    c = _client(tiny_city, "city_admin")
    page = c.get("/triage/disclosures/").content.decode()
    assert 'data-testid="threshold-form"' in page
    r = c.post("/triage/disclosures/", {"once": _once(page), "threshold": "abc"})
    assert r.status_code == 400
    assert re.search(r'data-testid="error-threshold">[^<]*Enter a whole number', r.content.decode())
    assert not DisclosureRule.objects.exists()
    r = c.post("/triage/disclosures/", {"once": _once(page), "threshold": "3"})
    assert r.status_code == 302
    assert DisclosureRule.objects.get(city=tiny_city.city).threshold == 3
    # The community admin reads the threshold in force but may not set it.
    community = _client(tiny_city, "community_admin")
    text = community.get("/triage/disclosures/").content.decode()
    assert 'data-testid="threshold-form"' not in text and "from 3 open" in text
    assert community.post("/triage/disclosures/", {"threshold": "1"}).status_code == 403
    assert DisclosureRule.objects.get(city=tiny_city.city).threshold == 3


@pytest.mark.parametrize(
    "role", ["community_admin", "street_admin", "district_admin", "city_admin"]
)
def test_disclosure_pages_never_show_a_household_or_a_name(tiny_city: TinyCity, role: str) -> None:
    _suspect(tiny_city.inside.residents[0])
    _suspect(tiny_city.inside.residents[1])
    text = _client(tiny_city, role).get("/triage/disclosures/").content.decode()
    assert "1栋" in text  # the building, and only that
    for chain in (tiny_city.inside, tiny_city.sibling, tiny_city.other_street):
        assert chain.household.room not in text
        for resident in chain.residents:
            name = resident.person.name
            assert name not in text and f"{name[0]}**" not in text


def test_resident_sees_the_marked_buildings_of_their_community_only(tiny_city: TinyCity) -> None:
    resident = tiny_city.users["resident"]
    # The tiny city marked the building of each chain but 【SIB】's; mark that one too, so the
    # resident's community has two.
    sib = tiny_city.sibling
    BuildingDisclosure.objects.create(
        **ancestor_columns(sib.building),
        building_path=sib.building.path,
        case_count=2,
        marked_by=tiny_city.users["community_admin"],
        marked_at=NOON,
    )
    assert resident_marked_buildings(actor_for_user(resident)) == ["1栋", "【SIB】楼"]
    # With one household, the resident lands on the household page: the board is there.
    landing = _client(tiny_city, "resident").get("/", follow=True).content.decode()
    assert re.findall(r'data-testid="marked-building">([^<]+)<', landing) == ["1栋", "【SIB】楼"]
    # A resident registered in two households (no single household to land on) sees the home.
    Grant.objects.create(user=resident, role=Role.RESIDENT, household=tiny_city.sibling.household)
    actor_forget(resident.pk)  # the grant was added behind Setup's back
    c = _client(tiny_city, "resident")
    text = c.get("/").content.decode()
    section = re.search(r'data-testid="marked-buildings".*?</section>', text, re.S)
    assert section, text
    names = re.findall(r'data-testid="marked-building">([^<]+)<', section.group(0))
    assert names == ["1栋", "【SIB】楼"]
    assert "【OST】" not in text and "【ODI】" not in text
    # Withdrawn: gone from the board.
    BuildingDisclosure.objects.filter(building=tiny_city.sibling.building).update(
        withdrawn_at=NOON, withdrawn_by=tiny_city.users["community_admin"]
    )
    text = c.get("/").content.decode()
    assert re.findall(r'data-testid="marked-building">([^<]+)<', text) == ["1栋"]
    # Staff get no notice board on their home page.
    staff = _client(tiny_city, "community_admin").get("/").content.decode()
    assert 'data-testid="marked-buildings"' not in staff
    # A resident elsewhere sees their own community's building only.
    other = User.objects.create(username="ost-resident")
    Grant.objects.create(user=other, role=Role.RESIDENT, household=tiny_city.other_street.household)
    assert resident_marked_buildings(actor_for_user(other)) == ["【OST】楼"]
