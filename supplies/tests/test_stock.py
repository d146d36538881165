"""The stock services: the ledger always sums to the stock, refusals change nothing, only the
office of a place moves its stock, and two people taking the last boxes cannot both win."""

from __future__ import annotations

import functools
from typing import Any

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.models import Grant, User
from core.errors import NotAllowed
from core.roles import Role
from places.models import Place
from supplies import stock as svc
from supplies.items import item_save
from supplies.models import ItemKind, MovementKind, Stock, StockMovement, SupplyItem
from supplies.selectors import ledger_sum
from supplies.tests.conftest import actor
from testkit import ROOT, TinyCity, build_tiny_city, in_threads


def ledger_ok(stock: Stock) -> None:
    """The history sums to the stock and its last row's balance is the stock."""
    stock.refresh_from_db()
    total = StockMovement.objects.filter(stock=stock).aggregate(s=Sum("delta"))["s"] or 0
    assert total == stock.quantity == ledger_sum(stock)
    last = StockMovement.objects.filter(stock=stock).order_by("-pk").first()
    assert (last.balance if last else 0) == stock.quantity
    assert stock.quantity >= 0
    alarmed = stock.low_threshold > 0 and stock.quantity <= stock.low_threshold
    assert (stock.low_since is not None) == alarmed


def snapshot() -> tuple[Any, ...]:
    return (
        tuple(Stock.objects.order_by("pk").values_list("pk", "quantity", "low_since")),
        StockMovement.objects.count(),
    )


def worker_at(place: Place, name: str, role: str = Role.VOLUNTEER) -> User:
    user = User.objects.create(username=name, display_name=name, password=make_password("x"))
    Grant.objects.create(user=user, role=role, place=place)
    return user


def community_stock(tc: TinyCity, item: SupplyItem, qty: int = 0) -> Stock:
    admin = actor(tc, Role.COMMUNITY_ADMIN)
    stock = svc.stock_for(actor=admin, item=item, place=tc.inside.community)
    if qty:
        svc.stock_receive(actor=admin, stock=stock, quantity=qty, source="捐赠")
    return stock


def street_stock(tc: TinyCity, item: SupplyItem, qty: int = 0) -> Stock:
    admin = actor(tc, Role.STREET_ADMIN)
    stock = svc.stock_for(actor=admin, item=item, place=tc.inside.street)
    if qty:
        svc.stock_receive(actor=admin, stock=stock, quantity=qty, source="区里")
    return stock


def test_receive_take_and_refuse_more_than_in_stock(tiny_city: TinyCity, masks) -> None:
    tc = tiny_city
    admin = actor(tc, Role.COMMUNITY_ADMIN)
    stock = community_stock(tc, masks, 10)
    m = svc.stock_take(actor=admin, stock=stock, quantity=4, kind=MovementKind.DISPATCH)
    assert (m.delta, m.balance, stock.quantity, m.place_path) == (-4, 6, 6, stock.place_path)
    assert m.by_id == tc.users[Role.COMMUNITY_ADMIN].pk
    before = snapshot()
    with pytest.raises(ValidationError) as e:
        svc.stock_take(actor=admin, stock=stock, quantity=7, kind=MovementKind.DISPATCH)
    assert "quantity" in e.value.error_dict
    assert "6" in str(e.value.error_dict["quantity"][0].message)
    assert snapshot() == before
    for bad in (0, -1, "abc", 100_001):
        with pytest.raises(ValidationError) as e:
            svc.stock_receive(actor=admin, stock=stock, quantity=bad)  # type: ignore[arg-type]
        assert "quantity" in e.value.error_dict
    assert snapshot() == before
    ledger_ok(stock)


def test_stock_only_at_a_community_or_street_of_my_area(tiny_city: TinyCity, masks) -> None:
    tc = tiny_city
    admin = actor(tc, Role.COMMUNITY_ADMIN)
    with pytest.raises(ValidationError) as e:
        svc.stock_for(actor=admin, item=masks, place=tc.inside.grid)
    assert "place" in e.value.error_dict
    with pytest.raises(NotAllowed):
        svc.stock_for(actor=admin, item=masks, place=tc.other_street.community)
    assert not Stock.objects.filter(item=masks).exists()
    # District offices read stocks of their streets and communities.
    district = actor(tc, Role.DISTRICT_ADMIN)
    stock = svc.stock_for(actor=district, item=masks, place=tc.other_street.community)
    assert stock.quantity == 0
    with pytest.raises(NotAllowed):
        svc.stock_receive(actor=district, stock=stock, quantity=5)


