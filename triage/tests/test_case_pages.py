"""The triage case pages: who sees which page, the health centre's queue, the case and its forms
(assessment, disposition, transport, close contact), opening a case, the follow-up list, and the
flag hand-over. Each form names the wrong field, changes nothing on an error, and counts once
when sent twice."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.selectors import actor_for_user
from core.models import AuditEvent
from core.time_format import waited
from health.models import FlagStatus, HealthFlag
from people.models import Person, Relation, Resident
from people.search import person_search_fields
from places import services as place_services
from places.models import Place
from testkit import ROOT, TinyCity
from triage.cases import case_open, case_open_from_flag
from triage.decisions import case_assess
from triage.follow_ups import follow_ups_escalate
from triage.models import (
    CaseEvent,
    Category,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpLevel,
    FollowUpSource,
    FollowUpStatus,
    Origin,
    Site,
    SiteKind,
    TriageCase,
)

MORNING = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Beijing
CASE_ROLES = [
    "city_admin",
    "district_admin",
    "street_admin",
    "community_admin",
    "grid_worker",
    "health_worker",
]
OTHER_ROLES = [
    "building_head",
    "cadre",
    "volunteer",
    "property_staff",
    "community_police",
    "unit_admin",
    "resident",
]


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(MORNING, tick=False) as t:
        yield t


@pytest.fixture
def tc(clock: Any, tiny_city: TinyCity) -> TinyCity:
    """The tiny city built at 09:00 on 2026-11-24 (its close contacts' follow-ups start then)."""
    return tiny_city


def _client(tc: TinyCity, role: str, lang: str = "") -> Client:
    c = Client()
    c.force_login(tc.users[role])
    if lang:
        c.cookies["django_language"] = lang
    return c


def _actor(tc: TinyCity, role: str) -> Any:
    return actor_for_user(tc.users[role])


def _token(html: str, testid: str) -> str:
    """The one-time token of the form marked `data-testid="<testid>"`."""
    start = html.index(f'data-testid="{testid}"')
    found = re.search(r'name="once" value="([^"]+)"', html[start:])
    assert found, f"{testid} carries a one-time token"
    return found.group(1)


def _resident(tc: TinyCity, name: str, building: Place | None = None) -> Resident:
    building = building or tc.inside.building
    household = place_services.household_create(actor=ROOT, building=building, room=f"{name}室")
    return Resident.objects.create(
        person=Person.objects.create(name=name, phone="13912345678"),
        household=household,
        relation=Relation.HEAD,
        **place_services.ancestor_columns(building),
    )


def _tiny_case(chain: Any) -> TriageCase:
    """The close contact in home observation that the tiny city has in each chain."""
    return TriageCase.objects.get(resident=chain.residents[0])


def _new_case(tc: TinyCity, resident: Resident | None = None) -> TriageCase:
    case, created = case_open(
        actor=_actor(tc, "health_worker"),
        resident=resident or tc.inside.residents[1],
        origin=Origin.WALK_IN,
        note="38.4 °C，咳嗽",
    )
    assert created
    return case


# ---- who sees what ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_for_case_roles_and_refused_to_others(tc: TinyCity) -> None:
    inside = _tiny_case(tc.inside)
    elsewhere = _tiny_case(tc.other_district)
    follow_up = FollowUp.objects.filter(case=inside).first()
    assert follow_up is not None
    for role in CASE_ROLES:
        c = _client(tc, role)
        assert c.get("/triage/cases/").status_code == 200, role
        assert c.get(f"/triage/cases/{inside.pk}/").status_code == 200, role
        far = c.get(f"/triage/cases/{elsewhere.pk}/").status_code
        assert far == (200 if role == "city_admin" else 404), role
        assert c.get("/triage/follow-ups/").status_code == 200, role
        assert c.get(f"/triage/follow-ups/{follow_up.pk}/").status_code == 200, role
        queue = c.get("/triage/")
        if role == "health_worker":
            assert queue.status_code == 200
            assert 'data-testid="queue-title"' in queue.content.decode()
        else:  # other staff get the case list
            assert queue.status_code == 302 and queue["Location"] == "/triage/cases/", role
        opening = c.get("/triage/cases/new/").status_code
        assert opening == (403 if role in {"city_admin", "district_admin", "street_admin"} else 200)
    for role in OTHER_ROLES:
        c = _client(tc, role)
        for url in ("/triage/", "/triage/cases/", "/triage/follow-ups/", "/triage/cases/new/"):
            assert c.get(url).status_code == 403, (role, url)
        assert c.get(f"/triage/cases/{inside.pk}/").status_code == 404, role
        assert c.get(f"/triage/follow-ups/{follow_up.pk}/").status_code == 404, role
        # A write to what the role cannot see is refused and changes nothing.
        r = c.post(f"/triage/cases/{inside.pk}/assess/", {"category": "cleared"})
        assert r.status_code == 404
    inside.refresh_from_db()
    assert inside.category == Category.CLOSE_CONTACT


@pytest.mark.django_db
def test_case_page_names_the_person_only_for_the_clinician_and_the_grid_worker(
    tc: TinyCity,
) -> None:
    case = _tiny_case(tc.inside)
    name = case.resident.person.name
    for role, shown in (
        ("health_worker", name),
        ("grid_worker", name),
        ("community_admin", name[0] + "*" * (len(name) - 1)),
        ("street_admin", name[0] + "*" * (len(name) - 1)),
    ):
        page = _client(tc, role).get(f"/triage/cases/{case.pk}/").content.decode()
        assert f'data-testid="case-name">{shown}<' in page, role
        # Full ID and phone only through the registry's recorded reveal.
        assert case.resident.person.phone not in page
        assert f'href="/residents/{case.resident_id}/"' in page


# ---- the health centre's queue ------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_oldest_first_with_time_waited_and_search(tc: TinyCity, clock: Any) -> None:
    first = _new_case(tc)
    clock.shift(datetime.timedelta(minutes=30))
    second = _new_case(tc, tc.sibling.residents[1])
    clock.shift(datetime.timedelta(hours=1, minutes=45))  # 11:15
    c = _client(tc, "health_worker", lang="en")
    page = c.get("/triage/").content.decode()
    rows = re.findall(r'data-testid="queue-row" data-case="(\d+)"', page)
    assert rows == [str(first.pk), str(second.pk)]
    assert re.findall(r'data-testid="waited"[^>]*>([^<]+)<', page) == ["2 h 15 min", "1 h 45 min"]
    assert 'class="wait late"' in page  # over two hours
    # The list masks names; the search finds by case number or the last 4 digits of the phone.
    assert tc.inside.residents[1].person.name not in page
    by_number = c.get("/triage/", {"q": f"#{second.pk}"}).content.decode()
    assert re.findall(r'data-case="(\d+)"', by_number) == [str(second.pk)]
    person = tc.inside.residents[1].person
    Person.objects.filter(pk=person.pk).update(
        **person_search_fields(name=person.name, phone=person.phone, id_number=person.id_number)
    )
    phone = person.phone
    by_phone = c.get("/triage/", {"q": phone[-4:]}).content.decode()
    assert re.findall(r'data-case="(\d+)"', by_phone) == [str(first.pk)]
    # Triaged: out of the queue.
    case_assess(actor=_actor(tc, "health_worker"), case=first, category=Category.FEBRILE)
    again = c.get("/triage/").content.decode()
    assert re.findall(r'data-case="(\d+)"', again) == [str(second.pk)]
    # A grid worker sees only their grid's cases in the case list (the sibling grid is not theirs).
    listed = _client(tc, "grid_worker").get("/triage/cases/").content.decode()
    assert "【SIB】" not in listed and f"#{first.pk}<" in listed


@pytest.mark.django_db
def test_queue_tabs_overdue_follow_ups_and_observations_ended(tc: TinyCity, clock: Any) -> None:
    c = _client(tc, "health_worker")
    page = c.get("/triage/").content.decode()
    assert 'data-testid="count-overdue">0<' in page and 'data-testid="count-release">0<' in page
    # The morning check was not done: the grid worker's at 14:00, the health centre's at 18:00.
    clock.move_to(datetime.datetime(2026, 11, 24, 11, 0, tzinfo=datetime.UTC))  # 19:00
    follow_ups_escalate()
    overdue = c.get("/triage/", {"tab": "overdue"}).content.decode()
    # The community's two home observations (inside and sibling grid), one morning each.
    assert overdue.count('data-testid="follow-up-row"') == 2
    assert 'data-testid="quick-form"' in overdue
    # Day 14: the observation has ended but its afternoon check is still to come.
    clock.move_to(datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC))
    ended = c.get("/triage/", {"tab": "release"}).content.decode()
    assert ended.count('data-testid="release-row"') == 2
    assert f'href="/triage/cases/{_tiny_case(tc.inside).pk}/"' in ended


