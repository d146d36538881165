"""The counts that feed every report (issue 5, item 6): open cases per category and disposition
per place, checked against a recount over all rows; the time from the first flag to triage,
isolation and hospital on known data (the same figures on SQLite and PostgreSQL); scoping; the
dashboard pages; and the triage figures of the community daily report."""

from __future__ import annotations

import datetime
import itertools
import random
import re
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client

from accounts.selectors import actor_for_user
from core.actor import Actor
from health.models import DailyReport, HealthFlag
from people.models import Person, Relation, Resident
from places import services as place_services
from places.models import Place
from reports import services as daily
from reports.selectors import HAND_MARK, figure_sections, triage_figures
from testkit import ROOT, Chain, TinyCity, synthetic_id_number
from triage import stats
from triage.cases import case_open, case_open_from_flag
from triage.decisions import bed_assign, case_assess, case_disposition_set
from triage.models import Category, Disposition, Origin, Site, SiteKind, TriageCase

# Tuesday 24 November 2026, 09:00 in Beijing. The tiny city is built a month before, so its
# sample cases (a close contact per chain) are open but outside the 14-day duration window.
T0 = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 11, 24)
BUILT = T0 - datetime.timedelta(days=30)
C, D = Category, Disposition
_names = itertools.count(1)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(BUILT, tick=False) as t:
        yield t


@pytest.fixture
def city(clock: Any, tiny_city: TinyCity) -> TinyCity:
    clock.move_to(T0)
    return tiny_city


def _actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def _at(minutes: float) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


def _resident(chain: Chain) -> Resident:
    """Another resident of the chain's household (named with the chain's marker, if any)."""
    marker = re.match(r"【\w+】", chain.residents[0].person.name)
    person = Person.objects.create(
        name=f"{marker.group(0) if marker else ''}居民{next(_names)}",
        id_number=synthetic_id_number(),
        birth_date=datetime.date(1975, 3, 1),
        sex="F",
    )
    return Resident.objects.create(
        person=person,
        household=chain.household,
        relation=Relation.OTHER,
        **place_services.ancestor_columns(chain.building),
    )


def _open(chain: Chain) -> TriageCase:
    case, created = case_open(
        actor=ROOT, resident=_resident(chain), origin=Origin.CALL, note="发热 38.2°C"
    )
    assert created
    return case


def _isolation_site(chain: Chain) -> Site:
    return Site.objects.get(kind=SiteKind.ISOLATION, place=chain.street)


def _hospital() -> Site:
    return Site.objects.get(kind=SiteKind.HOSPITAL, name="测试市定点医院")


# ---- counts -------------------------------------------------------------------------------------

# The states a case is brought to: (categories in turn, disposition, bed?).
STATES: list[tuple[list[str], str, bool]] = [
    ([], "", False),  # not triaged yet
    ([C.SUSPECTED], "", False),  # triaged, no disposition yet
    ([C.SUSPECTED, C.CONFIRMED], D.HOSPITAL, True),
    ([C.SUSPECTED], D.ISOLATION, False),  # waiting for a room
    ([C.CLOSE_CONTACT], D.ISOLATION, True),
    ([C.FEBRILE], D.FEVER_CLINIC, False),
    ([C.FEBRILE], D.HOME_OBSERVATION, False),
    ([C.CLOSE_CONTACT], D.HOME_OBSERVATION, False),
    ([C.FEBRILE, C.CLEARED], D.RELEASED, False),  # closed: counted nowhere
    ([C.CONFIRMED], D.HOSPITAL, False),  # waiting for a bed
]


def _bring(chain: Chain, categories: list[str], disposition: str, bed: bool) -> TriageCase:
    case = _open(chain)
    for category in categories:
        case = case_assess(actor=ROOT, case=case, category=category, reason="复查")
    if disposition:
        case = case_disposition_set(actor=ROOT, case=case, disposition=disposition)
    if bed:
        site = _hospital() if disposition == D.HOSPITAL else _isolation_site(chain)
        case = bed_assign(actor=ROOT, case=case, site=site)
    return case


def _scenario(tc: TinyCity, seed: int = 5) -> None:
    rng = random.Random(seed)
    chains = [tc.inside, tc.sibling, tc.other_street, tc.other_district]
    for chain in chains:
        for state in rng.sample(STATES, k=7):
            _bring(chain, *state)


