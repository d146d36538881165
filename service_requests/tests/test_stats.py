"""Request figures against a hand recount: medians over a small set with fixed times, counts
per level, and the open requests per community at the end of a day."""

from __future__ import annotations

import datetime

from accounts.selectors import actor_for_user
from service_requests.filing import request_file
from service_requests.models import Dispatch, Escalation, Level, RequestStatus, ServiceRequest
from service_requests.stats import request_stats, requests_open_count
from testkit import ROOT, TinyCity

T0 = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Beijing
NOW = datetime.datetime(2026, 11, 24, 2, 0, tzinfo=datetime.UTC)


def _filed(tc: TinyCity, category: str, minutes_after_t0: int = 0, **fields: object) -> int:
    """A request of the inside elder filed at T0 + minutes, with its fields set as given."""
    request = request_file(
        actor=ROOT,
        resident=tc.inside.residents[1],
        category=category,
        details="测试",
        now=T0 + datetime.timedelta(minutes=minutes_after_t0),
    )
    if fields:
        ServiceRequest.objects.filter(pk=request.pk).update(**fields)
    return request.pk


def _clear() -> None:
    """Without the tiny city's sample requests."""
    Dispatch.objects.all().delete()
    ServiceRequest.objects.all().delete()


def _at(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


def test_medians_per_category_against_a_recount(tiny_city: TinyCity) -> None:
    _clear()
    # Medicine: responded after 10, 30 and 50 minutes (median 30); done after 100 and 300
    # (median 200); one never responded.
    _filed(tiny_city, "medicine", responded_at=_at(10), done_at=_at(100), status="done")
    _filed(tiny_city, "medicine", responded_at=_at(30), done_at=_at(300), status="closed")
    _filed(tiny_city, "medicine", responded_at=_at(50), status="accepted")
    _filed(tiny_city, "medicine")
    # Urgent trips filed at +60: responded 5 and 15 minutes later (median 10), done after 45.
    _filed(tiny_city, "urgent_trip", 60, responded_at=_at(65), done_at=_at(105), status="done")
    _filed(tiny_city, "urgent_trip", 60, responded_at=_at(75))
    stats = request_stats(ROOT, now=NOW)
    cats = stats["categories"]
    assert cats["medicine"] == {
        "count": 4,
        "respond_median_minutes": 30.0,
        "done_median_minutes": 200.0,
    }
    assert cats["urgent_trip"] == {
        "count": 2,
        "respond_median_minutes": 10.0,
        "done_median_minutes": 45.0,
    }
    assert cats["food"] == {"count": 0, "respond_median_minutes": None, "done_median_minutes": None}


def test_counts_per_level_against_a_recount(tiny_city: TinyCity) -> None:
    now = NOW
    # Overdue at the community: filed at T0 (days ago) and still open. On time: filed just now.
    late = _filed(tiny_city, "medicine")
    request_file(
        actor=ROOT, resident=tiny_city.inside.residents[0], category="food", details="x", now=now
    )
    up = _filed(tiny_city, "care", level=Level.STREET, escalated_at=_at(90))
    Escalation.objects.create(
        request_id=up, from_level="community", to_level="street", kind="manual", at=_at(90)
    )
    _filed(tiny_city, "care", status=RequestStatus.CLOSED, closed_at=_at(500), confirmed=True)
    actor = actor_for_user(tiny_city.users["community_admin"])
    scope = list(ServiceRequest.objects.for_actor(actor))
    assert late in {r.pk for r in scope}

    def recount(level: str) -> dict[str, int]:
        held = [r for r in scope if r.level == level and r.is_open]
        overdue = [
            r
            for r in held
            if (r.responded_at is None and r.respond_due_at < now) or r.done_due_at < now
        ]
        escalated = Escalation.objects.filter(
            request__in=[r.pk for r in scope], from_level=level
        ).count()
        return {"open": len(held), "overdue": len(overdue), "escalated": escalated}

    levels = request_stats(actor, now=now)["levels"]
    assert levels == {level: recount(level) for level in ("community", "street", "district")}
    assert levels["street"] == {"open": 1, "overdue": 1, "escalated": 0}
    assert levels["community"]["escalated"] == 1
    # Another district's admin counts none of these.
    other = actor_for_user(tiny_city.users["【ODI】_admin"])
    assert request_stats(other, now=now)["levels"]["street"]["open"] == 0


def test_open_count_per_community_for_a_day(tiny_city: TinyCity) -> None:
    _clear()
    inside, odi = tiny_city.inside.community.pk, tiny_city.other_district.community.pk
    day = datetime.date(2026, 11, 20)  # T0 is 10:00 that day in Beijing
    _filed(tiny_city, "medicine")  # open still
    _filed(tiny_city, "food", done_at=_at(60), status="done")  # done the same day: not open
    _filed(tiny_city, "food", done_at=_at(24 * 60), status="done")  # done the next day: open
    _filed(tiny_city, "food", 15 * 60)  # filed 01:00 the next day: not yet
    _filed(tiny_city, "care", status="cancelled")  # cancelled, no closed_at: never counted
    assert requests_open_count([inside, odi], day, now=NOW) == {inside: 2, odi: 0}
    assert requests_open_count([inside, odi], now=NOW) == {inside: 2, odi: 0}
    actor = actor_for_user(tiny_city.users["community_admin"])
    assert requests_open_count(actor, day, now=NOW) == {inside: 2}
    assert requests_open_count(actor_for_user(tiny_city.users["unit_admin"]), day, now=NOW) == {}