def _more_cases(tc: TinyCity, n: int, start: int) -> None:
    """Cases handed over from flags (the queue shows each flag's temperature)."""
    actor = _actor(tc, "grid_worker")
    for i in range(start, start + n):
        resident = _resident(tc, f"排队{i}")
        flag = HealthFlag.objects.create(
            **place_services.ancestor_columns(tc.inside.building),
            resident=resident,
            household=resident.household,
            raised_at=timezone.now(),
            first_report_id=0,
            last_report_id=0,
            max_temperature="38.2",
        )
        case_open_from_flag(actor=actor, flag=flag, note="已电话告知")


@pytest.mark.django_db
def test_queue_queries_do_not_grow_with_rows(
    tc: TinyCity, django_assert_max_num_queries: Any
) -> None:
    c = _client(tc, "health_worker")
    _more_cases(tc, 2, 0)
    c.get("/triage/")  # the session and the actor are cached after the first request
    with CaptureQueriesContext(connection) as few:
        page = c.get("/triage/").content.decode()
    assert page.count('data-testid="queue-row"') == 2
    _more_cases(tc, 10, 2)
    with django_assert_max_num_queries(len(few)):
        page = c.get("/triage/").content.decode()
    assert page.count('data-testid="queue-row"') == 12
    assert page.count("38.2 °C") == 12
    with CaptureQueriesContext(connection) as listed:
        c.get("/triage/cases/")
    _more_cases(tc, 10, 12)
    with django_assert_max_num_queries(len(listed)):
        c.get("/triage/cases/")