def _recount(place: Place) -> dict[int, dict[str, Counter[str]]]:
    """Open cases of `place` per child (and under key 0 in total), over every row in Python."""
    column = f"{place.kind}_id"
    child_column = stats.CHILD_COLUMN[place.kind]
    out: dict[int, dict[str, Counter[str]]] = {}
    for case in TriageCase.objects.all():
        if case.status != "open" or getattr(case, column) != place.pk:
            continue
        for key in (0, getattr(case, child_column)):
            c = out.setdefault(key, {"category": Counter(), "disposition": Counter()})
            c["category"][case.category or "none"] += 1
            c["disposition"][case.disposition or "none"] += 1
            c["disposition"]["open"] += 1
            c["disposition"]["triage"] += case.triage_due_since is not None
            c["disposition"]["bed"] += case.bed_wanted_since is not None
    return out


def _as_counters(row: stats.CountRow) -> dict[str, Counter[str]]:
    disposition = Counter({k: n for k, n in row.by_disposition.items() if n})
    disposition.update(
        {"open": row.open, "triage": row.awaiting_triage, "bed": row.waiting_for_bed}
    )
    return {
        "category": Counter({k: n for k, n in row.by_category.items() if n}),
        "disposition": +disposition,
    }


EMPTY: dict[str, Counter[str]] = {"category": Counter(), "disposition": Counter()}


@pytest.mark.django_db
def test_counts_per_category_and_disposition_equal_a_recount(city: TinyCity) -> None:
    _scenario(city)
    viewers = {
        "city_admin": city.city,
        "district_admin": city.inside.district,
        "street_admin": city.inside.street,
        "community_admin": city.inside.community,
        "health_worker": city.inside.community,
        "grid_worker": city.inside.grid,
    }
    checked = 0
    for role, top in viewers.items():
        actor = _actor(city, role)
        places = [top, *Place.objects.filter(parent=top).exclude(kind="building")]
        for place in places:
            expected = _recount(place)
            got = stats.case_counts(actor, place)
            assert _as_counters(got.total) == expected.get(0, EMPTY), (role, place.name)
            children = {r.place_id: r for r in got.children}
            assert set(children) == set(
                Place.objects.filter(parent=place).values_list("pk", flat=True)
            )
            for pk, row in children.items():
                assert _as_counters(row) == expected.get(pk, EMPTY), (role, row.name)
            checked += 1
    assert checked >= 10
    # The recount is not trivially empty: the whole city has every state but the closed one.
    total = stats.case_counts(ROOT, city.city).total
    assert total.open == TriageCase.objects.filter(status="open").count() > 20
    assert all(total.by_category[k] for k in stats.CATEGORY_KEYS if k != C.CLEARED)
    assert total.waiting_for_bed and total.awaiting_triage and total.home_observation
    assert total.by_disposition[D.RELEASED] == 0


@pytest.mark.django_db
def test_counts_are_scoped_even_for_a_place_above_the_actor(city: TinyCity) -> None:
    _scenario(city)
    street_admin = _actor(city, "street_admin")
    # Asked for the whole district, the selector still counts only the actor's street.
    got = stats.case_counts(street_admin, city.inside.district)
    assert got.total.open == _recount(city.inside.street)[0]["disposition"]["open"]
    # Its children are the places the actor sees: not the other street, not even its name.
    assert {r.name: r.open for r in got.children} == {"甲街道": got.total.open}
    grid_worker = _actor(city, "grid_worker")
    got = stats.case_counts(grid_worker, city.inside.community)
    assert [r.name for r in got.children] == ["第3网格"]
    assert got.total.open == _recount(city.inside.grid)[0]["disposition"]["open"]
    # Nobody outside the case roles counts anything.
    for role in ("building_head", "volunteer", "unit_admin", "resident"):
        assert stats.case_counts(_actor(city, role), city.city).total.open == 0, role


# ---- durations ----------------------------------------------------------------------------------


