"""Recording a service activity: who may, which times, who took part, the hours credited (with
the participant's work unit) and the admin's corrections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.selectors import actor_for_user
from core.actor import Actor
from mobilisation.activities import activity_participant_set_hours, activity_record
from mobilisation.models import Activity, ActivityKind, ActivityParticipant
from testkit import TinyCity

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 2, 3, 12, 0, tzinfo=dt.UTC)  # 20:00 in Shanghai


def _actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def _record(tc: TinyCity, role: str = "community_admin", **kw: Any) -> Activity:
    args: dict[str, object] = {
        "kind": ActivityKind.PUBLICITY,
        "title": "入户宣传防疫知识",
        "started_at": "2026-02-03T09:00",
        "ended_at": "2026-02-03T11:30",
        "participant_ids": [str(tc.users["cadre"].pk), str(tc.users["volunteer"].pk)],
    }
    args.update(kw)
    return activity_record(
        actor=_actor(tc, role),
        community=tc.inside.community,
        now=NOW,
        **args,  # type: ignore[arg-type]
    )


@time_machine.travel(NOW, tick=False)
def test_participants_are_credited_the_length_with_their_unit(tiny_city: TinyCity) -> None:
    tc = tiny_city
    a = _record(tc, "grid_worker", where="1栋", outcome="发放告知书80份")
    assert a.started_at == dt.datetime(2026, 2, 3, 1, 0, tzinfo=dt.UTC)  # read in Shanghai
    parts = {p.user_id: p for p in ActivityParticipant.objects.filter(activity=a)}
    assert {p.hours for p in parts.values()} == {Decimal("2.50")}
    assert parts[tc.users["cadre"].pk].unit_id == tc.unit.pk  # deployed from 【UNA】
    assert parts[tc.users["volunteer"].pk].unit_id is None
    long = _record(tc, started_at="2026-02-01T08:00", ended_at="2026-02-03T08:00")
    assert set(long.participants.values_list("hours", flat=True)) == {Decimal("24.00")}


@time_machine.travel(NOW, tick=False)
def test_bad_input_is_refused_and_changes_nothing(tiny_city: TinyCity) -> None:
    tc = tiny_city
    before = (Activity.objects.count(), ActivityParticipant.objects.count())
    bad: list[tuple[dict[str, Any], str]] = [
        ({"ended_at": "2026-02-03T08:00"}, "ended_at"),
        ({"ended_at": "2026-02-03T21:00"}, "ended_at"),  # not yet over
        ({"started_at": "tomorrow"}, "started_at"),
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
        ({"participant_ids": []}, "participants"),
        ({"participant_ids": [tc.users["resident"].pk]}, "participants"),
        ({"participant_ids": [tc.users["street_admin"].pk]}, "participants"),
    ]
    for kw, field in bad:
        with pytest.raises(ValidationError) as e:
            _record(tc, **kw)
        assert set(e.value.error_dict) == {field}, kw
    for role in ("resident", "street_admin", "unit_admin"):
        with pytest.raises(PermissionDenied):
            _record(tc, role)
    assert before == (Activity.objects.count(), ActivityParticipant.objects.count())


@time_machine.travel(NOW, tick=False)
def test_only_the_admin_adjusts_hours_within_range(tiny_city: TinyCity) -> None:
    tc = tiny_city
    a = _record(tc)
    cadre = tc.users["cadre"].pk
    admin = _actor(tc, "community_admin")
    activity_participant_set_hours(actor=admin, activity=a, user_id=str(cadre), hours="1.5")
    assert a.participants.get(user_id=cadre).hours == Decimal("1.50")
    for hours in ("0", "24.5", "-1", "abc", "0.001"):
        with pytest.raises(ValidationError) as e:
            activity_participant_set_hours(actor=admin, activity=a, user_id=cadre, hours=hours)
        assert set(e.value.error_dict) == {"hours"}
    with pytest.raises(ValidationError) as e:
        activity_participant_set_hours(
            actor=admin, activity=a, user_id=tc.users["grid_worker"].pk, hours="2"
        )
    assert set(e.value.error_dict) == {"user"}
    with pytest.raises(PermissionDenied):
        activity_participant_set_hours(
            actor=_actor(tc, "grid_worker"), activity=a, user_id=cadre, hours="3"
        )
    assert a.participants.get(user_id=cadre).hours == Decimal("1.50")