@pytest.mark.django_db
def test_waited_reads_like_a_clock() -> None:
    at = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert waited(at, at + datetime.timedelta(hours=2, minutes=15)) == "2 h 15 min"
        assert waited(at, at + datetime.timedelta(minutes=5, seconds=59)) == "5 min"
        assert waited(at, at + datetime.timedelta(days=1, hours=3, minutes=9)) == "1 d 3 h"
        assert waited(at, at - datetime.timedelta(minutes=1)) == "0 min"
        assert waited(None, at) == ""


# ---- the case list ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_list_filters_and_counts(tc: TinyCity) -> None:
    new = _new_case(tc)
    c = _client(tc, "community_admin")
    page = c.get("/triage/cases/").content.decode()
    # The community: its two grids' close contacts and the new walk-in.
    assert page.count('data-testid="case-row"') == 3
    assert 'data-testid="count-close_contact">2<' in page and 'data-testid="count-none">1<' in page
    untriaged = c.get("/triage/cases/", {"category": "none"}).content.decode()
    assert untriaged.count('data-testid="case-row"') == 1 and f"#{new.pk}<" in untriaged
    home = c.get("/triage/cases/", {"disposition": Disposition.HOME_OBSERVATION}).content.decode()
    assert home.count('data-testid="case-row"') == 2
    row = 'data-testid="case-row"'
    assert c.get("/triage/cases/", {"status": "closed"}).content.decode().count(row) == 0
    assert c.get("/triage/cases/", {"q": f"#{new.pk}"}).content.decode().count(row) == 1
    # Nonsense filters fall back to the defaults instead of failing.
    assert c.get("/triage/cases/", {"status": "x", "category": "y", "page": "z"}).status_code == 200