def _known_durations(tc: TinyCity, clock: Any) -> None:
    """Cases of 甲街道 first flagged at T0 (one by a flag raised 30 minutes before), triaged after
    10, 20, 30, 40 and 100 minutes, isolated after 60 and 120, hospitalised after 150; one
    never triaged; one in 【OST】街道 triaged after 5; one flagged 20 days before."""
    inside, sibling = tc.inside, tc.sibling
    clock.move_to(T0 - datetime.timedelta(days=20))
    old = _open(inside)
    clock.move_to(T0 - datetime.timedelta(days=20) + datetime.timedelta(minutes=1000))
    case_assess(actor=ROOT, case=old, category=C.FEBRILE)

    flag = HealthFlag.objects.get(resident=inside.residents[1])
    HealthFlag.objects.filter(pk=flag.pk).update(raised_at=_at(-30))
    clock.move_to(T0)
    grid = _actor(tc, "grid_worker")
    flagged, created = case_open_from_flag(
        actor=grid, flag=HealthFlag.objects.get(pk=flag.pk), note="已电话联系卫生服务中心"
    )
    assert created and flagged.first_flagged_at == _at(-30)
    b, c, d, e, f = _open(inside), _open(sibling), _open(inside), _open(sibling), _open(inside)
    ost = _open(tc.other_street)
    assert f.triaged_at is None
    clinician = ROOT
    steps: list[tuple[float, Any]] = [
        (0, lambda: case_assess(actor=clinician, case=flagged, category=C.FEBRILE)),
        (5, lambda: case_assess(actor=clinician, case=ost, category=C.FEBRILE)),
        (10, lambda: case_assess(actor=clinician, case=b, category=C.FEBRILE)),
        (20, lambda: case_assess(actor=clinician, case=c, category=C.CLOSE_CONTACT)),
        (20, lambda: case_disposition_set(actor=ROOT, case=c, disposition=D.ISOLATION)),
        (40, lambda: case_assess(actor=clinician, case=d, category=C.SUSPECTED)),
        (40, lambda: case_disposition_set(actor=ROOT, case=d, disposition=D.ISOLATION)),
        (60, lambda: bed_assign(actor=ROOT, case=c, site=_isolation_site(inside))),
        (100, lambda: case_assess(actor=clinician, case=e, category=C.CONFIRMED)),
        (100, lambda: case_disposition_set(actor=ROOT, case=e, disposition=D.HOSPITAL)),
        (120, lambda: bed_assign(actor=ROOT, case=d, site=_isolation_site(inside))),
        (150, lambda: bed_assign(actor=ROOT, case=e, site=_hospital())),
    ]
    for minutes, step in steps:
        clock.move_to(_at(minutes))
        step()
    clock.move_to(_at(180))


def _figures(durations: list[stats.Duration]) -> dict[str, tuple[int, Any, Any]]:
    return {d.key: (d.count, d.median, d.p90) for d in durations}


@pytest.mark.django_db
def test_durations_median_and_p90_on_known_data(city: TinyCity, clock: Any) -> None:
    _known_durations(city, clock)
    street = stats.case_durations(_actor(city, "street_admin"), city.inside.street)
    # Triage [10, 20, 30, 40, 100]: median 30; p90 at rank 3.6 → 40 + 0.6 × 60 = 76.
    assert _figures(street) == {
        "triage": (5, 30.0, 76.0),
        "isolation": (2, 90.0, 114.0),  # [60, 120]: 60 + 0.9 × 60
        "hospital": (1, 150.0, 150.0),
    }
    # The district sees 【OST】街道's case too: [5, 10, 20, 30, 40, 100].
    district = stats.case_durations(_actor(city, "district_admin"), city.inside.district)
    assert _figures(district)["triage"] == (6, 25.0, 70.0)
    # A longer window takes in the case flagged 20 days ago (1000 minutes).
    since = T0 - datetime.timedelta(days=25)  # not the tiny city's own cases (30 days ago)
    longer = stats.case_durations(_actor(city, "street_admin"), city.inside.street, since)
    assert _figures(longer)["triage"] == (6, 35.0, 550.0)  # 100 + 0.5 × 900
    # The street admin asking for the district still sees only their street.
    scoped = stats.case_durations(_actor(city, "street_admin"), city.inside.district)
    assert _figures(scoped) == _figures(street)
    # Nothing to time: None, shown as a dash.
    empty = stats.case_durations(_actor(city, "street_admin"), city.other_street.street)
    assert _figures(empty)["triage"] == (0, None, None)
    from django.utils import translation

    with translation.override("en"):  # the texts, whatever language an earlier test left on
        assert empty[0].median_text == "—" and street[0].median_text == "30 min"
        assert stats.minutes_text(150) == "2 h 30 min" and stats.minutes_text(3000) == "2 d 2 h"
    with translation.override("zh-hans"):
        assert stats.minutes_text(30) == "30分钟"


