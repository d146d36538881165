"""Filing a request: who files for whom, the clocks it starts with, the hotline's id once; and
the resident or the office withdrawing it (active dispatches released with it)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.selectors import actor_for_user
from core.actor import Actor
from core.errors import NotAllowed
from people.models import Resident, ResidentStatus
from service_requests.filing import request_cancel, request_file
from service_requests.models import (
    Dispatch,
    DispatchStatus,
    EventKind,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
    SlaTarget,
    Source,
)
from service_requests.vehicles import sla_target_set
from testkit import ROOT, TinyCity

NOW = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Beijing


def act(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def file_one(
    tc: TinyCity,
    *,
    category: str = "medicine",
    resident: Resident | None = None,
    now: datetime.datetime | None = None,
) -> ServiceRequest:
    """A request of the inside household's head, filed by the resident account."""
    return request_file(
        actor=act(tc, "resident"),
        resident=resident or tc.inside.residents[0],
        category=category,
        details="需要买胰岛素",
        now=now or timezone.now(),
    )


def field_of(error: ValidationError) -> list[str]:
    return list(error.error_dict)


def test_resident_files_for_own_household(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, now=NOW)
    assert request.source == Source.RESIDENT
    assert request.status == RequestStatus.NEW
    assert request.level == "community"
    assert request.community_id == tiny_city.inside.community.pk
    assert request.filed_by_id == tiny_city.users["resident"].pk
    assert RequestEvent.objects.filter(request=request, kind=EventKind.FILED).count() == 1


def test_grid_worker_files_for_their_grid(tiny_city: TinyCity) -> None:
    request = request_file(
        actor=act(tiny_city, "grid_worker"),
        resident=tiny_city.inside.residents[1],
        category="food",
        details="米和油",
    )
    assert request.source == Source.GRID_WORKER


def test_out_of_scope_resident_refused_and_nothing_filed(tiny_city: TinyCity) -> None:
    before = ServiceRequest.objects.count()
    for role, resident in [
        ("resident", tiny_city.sibling.residents[0]),
        ("grid_worker", tiny_city.sibling.residents[0]),
        ("community_admin", tiny_city.other_street.residents[0]),
    ]:
        with pytest.raises(ValidationError) as e:
            request_file(
                actor=act(tiny_city, role), resident=resident, category="food", details="米"
            )
        assert field_of(e.value) == ["resident"]
    assert ServiceRequest.objects.count() == before


def test_moved_out_resident_refused(tiny_city: TinyCity) -> None:
    resident = tiny_city.inside.residents[0]
    Resident.objects.filter(pk=resident.pk).update(status=ResidentStatus.MOVED_OUT)
    resident.refresh_from_db()
    before = ServiceRequest.objects.count()
    with pytest.raises(ValidationError) as e:
        request_file(
            actor=act(tiny_city, "community_admin"),
            resident=resident,
            category="food",
            details="米",
        )
    assert field_of(e.value) == ["resident"]
    assert ServiceRequest.objects.count() == before


def test_hotline_same_external_id_twice_is_one_request(tiny_city: TinyCity) -> None:
    kwargs = dict(
        actor=act(tiny_city, "community_admin"),
        resident=tiny_city.inside.residents[0],
        category="urgent_trip",
        details="透析",
        hotline=True,
        external_id="12345-0001",
    )
    first = request_file(**kwargs)  # type: ignore[arg-type]
    second = request_file(**kwargs)  # type: ignore[arg-type]
    assert first.pk == second.pk
    assert first.source == Source.HOTLINE
    assert ServiceRequest.objects.filter(external_id="12345-0001").count() == 1


def test_clocks_from_default_targets_and_city_target(tiny_city: TinyCity) -> None:
    urgent = file_one(tiny_city, category="urgent_trip", now=NOW)
    assert urgent.respond_due_at == NOW + datetime.timedelta(minutes=30)
    assert urgent.done_due_at == NOW + datetime.timedelta(minutes=120)
    sla_target_set(
        actor=act(tiny_city, "city_admin"),
        category="urgent_trip",
        respond_minutes=15,
        done_minutes=90,
    )
    assert SlaTarget.objects.get(category="urgent_trip").city_id == tiny_city.city.pk
    faster = file_one(tiny_city, category="urgent_trip", now=NOW)
    assert faster.respond_due_at == NOW + datetime.timedelta(minutes=15)
    assert faster.done_due_at == NOW + datetime.timedelta(minutes=90)
    # A request filed before keeps its clocks.
    urgent.refresh_from_db()
    assert urgent.respond_due_at == NOW + datetime.timedelta(minutes=30)


def test_resident_cancels_own_open_request_with_reason(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city)
    with pytest.raises(ValidationError) as e:
        request_cancel(actor=act(tiny_city, "resident"), request=request, reason="  ")
    assert field_of(e.value) == ["reason"]
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW
    request_cancel(actor=act(tiny_city, "resident"), request=request, reason="家人已买到")
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    assert RequestEvent.objects.get(request=request, kind=EventKind.CANCELLED).public
    # Not open any more: a second cancel is refused.
    with pytest.raises(ValidationError) as e:
        request_cancel(actor=act(tiny_city, "resident"), request=request, reason="again")
    assert field_of(e.value) == ["status"]


def test_others_may_not_cancel(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city)
    for role in ("grid_worker", "street_admin", "volunteer"):
        with pytest.raises(NotAllowed):
            request_cancel(actor=act(tiny_city, role), request=request, reason="x")
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_office_cancel_releases_active_dispatches(tiny_city: TinyCity) -> None:
    # The sample request of the inside elder has the volunteer dispatched.
    request = ServiceRequest.objects.get(resident=tiny_city.inside.residents[1])
    assert Dispatch.objects.filter(request=request, status=DispatchStatus.ACTIVE).count() == 1
    request_cancel(actor=act(tiny_city, "community_admin"), request=request, reason="重复提交")
    assert not Dispatch.objects.filter(request=request, status=DispatchStatus.ACTIVE).exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED


def test_superuser_files_as_staff(tiny_city: TinyCity) -> None:
    request = request_file(
        actor=ROOT, resident=tiny_city.inside.residents[0], category="care", details="陪护"
    )
    assert request.source == Source.STAFF