# ---- opening a case -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_open_a_case_from_a_call_and_join_the_open_one(tc: TinyCity) -> None:
    resident = tc.inside.residents[1]
    c = _client(tc, "grid_worker")
    found = c.get("/triage/cases/new/", {"q": resident.person.name}).content.decode()
    assert f'href="?resident={resident.pk}"' in found
    page = c.get("/triage/cases/new/", {"resident": resident.pk}).content.decode()
    url = f"/triage/cases/new/?resident={resident.pk}"
    form = {"once": _token(page, "case-open-form"), "origin": Origin.CALL, "note": ""}
    missing = c.post(url, form)
    assert missing.status_code == 400 and 'data-testid="error-note"' in missing.content.decode()
    assert not TriageCase.objects.filter(resident=resident).exists()
    r = c.post(url, form | {"note": "电话：昨晚起发热 38.3 °C"})
    case = TriageCase.objects.get(resident=resident)
    assert r.status_code == 302 and r["Location"] == f"/triage/cases/{case.pk}/"
    assert case.origin == Origin.CALL and case.triage_due_since is not None
    # Sent twice: one case, one "opened" line.
    c.post(url, form | {"note": "电话：昨晚起发热 38.3 °C"})
    assert CaseEvent.objects.filter(case=case).count() == 1
    # Opened again (a walk-in the same day): joins the open case.
    again = c.get(url).content.decode()
    assert 'data-testid="has-open-case"' in again
    r = c.post(url, {"once": _token(again, "case-open-form"), "origin": "walk_in", "note": "来诊"})
    assert r["Location"] == f"/triage/cases/{case.pk}/"
    assert TriageCase.objects.filter(resident=resident).count() == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.FLAG_JOINED).count() == 1
    # Someone outside the grid worker's area is not found.
    assert c.get("/triage/cases/new/", {"resident": tc.sibling.residents[1].pk}).status_code == 404


# ---- the case's forms ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_assessment_names_wrong_fields_needs_a_reason_to_change_and_counts_once(
    tc: TinyCity,
) -> None:
    case = _new_case(tc)
    url = f"/triage/cases/{case.pk}/"
    c = _client(tc, "health_worker")
    page = c.get(url).content.decode()
    assert 'data-testid="assess-form"' in page and 'data-testid="dispose-form"' not in page
    form = {"once": _token(page, "assess-form"), "category": "febrile"}
    bad = c.post(url + "assess/", form | {"temperature": "3.79"})
    assert bad.status_code == 400 and 'data-testid="error-temperature"' in bad.content.decode()
    case.refresh_from_db()
    assert case.category == ""
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.ASSESSED).exists()
    good = form | {"temperature": "37.9", "symptoms": ["cough"], "test_result": "CT 未见异常"}
    r = c.post(url + "assess/", good)
    assert r.status_code == 302 and r["Location"] == url
    case.refresh_from_db()
    assert case.category == Category.FEBRILE and str(case.temperature) == "37.9"
    assert case.symptoms == 2 and case.triage_due_since is None
    c.post(url + "assess/", good)  # a double tap
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ASSESSED).count() == 1
    # Changing the category needs a reason, named on its field.
    page = c.get(url).content.decode()
    change = {"once": _token(page, "assess-form"), "category": "cleared"}
    no_reason = c.post(url + "assess/", change)
    assert (
        no_reason.status_code == 400 and 'data-testid="error-reason"' in no_reason.content.decode()
    )
    case.refresh_from_db()
    assert case.category == Category.FEBRILE
    c.post(url + "assess/", change | {"reason": "复测体温正常排除"})
    case.refresh_from_db()
    assert case.category == Category.CLEARED
    timeline = c.get(url).content.decode()
    assert timeline.count('data-kind="category"') == 2 and "复测体温正常排除" in timeline
    # The community does not set a category: refused, nothing changed.
    admin = _client(tc, "community_admin")
    r = admin.post(url + "assess/", {"category": "confirmed", "reason": "x"})
    assert r.status_code == 403
    case.refresh_from_db()
    assert case.category == Category.CLEARED