@pytest.mark.django_db
def test_durations_computed_in_python_and_in_the_database_agree(city: TinyCity, clock: Any) -> None:
    """On PostgreSQL both ways run on the same rows; on SQLite only Python can (and the known
    data test above holds it to the same figures)."""
    rng = random.Random(11)
    chains = [city.inside, city.sibling, city.other_street]
    for i in range(23):
        clock.move_to(T0 + datetime.timedelta(seconds=rng.randint(0, 3600)))
        case = _open(chains[i % 3])
        clock.move_to(case.opened_at + datetime.timedelta(seconds=rng.randint(1, 20_000)))
        case = case_assess(actor=ROOT, case=case, category=C.SUSPECTED)
        if i % 2:
            case = case_disposition_set(actor=ROOT, case=case, disposition=D.ISOLATION)
            assert case.triaged_at is not None
            clock.move_to(case.triaged_at + datetime.timedelta(seconds=rng.randint(1, 50_000)))
            bed_assign(actor=ROOT, case=case, site=_isolation_site(chains[i % 3]))
    clock.move_to(T0 + datetime.timedelta(days=2))
    actor = _actor(city, "district_admin")
    cases = TriageCase.objects.for_actor(actor).filter(first_flagged_at__gte=T0)
    in_python = stats.durations_of(cases, in_database=False)
    python_triage = sorted((c.triaged_at - c.first_flagged_at).total_seconds() / 60 for c in cases)
    assert in_python[0].count == 23
    assert in_python[0].median == round(python_triage[11], 1)
    if connection.vendor == "postgresql":
        assert stats.durations_of(cases, in_database=True) == in_python
    assert stats.case_durations(actor, city.inside.district, T0) == in_python


