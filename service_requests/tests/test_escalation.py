"""Escalation: by hand with a reason (community → street → district, no further), and when a
clock runs out (once: a second run moves nothing); done requests nobody confirms close; the
periodic tick runs both."""

from __future__ import annotations

import datetime
import functools

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from service_requests.escalation import (
    done_requests_autoclose,
    escalations_due_run,
    request_escalate,
)
from service_requests.handling import request_accept, request_done
from service_requests.models import (
    Escalation,
    EscalationKind,
    EventKind,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
)
from service_requests.rules import CONFIRM_WINDOW
from service_requests.tasks import requests_tick
from service_requests.tests.test_filing import NOW, act, field_of, file_one
from testkit import TinyCity, build_tiny_city, in_threads

MIN = datetime.timedelta(minutes=1)


def only(request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.get(pk=request.pk)


def clear_samples() -> None:
    """The tiny city's sample requests were filed at the real time: keep them out of the runs
    at frozen times by closing them."""
    ServiceRequest.objects.update(status=RequestStatus.CANCELLED)


def test_respond_clock_moves_to_street_once(tiny_city: TinyCity) -> None:
    clear_samples()
    request = file_one(tiny_city, category="urgent_trip", now=NOW)  # respond within 30 min
    assert escalations_due_run(NOW + 29 * MIN) == 0
    assert only(request).level == "community"
    assert escalations_due_run(NOW + 30 * MIN) == 1
    row = only(request)
    assert row.level == "street"
    assert row.escalated_at == NOW + 30 * MIN
    step = Escalation.objects.get(request=request)
    assert (step.from_level, step.to_level, step.kind) == (
        "community",
        "street",
        EscalationKind.RESPOND_LATE,
    )
    assert RequestEvent.objects.get(request=request, kind=EventKind.ESCALATED).public
    # A second run (and a much later one) moves nothing: the street's clocks are not this job's.
    assert escalations_due_run(NOW + 31 * MIN) == 0
    assert escalations_due_run(NOW + 10 * 60 * MIN) == 0
    assert Escalation.objects.filter(request=request).count() == 1
    assert only(request).level == "street"


def test_done_clock_after_response(tiny_city: TinyCity) -> None:
    clear_samples()
    request = file_one(tiny_city, category="urgent_trip", now=NOW)  # done within 120 min
    request_accept(actor=act(tiny_city, "community_admin"), request=request, now=NOW + 5 * MIN)
    assert escalations_due_run(NOW + 60 * MIN) == 0  # responded in time
    assert escalations_due_run(NOW + 120 * MIN) == 1
    assert Escalation.objects.get(request=request).kind == EscalationKind.DONE_LATE
    assert only(request).status == RequestStatus.ACCEPTED  # it keeps its state


def test_done_in_time_is_not_escalated(tiny_city: TinyCity) -> None:
    clear_samples()
    request = file_one(tiny_city, category="urgent_trip", now=NOW)
    request_done(actor=act(tiny_city, "community_admin"), request=request, now=NOW + 10 * MIN)
    assert escalations_due_run(NOW + 500 * MIN) == 0
    assert only(request).level == "community"


def test_manual_escalate_needs_reason_and_stops_at_district(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, now=NOW)
    community = act(tiny_city, "community_admin")
    with pytest.raises(ValidationError) as e:
        request_escalate(actor=community, request=request, reason=" ", now=NOW)
    assert field_of(e.value) == ["reason"]
    assert only(request).level == "community"
    assert not Escalation.objects.filter(request=request).exists()
    for role in ("street_admin", "grid_worker", "resident"):
        with pytest.raises(NotAllowed):
            request_escalate(actor=act(tiny_city, role), request=request, reason="x", now=NOW)
    step = request_escalate(actor=community, request=request, reason="没有车", now=NOW)
    assert (step.kind, step.reason, step.to_level) == (EscalationKind.MANUAL, "没有车", "street")
    assert only(request).level == "street"
    # The community no longer holds it; the street passes it to the district.
    with pytest.raises(NotAllowed):
        request_escalate(actor=community, request=request, reason="again", now=NOW)
    request_escalate(
        actor=act(tiny_city, "street_admin"), request=request, reason="需要住院床位", now=NOW
    )
    assert only(request).level == "district"
    with pytest.raises(ValidationError) as e:
        request_escalate(actor=act(tiny_city, "district_admin"), request=request, reason="x")
    assert field_of(e.value) == ["level"]
    assert Escalation.objects.filter(request=request).count() == 2
    texts = list(
        RequestEvent.objects.filter(request=request, kind=EventKind.ESCALATED).values_list(
            "text", flat=True
        )
    )
    assert texts == [_("Passed to the street."), _("Passed to the district.")]


def test_closed_request_is_not_escalated(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, now=NOW)
    office = act(tiny_city, "community_admin")
    request_done(actor=office, request=request, now=NOW)
    with pytest.raises(ValidationError) as e:
        request_escalate(actor=office, request=request, reason="x", now=NOW)
    assert field_of(e.value) == ["status"]


def test_autoclose_after_confirm_window(tiny_city: TinyCity) -> None:
    clear_samples()
    request = file_one(tiny_city, now=NOW)
    done_at = NOW + 10 * MIN
    request_done(actor=act(tiny_city, "community_admin"), request=request, now=done_at)
    assert done_requests_autoclose(done_at + CONFIRM_WINDOW - MIN) == 0
    assert done_requests_autoclose(done_at + CONFIRM_WINDOW) == 1
    row = only(request)
    assert (row.status, row.confirmed, row.rating) == (RequestStatus.CLOSED, False, None)
    event = RequestEvent.objects.get(request=request, kind=EventKind.CLOSED)
    assert event.by_id is None and event.text == _("Closed without confirmation.")
    assert done_requests_autoclose(done_at + 2 * CONFIRM_WINDOW) == 0


def test_tick_runs_both_and_is_idempotent(tiny_city: TinyCity) -> None:
    clear_samples()
    late = file_one(tiny_city, category="urgent_trip", now=NOW)
    finished = file_one(tiny_city, now=NOW)
    request_done(actor=act(tiny_city, "community_admin"), request=finished, now=NOW)
    at = NOW + CONFIRM_WINDOW
    assert requests_tick(at) == {"escalated": 1, "autoclosed": 1, "overdue_told": 0}
    assert requests_tick(at) == {"escalated": 0, "autoclosed": 0, "overdue_told": 0}
    assert only(late).level == "street"
    assert only(finished).status == RequestStatus.CLOSED


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_periodic_job_and_office_racing_to_escalate() -> None:
    tc = build_tiny_city()
    clear_samples()
    request = file_one(tc, category="urgent_trip", now=NOW)
    results = in_threads(
        [
            functools.partial(escalations_due_run, NOW + 31 * MIN),
            functools.partial(
                request_escalate,
                actor=act(tc, "community_admin"),
                request=ServiceRequest.objects.get(pk=request.pk),
                reason="没有车",
                now=NOW + 31 * MIN,
            ),
            functools.partial(escalations_due_run, NOW + 31 * MIN),
        ]
    )
    assert Escalation.objects.filter(request=request).count() == 1
    assert only(request).level == "street"
    assert not any(
        isinstance(r, Exception) and not isinstance(r, (ValidationError, NotAllowed))
        for r in results
    ), results