@pytest.mark.django_db
def test_disposition_with_a_site_then_home_observation_and_transport(tc: TinyCity) -> None:
    case = _new_case(tc)
    url = f"/triage/cases/{case.pk}/"
    health = _client(tc, "health_worker")
    admin = _client(tc, "community_admin")
    untriaged = admin.get(url).content.decode()
    assert 'data-testid="dispose-form"' not in untriaged  # the health centre triages first
    case_assess(actor=_actor(tc, "health_worker"), case=case, category=Category.FEBRILE)
    assert 'data-testid="dispose-form"' not in health.get(url).content.decode()
    site = Site.objects.get(kind=SiteKind.ISOLATION, place=tc.inside.street)
    hospital = Site.objects.get(kind=SiteKind.HOSPITAL)
    Site.objects.filter(pk=hospital.pk).update(occupied=F("capacity"))
    page = admin.get(url).content.decode()
    assert f'<option value="{site.pk}"' in page
    assert f'<option value="{hospital.pk}"' not in page  # full
    form = {"once": _token(page, "dispose-form")}
    full = admin.post(
        url + "dispose/", form | {"disposition": "hospital", "site": str(hospital.pk)}
    )
    assert full.status_code == 400 and 'data-testid="error-site"' in full.content.decode()
    case.refresh_from_db()
    assert case.disposition == "" and case.site_id is None
    r = admin.post(url + "dispose/", form | {"disposition": "isolation", "site": str(site.pk)})
    assert r.status_code == 302
    case.refresh_from_db()
    site.refresh_from_db()
    assert case.disposition == Disposition.ISOLATION and case.site_id == site.pk
    assert site.occupied == 1
    admin.post(
        url + "dispose/", form | {"disposition": "isolation", "site": str(site.pk)}
    )  # sent twice
    site.refresh_from_db()
    assert site.occupied == 1
    # A change of disposition needs a reason.
    page = admin.get(url).content.decode()
    assert 'data-testid="case-site"' in page
    form = {"once": _token(page, "dispose-form")}
    no_reason = admin.post(url + "dispose/", form | {"disposition": "home_observation"})
    assert (
        no_reason.status_code == 400 and 'data-testid="error-reason"' in no_reason.content.decode()
    )
    r = admin.post(
        url + "dispose/", form | {"disposition": "home_observation", "reason": "隔离点转居家"}
    )
    assert r.status_code == 302
    case.refresh_from_db()
    site.refresh_from_db()
    assert case.disposition == Disposition.HOME_OBSERVATION and site.occupied == 0
    page = admin.get(url).content.decode()
    # 14 days from this morning: every slot in the grid.
    assert 'data-testid="follow-up-grid"' in page
    assert page.count('data-testid="obs-day"') == 14
    assert page.count('data-testid="obs-slot"') == 28
    # Transport: done before needed is refused on its field; then needed, then done.
    form = {"once": _token(page, "transport-form")}
    early = admin.post(url + "transport/", form | {"transport": "done"})
    assert early.status_code == 400 and 'data-testid="error-transport"' in early.content.decode()
    admin.post(url + "transport/", form | {"transport": "needed"})
    page = admin.get(url).content.decode()
    admin.post(url + "transport/", {"once": _token(page, "transport-form"), "transport": "done"})
    case.refresh_from_db()
    assert case.transport == "done"
    assert CaseEvent.objects.filter(case=case, kind=EventKind.TRANSPORT).count() == 2


@pytest.mark.django_db
def test_link_a_close_contact_found_on_the_page(tc: TinyCity) -> None:
    index = _new_case(tc)
    case_assess(actor=_actor(tc, "health_worker"), case=index, category=Category.SUSPECTED)
    contact = _resident(tc, "李密接")
    url = f"/triage/cases/{index.pk}/"
    c = _client(tc, "health_worker")
    page = c.get(url, {"contact_q": "李密接"}).content.decode()
    assert f'name="resident" value="{contact.pk}"' in page
    form = {"once": _token(page, "contact-form"), "resident": contact.pk}
    future = c.post(url + "contact/", form | {"last_contact_on": "2026-11-25"})
    assert future.status_code == 400
    assert 'data-testid="error-last_contact_on"' in future.content.decode()
    itself = c.post(
        url + "contact/", form | {"resident": index.resident_id, "last_contact_on": "2026-11-22"}
    )
    assert itself.status_code == 400 and 'data-testid="error-resident"' in itself.content.decode()
    unseen = c.post(
        url + "contact/",
        form | {"resident": tc.other_district.residents[1].pk, "last_contact_on": "2026-11-22"},
    )
    assert unseen.status_code == 400 and 'data-testid="error-resident"' in unseen.content.decode()
    assert not TriageCase.objects.filter(resident=contact).exists()
    r = c.post(url + "contact/", form | {"last_contact_on": "2026-11-22", "note": "同桌吃饭"})
    assert r.status_code == 302
    linked = TriageCase.objects.get(resident=contact)
    assert linked.index_case_id == index.pk and linked.category == Category.CLOSE_CONTACT
    assert linked.last_contact_on == datetime.date(2026, 11, 22)
    c.post(
        url + "contact/", form | {"last_contact_on": "2026-11-22", "note": "同桌吃饭"}
    )  # sent twice
    assert CaseEvent.objects.filter(case=linked, kind=EventKind.CONTACT_LINKED).count() == 1
    shown = c.get(url).content.decode()
    assert shown.count('data-testid="contact-row"') == 1 and "李密接" in shown
    # The contact's page links back to its index case.
    assert (
        f'href="/triage/cases/{index.pk}/" data-testid="index-case"'
        in c.get(f"/triage/cases/{linked.pk}/").content.decode()
    )


