"""Patrol routes, rounds and findings: a finding about a resident becomes a request or a triage
case in one step; when the patroller may not raise it, nothing at all is saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.selectors import actor_for_user
from core.actor import Actor
from mobilisation.models import FindingKind, Patrol, PatrolFinding, PatrolRoute
from mobilisation.patrols import finding_record, patrol_end, patrol_start, route_close, route_save
from service_requests.models import RequestCategory, ServiceRequest
from testkit import TinyCity
from triage.models import TriageCase

pytestmark = pytest.mark.django_db


def _actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def _route(tc: TinyCity) -> PatrolRoute:
    return route_save(
        actor=_actor(tc, "community_admin"),
        route=None,
        community=tc.inside.community,
        name="北区夜巡",
        checkpoints="东门\n\n  2栋后  \n",
    )


def _fields(e: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(e.value.error_dict)


def test_routes_are_the_community_admins(tiny_city: TinyCity) -> None:
    tc = tiny_city
    route = _route(tc)
    assert route.checkpoints == "东门\n2栋后" and route.community_path == tc.inside.community.path
    for role in ("grid_worker", "street_admin"):
        with pytest.raises(PermissionDenied):
            route_save(
                actor=_actor(tc, role),
                route=route,
                community=tc.inside.community,
                name="改名",
            )
    with pytest.raises(ValidationError) as e:
        route_save(
            actor=_actor(tc, "community_admin"),
            route=route,
            community=tc.inside.community,
            name=" ",
        )
    assert _fields(e) == {"name"}
    route.refresh_from_db()
    assert route.name == "北区夜巡"
    route_close(actor=_actor(tc, "community_admin"), route=route)
    with pytest.raises(ValidationError):
        patrol_start(actor=_actor(tc, "volunteer"), route=route)


def test_a_worker_starts_a_round_with_other_workers_and_ends_it(tiny_city: TinyCity) -> None:
    tc = tiny_city
    route = _route(tc)
    vol = _actor(tc, "volunteer")
    patrol = patrol_start(actor=vol, route=route, patroller_ids=[str(tc.users["cadre"].pk)])
    assert set(patrol.patrollers.values_list("pk", flat=True)) == {
        tc.users["volunteer"].pk,
        tc.users["cadre"].pk,
    }
    before = Patrol.objects.count()
    with pytest.raises(ValidationError) as e:
        patrol_start(actor=vol, route=route, patroller_ids=[tc.users["resident"].pk])
    assert _fields(e) == {"patrollers"}
    for role in ("resident", "street_admin", "unit_admin"):
        with pytest.raises(PermissionDenied):
            patrol_start(actor=_actor(tc, role), route=route)
    assert Patrol.objects.count() == before
    with pytest.raises(PermissionDenied):
        patrol_end(actor=_actor(tc, "grid_worker"), patrol=patrol)
    patrol_end(actor=_actor(tc, "cadre"), patrol=patrol, note="一切正常")
    patrol.refresh_from_db()
    assert patrol.ended_at is not None and patrol.note == "一切正常"
    with pytest.raises(ValidationError):
        finding_record(actor=vol, patrol=patrol, kind=FindingKind.OTHER, details="晚了")


def test_a_finding_becomes_a_request_and_a_triage_case_in_one_step(tiny_city: TinyCity) -> None:
    tc = tiny_city
    route = _route(tc)
    grid = _actor(tc, "grid_worker")
    patrol = patrol_start(actor=grid, route=route)
    resident = tc.inside.residents[1]
    finding = finding_record(
        actor=grid,
        patrol=patrol,
        kind=FindingKind.FEVER,
        details="咳嗽发热，家里没有药",
        where="楼道口",
        resident_id=str(resident.pk),
        to_request=RequestCategory.MEDICINE,
        to_case=True,
    )
    assert finding.request is not None and finding.case is not None
    request = ServiceRequest.objects.get(pk=finding.request.pk)
    assert request.resident_id == resident.pk and request.category == RequestCategory.MEDICINE
    assert "咳嗽发热" in request.details
    assert TriageCase.objects.get(pk=finding.case.pk).resident_id == resident.pk
    assert finding.building_id == resident.building_id  # the resident's building by default


def test_a_volunteer_cannot_open_a_case_or_file_and_nothing_is_saved(tiny_city: TinyCity) -> None:
    tc = tiny_city
    route = _route(tc)
    vol = _actor(tc, "volunteer")
    patrol = patrol_start(actor=vol, route=route)
    resident = tc.inside.residents[1]
    counts = (
        PatrolFinding.objects.count(),
        ServiceRequest.objects.count(),
        TriageCase.objects.count(),
    )
    with translation.override("en"), pytest.raises(ValidationError) as e:
        finding_record(
            actor=vol,
            patrol=patrol,
            kind=FindingKind.FEVER,
            details="发热",
            resident_id=resident.pk,
            to_case=True,
        )
    assert _fields(e) == {"to_case"}
    assert "health" in str(e.value)
    with pytest.raises(ValidationError) as e:
        finding_record(
            actor=vol,
            patrol=patrol,
            kind=FindingKind.ELDERLY_ALONE,
            details="老人独居无人照看",
            resident_id=resident.pk,
            to_request=RequestCategory.CARE,
        )
    assert _fields(e) == {"to_request"}
    # The grid worker files, but the case half is outside their area: neither is kept.
    grid = _actor(tc, "grid_worker")
    sibling_resident = tc.sibling.residents[1]
    gp = patrol_start(actor=grid, route=route)
    with pytest.raises(ValidationError) as e:
        finding_record(
            actor=grid,
            patrol=gp,
            kind=FindingKind.FEVER,
            details="发热",
            resident_id=sibling_resident.pk,
            to_request=RequestCategory.MEDICINE,
            to_case=True,
        )
    assert _fields(e) & {"to_request", "to_case"}
    assert counts == (
        PatrolFinding.objects.count(),
        ServiceRequest.objects.count(),
        TriageCase.objects.count(),
    )


def test_finding_fields_are_checked(tiny_city: TinyCity) -> None:
    tc = tiny_city
    grid = _actor(tc, "grid_worker")
    patrol = patrol_start(actor=grid, route=_route(tc))
    before = PatrolFinding.objects.count()
    bad = [
        ({"kind": "nope", "details": "x"}, "kind"),
        ({"kind": FindingKind.OTHER, "details": "  "}, "details"),
        (
            {"kind": FindingKind.OTHER, "details": "x", "building_id": tc.other_street.building.pk},
            "building",
        ),
        (
            {
                "kind": FindingKind.OTHER,
                "details": "x",
                "resident_id": tc.other_street.residents[1].pk,
            },
            "resident",
        ),
        (
            {"kind": FindingKind.OTHER, "details": "x", "to_request": RequestCategory.CARE},
            "resident",
        ),
        ({"kind": FindingKind.OTHER, "details": "x", "to_case": True}, "resident"),
    ]
    for kwargs, field in bad:
        with pytest.raises(ValidationError) as e:
            finding_record(actor=grid, patrol=patrol, **kwargs)  # type: ignore[arg-type]
        assert _fields(e) == {field}, kwargs
    assert PatrolFinding.objects.count() == before
    with pytest.raises(PermissionDenied):
        finding_record(
            actor=_actor(tc, "cadre"), patrol=patrol, kind=FindingKind.OTHER, details="x"
        )
    ok = finding_record(
        actor=grid,
        patrol=patrol,
        kind=FindingKind.SANITATION,
        details="垃圾满溢",
        building_id=tc.sibling.building.pk,
    )
    assert ok.building_id == tc.sibling.building.pk and ok.request is None and ok.case is None