def test_a_community_admin_cannot_move_another_communitys_stock(tiny_city: TinyCity, masks) -> None:
    tc = tiny_city
    theirs = svc.stock_for(actor=ROOT, item=masks, place=tc.other_street.community)
    svc.stock_receive(actor=ROOT, stock=theirs, quantity=20)
    admin = actor(tc, Role.COMMUNITY_ADMIN)
    before = snapshot()
    attempts = [
        lambda: svc.stock_receive(actor=admin, stock=theirs, quantity=5),
        lambda: svc.stock_take(actor=admin, stock=theirs, quantity=5, kind=MovementKind.DISPATCH),
        lambda: svc.stock_count(actor=admin, stock=theirs, counted=1, note="盘点"),
        lambda: svc.stock_threshold_set(actor=admin, stock=theirs, low_threshold=30),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    # Not even the street above it (a street admin moves the street's own stock only).
    street = actor(tc, Role.STREET_ADMIN)
    mine = community_stock(tc, masks, 5)
    before = snapshot()
    with pytest.raises(NotAllowed):
        svc.stock_take(actor=street, stock=mine, quantity=1, kind=MovementKind.DISPATCH)
    assert snapshot() == before
    theirs.refresh_from_db()
    assert theirs.quantity == 20


def test_transfer_street_to_community_both_or_neither(tiny_city: TinyCity, masks) -> None:
    tc = tiny_city
    street = actor(tc, Role.STREET_ADMIN)
    source = street_stock(tc, masks, 100)
    out, into = svc.stock_transfer(
        actor=street, stock=source, to_place=tc.inside.community, quantity=30, note="第一批"
    )
    target = Stock.objects.get(item=masks, place=tc.inside.community)
    assert (out.delta, out.balance, out.counterpart_id) == (-30, 70, tc.inside.community.pk)
    assert (into.delta, into.balance, into.counterpart_id) == (30, 30, tc.inside.street.pk)
    assert into.stock_id == target.pk and target.place_path == tc.inside.community.path
    # More than the street holds: neither side moves.
    before = snapshot()
    with pytest.raises(ValidationError) as e:
        svc.stock_transfer(actor=street, stock=source, to_place=tc.inside.community, quantity=71)
    assert "quantity" in e.value.error_dict
    assert snapshot() == before
    # Only to one of its own communities, never sideways or to a grid.
    for wrong in (tc.other_street.community, tc.inside.grid, tc.inside.street):
        with pytest.raises(ValidationError) as e:
            svc.stock_transfer(actor=street, stock=source, to_place=wrong, quantity=1)
        assert "to_place" in e.value.error_dict
    assert snapshot() == before
    # A community does not transfer.
    with pytest.raises(ValidationError):
        svc.stock_transfer(
            actor=actor(tc, Role.COMMUNITY_ADMIN),
            stock=target,
            to_place=tc.inside.community,
            quantity=1,
        )
    ledger_ok(source)
    ledger_ok(target)


def test_low_stock_alarm_set_and_cleared(tiny_city: TinyCity, masks) -> None:
    tc = tiny_city
    admin = actor(tc, Role.COMMUNITY_ADMIN)
    stock = community_stock(tc, masks, 10)
    assert stock.low_since is None
    with time_machine.travel("2026-11-24 02:00:00+00:00", tick=False):
        svc.stock_threshold_set(actor=admin, stock=stock, low_threshold=5)
        assert stock.low_since is None
        svc.stock_take(actor=admin, stock=stock, quantity=5, kind=MovementKind.DISPATCH)
        stock.refresh_from_db()
        first = stock.low_since
        assert first is not None and stock.is_low
    with time_machine.travel("2026-11-24 03:00:00+00:00", tick=False):
        svc.stock_take(actor=admin, stock=stock, quantity=1, kind=MovementKind.DISPATCH)
        stock.refresh_from_db()
        assert stock.low_since == first  # the alarm keeps the time it began
    svc.stock_receive(actor=admin, stock=stock, quantity=2)
    stock.refresh_from_db()
    assert stock.low_since is None
    svc.stock_threshold_set(actor=admin, stock=stock, low_threshold=6)
    assert stock.low_since is not None
    svc.stock_threshold_set(actor=admin, stock=stock, low_threshold=0)
    assert stock.low_since is None
    ledger_ok(stock)


def test_issue_to_a_worker_of_the_place_only(tiny_city: TinyCity, masks) -> None:
    tc = tiny_city
    admin = actor(tc, Role.COMMUNITY_ADMIN)
    stock = community_stock(tc, masks, 50)
    volunteer = tc.users[Role.VOLUNTEER]
    m = svc.stock_issue(actor=admin, stock=stock, quantity=5, worker_user_id=volunteer.pk)
    assert (m.kind, m.delta, m.worker_id) == (MovementKind.ISSUE, -5, volunteer.pk)
    # A grid worker below the community is staff of the place too.
    svc.stock_issue(
        actor=admin, stock=stock, quantity=2, worker_user_id=tc.users[Role.GRID_WORKER].pk
    )
    stranger = worker_at(tc.other_street.community, "别的社区志愿者")
    before = snapshot()
    for user in (stranger, tc.users[Role.RESIDENT], tc.users[Role.UNIT_ADMIN]):
        with pytest.raises(ValidationError) as e:
            svc.stock_issue(actor=admin, stock=stock, quantity=1, worker_user_id=user.pk)
        assert "worker" in e.value.error_dict
    assert snapshot() == before
    ledger_ok(stock)


def test_a_return_puts_back_once(tiny_city: TinyCity, masks) -> None:
    tc = tiny_city
    admin = actor(tc, Role.COMMUNITY_ADMIN)
    stock = community_stock(tc, masks, 10)
    sent = svc.stock_take(actor=admin, stock=stock, quantity=4, kind=MovementKind.DISPATCH)
    back = svc.stock_return(actor=admin, movement=sent)
    assert (back.delta, back.balance, back.kind) == (4, 10, MovementKind.DISPATCH)
    before = snapshot()
    with pytest.raises(ValidationError) as e:
        svc.stock_return(actor=admin, movement=sent)
    assert "movement" in e.value.error_dict
    receipt = StockMovement.objects.filter(stock=stock, kind=MovementKind.RECEIPT).first()
    assert receipt is not None
    with pytest.raises(ValidationError):
        svc.stock_return(actor=admin, movement=receipt)
    with pytest.raises(ValidationError):
        svc.stock_return(actor=admin, movement=back)
    assert snapshot() == before
    ledger_ok(stock)


def test_stock_take_needs_a_note_and_books_the_difference(tiny_city: TinyCity, masks) -> None:
    tc = tiny_city
    admin = actor(tc, Role.COMMUNITY_ADMIN)
    stock = community_stock(tc, masks, 10)
    with pytest.raises(ValidationError) as e:
        svc.stock_count(actor=admin, stock=stock, counted=8, note="  ")
    assert "note" in e.value.error_dict
    assert svc.stock_count(actor=admin, stock=stock, counted=10, note="对得上") is None
    m = svc.stock_count(actor=admin, stock=stock, counted=7, note="破损3个")
    assert m is not None and (m.kind, m.delta, m.balance) == (MovementKind.ADJUSTMENT, -3, 7)
    ledger_ok(stock)


def test_catalogue_kept_by_city_and_district(tiny_city: TinyCity) -> None:
    tc = tiny_city
    city = actor(tc, Role.CITY_ADMIN)
    item = item_save(actor=city, item=None, name="84消毒液", kind=ItemKind.DISINFECTANT, unit="瓶")
    with pytest.raises(ValidationError) as e:
        item_save(
            actor=actor(tc, Role.DISTRICT_ADMIN),
            item=None,
            name="84消毒液",
            kind=ItemKind.DISINFECTANT,
            unit="瓶",
        )
    assert "name" in e.value.error_dict
    with pytest.raises(NotAllowed):
        item_save(
            actor=actor(tc, Role.COMMUNITY_ADMIN),
            item=item,
            name="改名",
            kind=ItemKind.LIVING,
            unit="瓶",
        )
    item.refresh_from_db()
    assert item.name == "84消毒液"


# --- the ledger always sums to the stock ---------------------------------------------------

_n = st.integers(min_value=1, max_value=40)
_op = st.one_of(
    st.tuples(st.just("receive"), st.integers(0, 1), _n),
    st.tuples(st.just("issue"), st.integers(0, 1), _n),
    st.tuples(st.just("take"), st.integers(0, 1), _n),
    st.tuples(st.just("transfer"), st.just(0), _n),
    st.tuples(st.just("return"), st.integers(0, 30), st.just(0)),
    st.tuples(st.just("count"), st.integers(0, 1), st.integers(0, 60)),
    st.tuples(st.just("threshold"), st.integers(0, 1), st.integers(0, 20)),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=st.lists(_op, min_size=1, max_size=16))
def test_the_ledger_always_sums_to_the_stock(
    tiny_city: TinyCity, masks: SupplyItem, ops: list[tuple[Any, ...]]
) -> None:
    tc = tiny_city
    offices = [actor(tc, Role.STREET_ADMIN), actor(tc, Role.COMMUNITY_ADMIN)]
    worker = tc.users[Role.VOLUNTEER]
    with transaction.atomic():
        stocks = [street_stock(tc, masks), community_stock(tc, masks)]
        for kind, which, n in ops:
            stock, office = stocks[which % 2], offices[which % 2]
            try:
                if kind == "receive":
                    svc.stock_receive(actor=office, stock=stock, quantity=n)
                elif kind == "issue":
                    svc.stock_issue(actor=office, stock=stock, quantity=n, worker_user_id=worker.pk)
                elif kind == "take":
                    svc.stock_take(
                        actor=office, stock=stock, quantity=n, kind=MovementKind.DISPATCH
                    )
                elif kind == "transfer":
                    svc.stock_transfer(
                        actor=office, stock=stock, to_place=tc.inside.community, quantity=n
                    )
                elif kind == "return":
                    taken = list(
                        StockMovement.objects.filter(stock__in=stocks, delta__lt=0)
                        .order_by("pk")
                        .select_related("stock")
                    )
                    if not taken:
                        continue
                    movement = taken[which % len(taken)]
                    owner = offices[0] if movement.stock_id == stocks[0].pk else offices[1]
                    svc.stock_return(actor=owner, movement=movement)
                elif kind == "count":
                    svc.stock_count(actor=office, stock=stock, counted=n, note="盘点")
                else:
                    svc.stock_threshold_set(actor=office, stock=stock, low_threshold=n)
            except ValidationError:
                event(f"{kind} refused")
            else:
                event(f"{kind} done")
            for s in stocks:
                ledger_ok(s)
        transaction.set_rollback(True)


# --- the last boxes on PostgreSQL ------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("takers", "left"), [(2, 1), (6, 3)])
def test_people_taking_the_last_boxes_at_the_same_moment(takers: int, left: int) -> None:
    tc = build_tiny_city()
    masks = SupplyItem.objects.create(name="N95口罩", kind=ItemKind.PROTECTIVE, unit="个")
    stock = community_stock(tc, masks, left)
    admin = actor(tc, Role.COMMUNITY_ADMIN)
    results = in_threads(
        [
            functools.partial(
                svc.stock_take,
                actor=admin,
                stock=Stock.objects.get(pk=stock.pk),
                quantity=1,
                kind=MovementKind.DISPATCH,
            )
            for _ in range(takers)
        ]
    )
    won = [r for r in results if isinstance(r, StockMovement)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == left and len(lost) == takers - left
    assert all("quantity" in e.error_dict for e in lost)
    stock.refresh_from_db()
    assert stock.quantity == 0
    ledger_ok(stock)
    assert sorted(m.balance for m in won) == list(range(left))