# ---- follow-ups ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_grid_worker_records_a_follow_up_once(tc: TinyCity) -> None:
    case = _tiny_case(tc.inside)
    morning = FollowUp.objects.get(case=case, day=datetime.date(2026, 11, 24), slot="am")
    afternoon = FollowUp.objects.get(case=case, day=datetime.date(2026, 11, 24), slot="pm")
    c = _client(tc, "grid_worker")
    page = c.get("/triage/follow-ups/").content.decode()
    # Today: the grid's close contact's two checks, the morning one to record now.
    assert page.count('data-testid="follow-up-row"') == 2 and "【SIB】" not in page
    assert page.count('data-testid="quick-form"') == 1
    assert f'href="tel:{case.resident.person.phone}"' in page
    assert AuditEvent.objects.filter(action="view_follow_up_list").count() == 1
    token = _token(page[page.index(f'data-follow-up="{morning.pk}"') :], "quick-form")
    url = f"/triage/follow-ups/{morning.pk}/"
    # "next" leads back within triage only, never to another site.
    form = {"once": token, "next": "https://evil.example/triage/"}
    bad = c.post(url, form | {"temperature": "高烧"})
    assert bad.status_code == 400 and 'data-testid="error-temperature"' in bad.content.decode()
    morning.refresh_from_db()
    assert morning.status == FollowUpStatus.DUE
    r = c.post(url, form | {"temperature": "36.6"})
    assert r.status_code == 302 and r["Location"] == "/triage/follow-ups/"
    morning.refresh_from_db()
    assert morning.status == FollowUpStatus.DONE and morning.source == FollowUpSource.WORKER
    c.post(url, form | {"temperature": "36.6"})  # sent twice
    assert CaseEvent.objects.filter(case=case, kind=EventKind.FOLLOW_UP).count() == 1
    # The afternoon has not started: refused with the reason, nothing recorded.
    later = c.post(f"/triage/follow-ups/{afternoon.pk}/", {"temperature": "36.6"})
    assert later.status_code == 400 and 'data-testid="form-error"' in later.content.decode()
    afternoon.refresh_from_db()
    assert afternoon.status == FollowUpStatus.DUE
    page = c.get(f"/triage/follow-ups/{afternoon.pk}/").content.decode()
    assert 'data-testid="follow-up-form"' not in page
    # The street sees follow-ups but does not record them.
    street = _client(tc, "street_admin")
    assert 'data-testid="quick-form"' not in street.get("/triage/follow-ups/").content.decode()
    r = street.post(f"/triage/follow-ups/{afternoon.pk}/", {"temperature": "36.6"})
    assert r.status_code == 403


@pytest.mark.django_db
def test_fever_at_a_follow_up_sends_back_to_triage(tc: TinyCity, clock: Any) -> None:
    case = _tiny_case(tc.inside)
    follow_up = FollowUp.objects.get(case=case, day=datetime.date(2026, 11, 24), slot="am")
    c = _client(tc, "grid_worker")
    page = c.get(f"/triage/follow-ups/{follow_up.pk}/?next=/triage/cases/{case.pk}/")
    html = page.content.decode()
    r = c.post(
        f"/triage/follow-ups/{follow_up.pk}/",
        {
            "once": _token(html, "follow-up-form"),
            "next": f"/triage/cases/{case.pk}/",
            "temperature": "38.2",
            "symptoms": ["cough"],
        },
    )
    assert r["Location"] == f"/triage/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.triage_due_since is not None
    queue = _client(tc, "health_worker").get("/triage/").content.decode()
    assert f'data-case="{case.pk}"' in queue
    grid = c.get(f"/triage/cases/{case.pk}/").content.decode()
    assert 'data-state="abnormal"' in grid


@pytest.mark.django_db
def test_health_centre_sees_its_level_of_overdue_follow_ups(tc: TinyCity, clock: Any) -> None:
    clock.move_to(datetime.datetime(2026, 11, 24, 7, 0, tzinfo=datetime.UTC))  # 15:00
    follow_ups_escalate()
    assert FollowUp.objects.filter(level=FollowUpLevel.GRID_WORKER).exists()
    health = _client(tc, "health_worker")
    grid = _client(tc, "grid_worker")
    assert 'data-testid="count-overdue">0<' in health.get("/triage/follow-ups/").content.decode()
    assert 'data-testid="count-overdue">1<' in grid.get("/triage/follow-ups/").content.decode()
    clock.move_to(datetime.datetime(2026, 11, 24, 11, 0, tzinfo=datetime.UTC))  # 19:00
    follow_ups_escalate()
    page = health.get("/triage/follow-ups/").content.decode()
    assert 'data-testid="count-overdue">2<' in page  # the community's two grids
    assert page.count('data-testid="follow-up-row"') == 2


