"""Deployment coverage (应下尽下): the figures per unit equal a recount from the rows, the query
count does not grow with units or communities, and each actor sees only their units or area."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.actor import Actor
from mobilisation import coverage, rules
from mobilisation.models import Deployment, DeploymentStatus
from party import services as party_services
from party.models import DeployCall, ExemptReason, PartyMember, PartyOrgKind, Unit, UnitKind
from people.models import Person, Resident, ResidentStatus
from places import services as place_services
from places.models import PlaceKind
from testkit import ROOT, TinyCity

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


def _actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def _member(unit: Unit, call: str = "", reason: str = "") -> PartyMember:
    org = unit.party_orgs.first() or party_services.party_org_create(
        actor=ROOT, name=f"{unit.name}党委", kind=PartyOrgKind.COMMITTEE, parent=None, unit=unit
    )
    return PartyMember.objects.create(
        person=Person.objects.create(name=f"党员{next(_n)}"),
        org=org,
        unit=unit,
        deploy_call=call,
        exempt_reason=reason,
    )


def _deploy(tc: TinyCity, member: PartyMember, status: str = DeploymentStatus.ACTIVE) -> None:
    user = User.objects.create(username=f"m{member.pk}")
    Deployment.objects.create(
        user=user,
        member=member,
        unit=member.unit,
        community=tc.inside.community,
        community_path=tc.inside.community.path,
        status=status,
        requested_at=timezone.now(),
    )


def _populate(tc: TinyCity, units: int = 3) -> None:
    made = [tc.unit, tc.other_unit]
    for i in range(units):
        made.append(
            party_services.unit_save(
                actor=ROOT,
                unit=Unit(),
                name=f"单位{i}",
                kind=UnitKind.ENTERPRISE,
                place=tc.inside.district,
            )
        )
    for i, unit in enumerate(made):
        for j in range(i + 2):
            m = _member(unit, DeployCall.SHOULD)
            if j % 2 == 0:
                _deploy(tc, m)
            elif j % 3 == 0:
                _deploy(tc, m, DeploymentStatus.PENDING)  # pending is not deployed
        _member(unit, DeployCall.EXEMPT, ExemptReason.UNWELL)
        _member(unit, DeployCall.EXEMPT, ExemptReason.ESSENTIAL_POST)
        _deploy(tc, _member(unit))  # deployed although undecided
        _member(unit)


def _recount(unit_ids: list[int]) -> dict[int, dict[str, int]]:
    """The same figures counted row by row in Python."""
    active = {
        d.member_id
        for d in Deployment.objects.all()
        if d.status == DeploymentStatus.ACTIVE and d.member_id
    }
    out: dict[int, dict[str, int]] = {}
    for m in PartyMember.objects.all():
        if m.unit_id not in unit_ids:
            continue
        r = out.setdefault(
            m.unit_id,
            {"members": 0, "should": 0, "exempt": 0, "unmarked": 0, "deployed": 0, "extra": 0},
        )
        r["members"] += 1
        if m.deploy_call == "should":
            r["should"] += 1
            r["deployed"] += m.pk in active
        elif m.deploy_call == "exempt":
            r["exempt"] += 1
        else:
            r["unmarked"] += 1
            r["extra"] += m.pk in active
    for r in out.values():
        r["not_yet"] = r["should"] - r["deployed"]
    return out


def test_unit_figures_equal_a_recount(tiny_city: TinyCity) -> None:
    tc = tiny_city
    _populate(tc)
    rows = coverage.unit_coverage(_actor(tc, "city_admin"))
    expected = _recount([r.unit_id for r in rows])
    assert len(rows) == Unit.objects.count() == 5
    for r in rows:
        got = {k: getattr(r, k) for k in expected[r.unit_id]}
        assert got == expected[r.unit_id], r.name
        assert sum(r.exempt_by_reason.values()) == r.exempt
        assert r.exempt_by_reason[ExemptReason.UNWELL] == 1
    shares = [r.not_yet_share for r in rows]
    assert shares == sorted(shares, reverse=True)
    total = coverage.coverage_totals(rows)
    assert total.members == PartyMember.objects.filter(unit__isnull=False).count()
    assert total.deployed == sum(e["deployed"] for e in expected.values())


def test_members_behind_each_figure(tiny_city: TinyCity) -> None:
    tc = tiny_city
    _populate(tc)
    actor = _actor(tc, "unit_admin")
    row = next(r for r in coverage.unit_coverage(actor) if r.unit_id == tc.unit.pk)
    for show in ("should", "exempt", "unmarked", "deployed", "not_yet", "extra"):
        members = coverage.unit_members_coverage(actor, tc.unit, show=show)
        assert members.count() == getattr(row, show), show
    assert coverage.unit_members_coverage(actor, tc.unit).count() == row.members


def test_queries_do_not_grow_with_units_or_communities(
    tiny_city: TinyCity, django_assert_max_num_queries
) -> None:
    tc = tiny_city
    _populate(tc, units=2)
    actor = _actor(tc, "city_admin")
    with CaptureQueriesContext(connection) as small:
        coverage.unit_coverage(actor)
        coverage.community_helpers(actor, short_only=False)
    _populate(tc, units=0)
    for i in range(6):
        party_services.unit_save(
            actor=ROOT, unit=Unit(), name=f"更多单位{i}", kind=UnitKind.OTHER, place=tc.city
        )
        place_services.place_create(
            actor=ROOT, kind=PlaceKind.COMMUNITY, name=f"新社区{i}", parent=tc.inside.street
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        rows = coverage.unit_coverage(actor)
        communities = coverage.community_helpers(actor, short_only=False)
    assert len(rows) == 10 and len(communities) >= 9


def test_communities_short_of_helpers(tiny_city: TinyCity) -> None:
    tc = tiny_city
    rows = {
        r.community_id: r
        for r in coverage.community_helpers(_actor(tc, "city_admin"), short_only=False)
    }
    inside = rows[tc.inside.community.pk]
    living = Resident.objects.filter(
        community_id=tc.inside.community.pk,
        status__in=[ResidentStatus.PRESENT, ResidentStatus.AWAY],
    ).count()
    helpers = {
        g.user_id
        for g in Grant.objects.filter(place=tc.inside.community)
        if g.role in ("cadre", "volunteer")
    }
    assert (inside.residents, inside.helpers) == (living, len(helpers))
    assert not inside.short
    # Many residents per helper: flagged. No helper at all: flagged.
    assert rules.RESIDENTS_PER_HELPER_MAX * len(helpers) < living + 10_000
    short = coverage.CommunityHelpers(0, "x", "", rules.RESIDENTS_PER_HELPER_MAX * 2 + 1, 2)
    assert short.short and coverage.CommunityHelpers(0, "y", "", 1, 0).short
    flagged = coverage.community_helpers(_actor(tc, "city_admin"))
    assert tc.other_district.community.pk in {r.community_id for r in flagged}
    assert tc.inside.community.pk not in {r.community_id for r in flagged}


def test_scoping(tiny_city: TinyCity) -> None:
    tc = tiny_city
    assert [r.unit_id for r in coverage.unit_coverage(_actor(tc, "unit_admin"))] == [tc.unit.pk]
    district = {r.unit_id for r in coverage.unit_coverage(_actor(tc, "district_admin"))}
    assert district == {tc.unit.pk}
    # The unit admin has no area: no communities, no residents.
    assert coverage.community_helpers(_actor(tc, "unit_admin"), short_only=False) == []
    street = coverage.community_helpers(_actor(tc, "street_admin"), short_only=False)
    assert {r.community_id for r in street} == {tc.inside.community.pk}
    for role in ("community_admin", "cadre", "resident", "volunteer"):
        assert coverage.unit_coverage(_actor(tc, role)) == []
        assert coverage.community_helpers(_actor(tc, role), short_only=False) == []