def test_percentile_cont_interpolates_like_postgresql() -> None:
    assert stats.percentile_cont([], 0.5) is None
    assert stats.percentile_cont([7.0], 0.9) == 7.0
    assert stats.percentile_cont([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert stats.percentile_cont([0.0, 10.0], 0.9) == 9.0


# ---- the dashboard ------------------------------------------------------------------------------


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


@pytest.mark.django_db
def test_street_dashboard_shows_counts_durations_and_links(city: TinyCity, clock: Any) -> None:
    _known_durations(city, clock)
    street = city.inside.street
    c = _client(city, "street_admin")
    c.cookies["django_language"] = "en"
    r = c.get(f"/triage/dashboard/{street.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    board = r.context["board"]
    expected = _recount(street)[0]
    assert board.counts.total.open == expected["disposition"]["open"]
    assert f'data-testid="total-open">{board.counts.total.open}<' in body
    assert 'data-testid="duration-triage-median">30 min<' in body
    assert 'data-testid="duration-isolation-p90">1 h 54 min<' in body
    # One row per community of the street, linked down; counts link to the case list.
    community = city.inside.community
    assert body.count('data-testid="category-row"') == 1
    assert f'href="/triage/dashboard/{community.pk}/"' in body
    n_suspected = board.counts.total.by_category[C.SUSPECTED]
    assert n_suspected == 1
    link = f"/triage/cases/?status=open&amp;category=suspected&amp;place={community.pk}"
    assert f'<a href="{link}">1</a>' in body
    link = f"/triage/cases/?status=open&amp;disposition=home_observation&amp;place={street.pk}"
    assert link in body
    assert body.count('data-testid="chart-row"') == 1
    assert 'data-testid="segment-close_contact"' in body
    assert "【OST】" not in body and "【ODI】" not in body

    # The window: 30 days takes in the old case; a wrong one is a field error.
    r = c.get(f"/triage/dashboard/{street.pk}/?days=30")
    assert r.context["board"].durations[0].count == 6
    r = c.get(f"/triage/dashboard/{street.pk}/?days=abc")
    assert r.status_code == 400 and 'data-testid="error-days"' in r.content.decode()
    assert r.context["board"].days == 14


@pytest.mark.django_db
def test_dashboard_access(city: TinyCity) -> None:
    ost_street = city.other_street.street
    # Each role's home goes to its top place.
    for role, place in (
        ("city_admin", city.city),
        ("street_admin", city.inside.street),
        ("community_admin", city.inside.community),
        ("health_worker", city.inside.community),
        ("grid_worker", city.inside.grid),
    ):
        r = _client(city, role).get("/triage/dashboard/")
        assert r.status_code == 302 and r["Location"] == f"/triage/dashboard/{place.pk}/", role
        assert _client(city, role).get(r["Location"]).status_code == 200, role
    # Outside the grants, above them, a building, or no case role: the same 404.
    s = _client(city, "street_admin")
    for place in (ost_street, city.inside.district, city.city, city.inside.building):
        assert s.get(f"/triage/dashboard/{place.pk}/").status_code == 404, place.name
    assert s.get("/triage/dashboard/999999/").status_code == 404
    g = _client(city, "grid_worker")
    assert g.get(f"/triage/dashboard/{city.inside.community.pk}/").status_code == 404
    for role in ("building_head", "volunteer", "resident"):
        c = _client(city, role)
        assert c.get(f"/triage/dashboard/{city.inside.community.pk}/").status_code == 404, role
        assert c.get("/triage/dashboard/").status_code == 403, role
        assert c.get("/triage/dashboard/summary/").content.strip() == b"", role
    # A grid's dashboard lists its buildings, which have no dashboard of their own.
    body = g.get(f"/triage/dashboard/{city.inside.grid.pk}/").content.decode()
    assert "1栋" in body and f"/triage/dashboard/{city.inside.building.pk}/" not in body
    assert "【SIB】" not in body


@pytest.mark.django_db
def test_health_home_carries_the_triage_card(city: TinyCity) -> None:
    c = _client(city, "community_admin")
    c.cookies["django_language"] = "en"
    home = c.get("/health/").content.decode()
    assert 'hx-get="/triage/dashboard/summary/"' in home
    card = c.get("/triage/dashboard/summary/").content.decode()
    assert 'data-testid="triage-summary"' in card
    # The tiny city's two close contacts of 甲社区 are at home under observation.
    assert 'data-testid="summary-home-observation">2<' in card
    assert 'href="/triage/dashboard/"' in card


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_places(
    city: TinyCity, django_assert_max_num_queries: Any
) -> None:
    _scenario(city)
    for i in range(25):
        community = place_services.place_create(
            actor=ROOT, kind="community", name=f"新社区{i}", parent=city.inside.street
        )
        if i % 5 == 0:
            place_services.place_create(actor=ROOT, kind="grid", name="网格", parent=community)
    c = _client(city, "street_admin")
    c.get(f"/triage/dashboard/{city.inside.street.pk}/")  # session and actor cached
    with django_assert_max_num_queries(6):
        r = c.get(f"/triage/dashboard/{city.inside.street.pk}/")
    assert r.status_code == 200
    assert r.content.decode().count('data-testid="category-row"') == 26


# ---- the daily report's triage figures ----------------------------------------------------------


@pytest.mark.django_db
def test_daily_report_triage_figures(city: TinyCity, clock: Any) -> None:
    inside, sibling = city.inside, city.sibling
    # The day before: a febrile patient and a close contact (neither new on DAY as such).
    clock.move_to(T0 - datetime.timedelta(days=1))
    febrile = _bring(inside, [C.FEBRILE], "", False)
    contact = _bring(sibling, [C.CLOSE_CONTACT], "", False)
    clock.move_to(_at(-60))  # 08:00 Beijing
    # On DAY: yesterday's febrile becomes confirmed (a new confirmed case); the contact is
    # cleared, then a close contact again (not new: it was one before).
    case_assess(actor=ROOT, case=febrile, category=C.CONFIRMED, reason="核酸阳性")
    case_assess(actor=ROOT, case=contact, category=C.CLEARED, reason="排除")
    clock.move_to(_at(0))
    case_assess(actor=ROOT, case=contact, category=C.CLOSE_CONTACT, reason="再次接触")
    # Three cases opened today: suspected then confirmed (new in both), febrile at home, one
    # waiting for triage.
    s, h = _open(inside), _open(sibling)
    clock.move_to(_at(30))
    case_assess(actor=ROOT, case=s, category=C.SUSPECTED)
    case_disposition_set(actor=ROOT, case=s, disposition=D.ISOLATION)  # waiting for a room
    clock.move_to(_at(50))
    case_assess(actor=ROOT, case=s, category=C.CONFIRMED, reason="CT 阳性")
    clock.move_to(_at(130))
    case_assess(actor=ROOT, case=h, category=C.FEBRILE)
    case_disposition_set(actor=ROOT, case=h, disposition=D.HOME_OBSERVATION)
    _open(inside)
    # Elsewhere, and on the next day: not counted.
    _bring(city.other_street, [C.CONFIRMED], D.HOSPITAL, False)
    clock.move_to(datetime.datetime(2026, 11, 24, 16, 30, tzinfo=datetime.UTC))  # 00:30 next day
    _bring(inside, [C.SUSPECTED], "", False)
    clock.move_to(_at(600))

    actor = _actor(city, "community_admin")
    got = triage_figures(actor, inside.community, DAY)
    assert got == {
        "new_confirmed": 2,
        "new_suspected": 1,
        "new_febrile": 1,
        "new_close_contact": 0,
        "cases_opened": 3,
        # The tiny city's two contacts at home, and today's febrile patient.
        "home_observation": 3,
        "beds_waiting": 1,
        # Triaged on DAY for the first time: after 30 and 130 minutes.
        "triage_minutes_median": 80,
    }
    # The day before: the febrile patient and the contact, both opened and triaged at once.
    before = triage_figures(actor, inside.community, DAY - datetime.timedelta(days=1))
    assert (before["new_febrile"], before["new_close_contact"], before["cases_opened"]) == (
        1,
        1,
        2,
    )
    assert before["triage_minutes_median"] == 0
    # A day nobody was triaged has no median.
    quiet = triage_figures(actor, inside.community, DAY - datetime.timedelta(days=3))
    assert "triage_minutes_median" not in quiet and quiet["cases_opened"] == 0

    # The generated report carries them, computed (not by hand), and the street's roll-up sums
    # the counts but not the median.
    report = daily.daily_report_generate(actor=actor, community=inside.community)
    assert {k: report.figures[k] for k in got} == got
    assert report.figures[HAND_MARK] == []
    report = daily.daily_report_submit(actor=actor, report=report, hand_kept={"requests_open": 0})
    from reports.selectors import daily_overview

    overview = daily_overview(_actor(city, "street_admin"), inside.street, DAY)
    assert overview.total.sums["new_confirmed"] == 2
    assert "triage_minutes_median" not in overview.total.sums
    rows = {r.key: r for s in figure_sections(report.figures) for r in s.rows}
    assert rows["new_confirmed"].value == 2 and not rows["new_confirmed"].hand_kept


@pytest.mark.django_db
def test_daily_triage_figures_are_scoped(city: TinyCity) -> None:
    """A street admin of another street computing 甲社区's figures finds none of its cases."""
    _bring(city.inside, [C.CONFIRMED], D.HOSPITAL, False)
    ost = _actor(city, "【OST】_admin")
    got = triage_figures(ost, city.inside.community, DAY)
    assert got["new_confirmed"] == got["cases_opened"] == got["beds_waiting"] == 0
    assert got["home_observation"] == 0
    own = triage_figures(_actor(city, "community_admin"), city.inside.community, DAY)
    assert own["new_confirmed"] == own["beds_waiting"] == 1


@pytest.mark.django_db
def test_a_report_stored_before_the_triage_figures_renders_and_is_regenerated(
    city: TinyCity,
) -> None:
    admin = _actor(city, "community_admin")
    DailyReport.objects.all().delete()
    report = daily.daily_report_generate(actor=admin, community=city.inside.community)
    # As a report of the earlier version was stored: triage figures typed in by hand.
    old = {k: v for k, v in report.figures.items() if k not in stats_keys()}
    old |= {"new_confirmed": 7, "home_observation": 9, "requests_open": 1}
    old[HAND_MARK] = ["home_observation", "new_confirmed", "requests_open"]
    DailyReport.objects.filter(pk=report.pk).update(figures=old)
    c = _client(city, "community_admin")
    c.cookies["django_language"] = "en"
    page = c.get(f"/daily/{report.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="by-hand-new_confirmed"' in body
    assert 'data-testid="by-hand-cases_opened"' not in body
    report.refresh_from_db()
    # Saving the review keeps the old marks; submitting asks for a regeneration first.
    report = daily.daily_report_save(actor=admin, report=report, hand_kept={"requests_open": 2})
    assert report.figures[HAND_MARK] == ["home_observation", "new_confirmed", "requests_open"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        daily.daily_report_submit(actor=admin, report=report)
    report.refresh_from_db()
    assert report.status == "draft"
    report = daily.daily_report_generate(
        actor=admin, community=city.inside.community, regenerate=True
    )
    assert report.figures["new_confirmed"] == 0 and report.figures["home_observation"] == 2
    # The requests figure is computed now (issue 6): regenerating drops its by-hand mark.
    from reports.selectors import request_figures

    computed = request_figures(admin, city.inside.community, report.day)
    assert report.figures["requests_open"] == computed["requests_open"]
    assert report.figures[HAND_MARK] == []
    report = daily.daily_report_submit(actor=admin, report=report)
    assert report.status == "submitted"


def stats_keys() -> set[str]:
    from reports.selectors import FIGURES

    return {f.key for f in FIGURES if f.section == "triage"}