# ---- the flag hand-over -------------------------------------------------------------------------


@pytest.mark.django_db
def test_flag_hand_over_opens_the_case_and_goes_to_it(tc: TinyCity) -> None:
    flag = HealthFlag.objects.get(resident=tc.inside.residents[1])
    c = _client(tc, "grid_worker")
    page = c.get(f"/health/flags/{flag.pk}/").content.decode()
    assert 'data-testid="flag-case"' not in page
    form = {"once": _token(page, "flag-form"), "note": "已电话告知"}
    r = c.post(f"/health/flags/{flag.pk}/handover/", form)
    case = TriageCase.objects.get(resident=tc.inside.residents[1])
    assert r.status_code == 302 and r["Location"] == f"/triage/cases/{case.pk}/"
    assert case.origin == Origin.FLAG and case.flag_id == flag.pk
    flag.refresh_from_db()
    assert flag.status == FlagStatus.HANDED_OVER
    c.post(f"/health/flags/{flag.pk}/handover/", form)  # sent twice
    assert TriageCase.objects.filter(resident=tc.inside.residents[1]).count() == 1
    assert CaseEvent.objects.filter(case=case).count() == 1
    shown = c.get(f"/health/flags/{flag.pk}/").content.decode()
    assert f'href="/triage/cases/{case.pk}/" data-testid="flag-case-link"' in shown
    case_page = c.get(f"/triage/cases/{case.pk}/").content.decode()
    assert f'href="/health/flags/{flag.pk}/"' in case_page


@pytest.mark.django_db
def test_flag_dismiss_still_works(tc: TinyCity) -> None:
    flag = HealthFlag.objects.get(resident=tc.inside.residents[1])
    c = _client(tc, "community_admin")
    page = c.get(f"/health/flags/{flag.pk}/").content.decode()
    form = {"once": _token(page, "flag-form"), "note": "复测 36.5 °C"}
    r = c.post(f"/health/flags/{flag.pk}/dismiss/", form)
    assert r.status_code == 302 and r["Location"] == f"/health/flags/{flag.pk}/"
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED
    assert not TriageCase.objects.filter(resident=tc.inside.residents[1]).exists()


def test_case_list_narrows_to_a_place_from_the_dashboard(tiny_city: TinyCity) -> None:
    """The dashboard's counts link to the case list of one place: only that place's cases, and a
    place outside the actor's area is a 404."""
    c = Client()
    c.force_login(tiny_city.users["community_admin"])
    everywhere = c.get("/triage/cases/").content.decode()
    assert "1栋" in everywhere and "【SIB】楼" in everywhere
    grid = c.get(f"/triage/cases/?place={tiny_city.inside.grid.pk}").content.decode()
    assert 'data-testid="cases-place"' in grid
    assert "1栋" in grid and "【SIB】楼" not in grid
    assert c.get(f"/triage/cases/?place={tiny_city.other_street.street.pk}").status_code == 404


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("grid_worker", ["/triage/follow-ups/"], ["/triage/transfers/", "/triage/disclosures/"]),
        ("health_worker", ["/triage/follow-ups/"], ["/triage/transfers/"]),
        ("community_admin", ["/triage/transfers/", "/triage/disclosures/"], []),
        ("street_admin", ["/triage/transfers/", "/triage/dashboard/"], ["/triage/follow-ups/"]),
    ],
)
def test_triage_links_follow_the_role(
    tiny_city: TinyCity, role: str, shown: list[str], hidden: list[str]
) -> None:
    c = Client()
    c.force_login(tiny_city.users[role])
    page = c.get("/triage/cases/").content.decode()
    nav = page[page.index('data-testid="triage-nav"') :]
    nav = nav[: nav.index("</nav>")]
    for href in shown:
        assert f'href="{href}"' in nav, (role, href)
    for href in hidden:
        assert f'href="{href}"' not in nav, (role, href)
