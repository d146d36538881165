"""A worker's difficulty: filed by the worker or their community admin, answered by their
street (no other), closed by the worker; the community's board shows each worker's health
today, equipment issued to them and open needs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.selectors import actor_for_user
from core.actor import Actor
from mobilisation.models import NeedKind, NeedStatus, WorkerNeed
from mobilisation.wellbeing import need_answer, need_close, need_file
from mobilisation.wellbeing_selectors import my_needs, street_queue, wellbeing_board
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def test_a_worker_files_for_themself_and_the_admin_for_a_worker(tiny_city: TinyCity) -> None:
    tc = tiny_city
    own = need_file(actor=_actor(tc, "volunteer"), kind=NeedKind.COMMUTING, details="夜班没车")
    assert (own.worker_id, own.community_id, own.street_id, own.status) == (
        tc.users["volunteer"].pk,
        tc.inside.community.pk,
        tc.inside.street.pk,
        NeedStatus.OPEN,
    )
    for_cadre = need_file(
        actor=_actor(tc, "community_admin"),
        kind=NeedKind.FAMILY,
        details="孩子无人照看",
        worker_id=str(tc.users["cadre"].pk),
    )
    assert for_cadre.worker_id == tc.users["cadre"].pk
    assert for_cadre.filed_by_id == tc.users["community_admin"].pk
    before = WorkerNeed.objects.count()
    with pytest.raises(ValidationError) as e:
        need_file(
            actor=_actor(tc, "community_admin"),
            kind=NeedKind.MEALS,
            details="x",
            worker_id=tc.users["resident"].pk,
        )
    assert set(e.value.error_dict) == {"worker"}
    for kw, field in (({"kind": "pay"}, "kind"), ({"details": " "}, "details")):
        args = {"kind": NeedKind.MEALS, "details": "没饭吃", **kw}
        with pytest.raises(ValidationError) as e:
            need_file(actor=_actor(tc, "volunteer"), **args)  # type: ignore[arg-type]
        assert set(e.value.error_dict) == {field}
    for role in ("resident", "street_admin", "unit_admin"):
        with pytest.raises(PermissionDenied):
            need_file(actor=_actor(tc, role), kind=NeedKind.MEALS, details="没饭吃")
    with pytest.raises(PermissionDenied):  # a worker may not file for another
        need_file(
            actor=_actor(tc, "volunteer"),
            kind=NeedKind.MEALS,
            details="x",
            worker_id=tc.users["cadre"].pk,
        )
    assert WorkerNeed.objects.count() == before


def test_the_street_answers_other_streets_cannot_the_worker_closes(tiny_city: TinyCity) -> None:
    tc = tiny_city
    need = need_file(actor=_actor(tc, "volunteer"), kind=NeedKind.MEALS, details="晚班没有饭")
    for key in ("【OST】_admin", "community_admin", "district_admin"):
        with pytest.raises(PermissionDenied):
            need_answer(actor=_actor(tc, key), need=need, answer="我们来办")
    with pytest.raises(ValidationError) as e:
        need_answer(actor=_actor(tc, "street_admin"), need=need, answer="")
    assert set(e.value.error_dict) == {"answer"}
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN and need.answer == ""
    assert [n.pk for n in street_queue(_actor(tc, "street_admin"))][-1] == need.pk
    assert not street_queue(_actor(tc, "【OST】_admin")).filter(pk=need.pk).exists()
    need_answer(actor=_actor(tc, "street_admin"), need=need, answer="街道食堂每晚送餐")
    need.refresh_from_db()
    assert need.status == NeedStatus.ANSWERED and need.answered_by_id == tc.users["street_admin"].pk
    assert not street_queue(_actor(tc, "street_admin")).filter(pk=need.pk).exists()
    with pytest.raises(PermissionDenied):
        need_close(actor=_actor(tc, "cadre"), need=need)
    need_close(actor=_actor(tc, "volunteer"), need=need)
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED and need.closed_at is not None
    assert [n.pk for n in my_needs(_actor(tc, "volunteer"))] == [need.pk]


def test_board_puts_unwell_first_with_equipment_and_needs(tiny_city: TinyCity) -> None:
    from health.models import WorkerHealth
    from supplies.models import ItemKind, MovementKind, Stock, StockMovement, SupplyItem

    tc = tiny_city
    c = tc.inside.community
    now = timezone.now()
    today = timezone.localdate()
    for key, fit in (("cadre", True), ("volunteer", False)):
        WorkerHealth.objects.create(
            user=tc.users[key],
            community=c,
            community_path=c.path,
            day=today,
            temperature=Decimal("37.9") if not fit else Decimal("36.5"),
            fit=fit,
            created_at=now,
        )
    item = SupplyItem.objects.create(name="N95口罩测试", kind=ItemKind.PROTECTIVE, unit="只")
    stock = Stock.objects.create(item=item, place=c, place_path=c.path, quantity=90)
    StockMovement.objects.create(
        stock=stock,
        place_path=c.path,
        kind=MovementKind.ISSUE,
        delta=-10,
        balance=90,
        at=now,
        by=tc.users["community_admin"],
        worker=tc.users["cadre"],
    )
    rows = wellbeing_board(_actor(tc, "community_admin"), c)
    assert rows[0].user_id == tc.users["volunteer"].pk and rows[0].health == "unwell"
    by_user = {r.user_id: r for r in rows}
    assert tc.users["resident"].pk not in by_user and tc.users["street_admin"].pk not in by_user
    cadre = by_user[tc.users["cadre"].pk]
    assert cadre.health == "fit"
    assert [(e.item, e.quantity) for e in cadre.equipment] == [("N95口罩测试", 10)]
    grid = by_user[tc.users["grid_worker"].pk]
    assert grid.health == "" and [n.details for n in grid.needs] == ["晚班没有饭吃"]


def test_the_board_is_four_queries(tiny_city: TinyCity, django_assert_num_queries: Any) -> None:
    tc = tiny_city
    admin = _actor(tc, "community_admin")
    with django_assert_num_queries(4):
        rows = wellbeing_board(admin, tc.inside.community)
    assert len(rows) >= 8
