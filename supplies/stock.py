"""Every change of a stock, each with its ledger row, in one place: receipts, issues to named
workers, transfers street → community, dispatches for requests, returns and stock-takes.

A stock row is locked (select_for_update) before it moves, so the ledger always sums to it and
two people taking the last boxes cannot both win; the check constraint is the last guard."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Grant
from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import clean_text, normalize_line, normalize_text
from places.models import Place, PlaceKind
from supplies.error_codes import SuppliesError
from supplies.models import MovementKind, Stock, StockMovement, SupplyItem
from supplies.policies import STOCK_PLACE_KINDS, WORKER_ROLES, may_move, may_read_place

QUANTITY_MAX = 100_000
# What stock_take may book (a transfer or a correction has its own service).
TAKE_KINDS = (MovementKind.DISPATCH, MovementKind.ISSUE)
# Movements that can be put back once, and the mark the reversing movement carries.
RETURNABLE_KINDS = (MovementKind.DISPATCH, MovementKind.ISSUE)
RETURN_MARK = "return:%s"


def _number(value: Any, field: str, *, minimum: int = 1) -> int:
    text = normalize_text(str(value if value is not None else ""))
    if not text.isdigit():
        raise field_error(field, _("Enter a whole number."), CoreError.INVALID)
    number = int(text)
    if number < minimum or number > QUANTITY_MAX:
        raise field_error(
            field,
            _("Between %(min)s and %(max)s.") % {"min": minimum, "max": QUANTITY_MAX},
            CoreError.OUT_OF_RANGE,
        )
    return number


def _check_move(actor: Actor, stock: Stock) -> None:
    if not may_move(actor, stock):
        raise NotAllowed(_("Only the office of this place moves its stock."))


def _lock(stock: Stock) -> Stock:
    return Stock.objects.select_for_update().get(pk=stock.pk)


def _alarm(stock: Stock, now: datetime) -> None:
    """The low-stock alarm follows the quantity: set on falling to the level, cleared above."""
    if stock.low_threshold > 0 and stock.quantity <= stock.low_threshold:
        if stock.low_since is None:
            stock.low_since = now
    else:
        stock.low_since = None


def _book(
    *,
    actor: Actor,
    stock: Stock,
    delta: int,
    kind: str,
    worker_id: int | None = None,
    counterpart: Place | None = None,
    source: str = "",
    note: str = "",
    now: datetime | None = None,
) -> StockMovement:
    """Move a LOCKED stock by `delta` and write its ledger row."""
    now = now or timezone.now()
    after = stock.quantity + delta
    if after < 0:
        raise field_error(
            "quantity",
            _("Only %(n)s left in stock; nothing was taken.") % {"n": stock.quantity},
            SuppliesError.NOT_ENOUGH,
        )
    stock.quantity = after
    _alarm(stock, now)
    stock.save(update_fields=["quantity", "low_since", "updated_at"])
    return StockMovement.objects.create(
        stock=stock,
        place_path=stock.place_path,
        kind=kind,
        delta=delta,
        balance=after,
        at=now,
        by_id=actor.user_id or None,  # a system actor (user 0) is nobody
        worker_id=worker_id,
        counterpart=counterpart,
        source=source[:100],
        note=note[:200],
    )


def _sync(target: Stock, source: Stock) -> None:
    """Let the caller's object show the stock as it now is."""
    target.quantity = source.quantity
    target.low_since = source.low_since
    target.low_threshold = source.low_threshold
    target.updated_at = source.updated_at


def _stock_at(item: SupplyItem, place: Place) -> Stock:
    stock = Stock.objects.filter(item=item, place=place).first()
    if stock is not None:
        return stock
    try:
        with transaction.atomic():
            return Stock.objects.create(item=item, place=place, place_path=place.path)
    except IntegrityError:  # made by someone else a moment ago
        return Stock.objects.get(item=item, place=place)


@transaction.atomic
def stock_for(*, actor: Actor, item: SupplyItem, place: Place) -> Stock:
    """The stock of `item` at a community or street in the actor's scope, made empty if new."""
    if place.kind not in STOCK_PLACE_KINDS:
        raise field_error("place", _("Only a community or a street holds stock."), CoreError.KIND)
    if not may_read_place(actor, place):
        raise NotAllowed(_("This place is outside your area."))
    existing = Stock.objects.filter(item=item, place=place).first()
    if existing is not None:
        return existing
    if not item.is_active:
        raise field_error("item", _("This item is no longer in use."), CoreError.INACTIVE)
    return _stock_at(item, place)


@transaction.atomic
def stock_receive(
    *, actor: Actor, stock: Stock, quantity: int, source: str = "", note: str = ""
) -> StockMovement:
    """Goods received (a donation, from the district): + quantity."""
    _check_move(actor, stock)
    number = _number(quantity, "quantity")
    locked = _lock(stock)
    if locked.quantity + number > QUANTITY_MAX * 10:
        raise field_error(
            "quantity", _("That would be more than this stock can hold."), SuppliesError.MAX
        )
    movement = _book(
        actor=actor,
        stock=locked,
        delta=number,
        kind=MovementKind.RECEIPT,
        source=normalize_line(source)[:100],
        note=clean_text(note, max_length=200, truncate=True),
    )
    _sync(stock, locked)
    return movement


def _check_worker(stock: Stock, worker_user_id: Any) -> int:
    try:
        worker_id = int(worker_user_id)
    except (TypeError, ValueError):
        raise field_error("worker", _("Choose the worker."), CoreError.REQUIRED) from None
    holds = (
        Grant.objects.filter(
            user_id=worker_id,
            user__is_active=True,
            role__in=WORKER_ROLES,
            place__path__startswith=stock.place_path,
        )
        .exclude(place__isnull=True)
        .exists()
    )
    if not holds:
        raise field_error(
            "worker", _("This person does not work at this place."), SuppliesError.NOT_A_WORKER
        )
    return worker_id


@transaction.atomic
def stock_issue(
    *, actor: Actor, stock: Stock, quantity: int, worker_user_id: int, note: str = ""
) -> StockMovement:
    """Protective equipment or disinfectant handed to a named worker of the place."""
    _check_move(actor, stock)
    number = _number(quantity, "quantity")
    worker_id = _check_worker(stock, worker_user_id)
    locked = _lock(stock)
    movement = _book(
        actor=actor,
        stock=locked,
        delta=-number,
        kind=MovementKind.ISSUE,
        worker_id=worker_id,
        note=clean_text(note, max_length=200, truncate=True),
    )
    _sync(stock, locked)
    return movement


@transaction.atomic
def stock_take(
    *, actor: Actor, stock: Stock, quantity: int, kind: str, note: str = ""
) -> StockMovement:
    """Take `quantity` out (kind DISPATCH for a request, ISSUE…): more than is in stock is
    refused with a "quantity" field error and nothing changes."""
    _check_move(actor, stock)
    if kind not in TAKE_KINDS:
        raise field_error("kind", _("Choose what the goods are taken for."), CoreError.INVALID)
    number = _number(quantity, "quantity")
    locked = _lock(stock)
    movement = _book(
        actor=actor,
        stock=locked,
        delta=-number,
        kind=kind,
        note=clean_text(note, max_length=200, truncate=True),
    )
    _sync(stock, locked)
    return movement


@transaction.atomic
def stock_return(*, actor: Actor, movement: StockMovement, note: str = "") -> StockMovement:
    """Put back what a movement took out (a cancelled dispatch): the reversing movement."""
    stock = movement.stock
    _check_move(actor, stock)
    if movement.kind not in RETURNABLE_KINDS or movement.delta >= 0:
        raise field_error(
            "movement",
            _("Only goods sent out or issued can be put back."),
            SuppliesError.NOT_RETURNABLE,
        )
    locked = _lock(stock)  # serialises two returns of the same movement
    mark = RETURN_MARK % movement.pk
    if StockMovement.objects.filter(stock_id=locked.pk, source=mark).exists():
        raise field_error(
            "movement", _("These goods were already put back."), SuppliesError.RETURNED
        )
    back = _book(
        actor=actor,
        stock=locked,
        delta=-movement.delta,
        kind=movement.kind,
        worker_id=movement.worker_id,
        source=mark,
        note=clean_text(note, max_length=200, truncate=True)
        or _("Return of #%(id)s") % {"id": movement.pk},
    )
    _sync(stock, locked)
    return back


@transaction.atomic
def stock_transfer(
    *, actor: Actor, stock: Stock, to_place: Place, quantity: int, note: str = ""
) -> tuple[StockMovement, StockMovement]:
    """A street sends stock to one of its communities: out here, in there, both or neither."""
    _check_move(actor, stock)
    if stock.place.kind != PlaceKind.STREET:
        raise field_error(
            "to_place", _("Only a street sends stock to its communities."), CoreError.KIND
        )
    if to_place.kind != PlaceKind.COMMUNITY or to_place.parent_id != stock.place_id:
        raise field_error(
            "to_place", _("Choose one of this street's communities."), SuppliesError.NOT_CHILD
        )
    number = _number(quantity, "quantity")
    target = _stock_at(stock.item, to_place)
    # Lock both rows in id order, so two transfers crossing each other cannot deadlock.
    locked = {
        s.pk: s
        for s in Stock.objects.select_for_update()
        .filter(pk__in=[stock.pk, target.pk])
        .order_by("pk")
    }
    here, there = locked[stock.pk], locked[target.pk]
    now = timezone.now()
    text = clean_text(note, max_length=200, truncate=True)
    out = _book(
        actor=actor,
        stock=here,
        delta=-number,
        kind=MovementKind.TRANSFER_OUT,
        counterpart=to_place,
        note=text,
        now=now,
    )
    into = _book(
        actor=actor,
        stock=there,
        delta=number,
        kind=MovementKind.TRANSFER_IN,
        counterpart=stock.place,
        note=text,
        now=now,
    )
    _sync(stock, here)
    return out, into


@transaction.atomic
def stock_count(*, actor: Actor, stock: Stock, counted: int, note: str) -> StockMovement | None:
    """A stock-take: the difference to the counted quantity is booked as a correction (a note
    is required); None when they agree."""
    _check_move(actor, stock)
    number = _number(counted, "counted", minimum=0)
    text = clean_text(note, max_length=200, truncate=True)
    if not text:
        raise field_error(
            "note",
            _("Say why the count differs (who counted, what was found)."),
            CoreError.REQUIRED,
        )
    locked = _lock(stock)
    delta = number - locked.quantity
    if delta == 0:
        _sync(stock, locked)
        return None
    movement = _book(
        actor=actor, stock=locked, delta=delta, kind=MovementKind.ADJUSTMENT, note=text
    )
    _sync(stock, locked)
    return movement


@transaction.atomic
def stock_threshold_set(*, actor: Actor, stock: Stock, low_threshold: int) -> Stock:
    """Set the low-stock alarm level; the alarm state follows at once."""
    _check_move(actor, stock)
    level = _number(low_threshold, "low_threshold", minimum=0)
    locked = _lock(stock)
    locked.low_threshold = level
    _alarm(locked, timezone.now())
    locked.save(update_fields=["low_threshold", "low_since", "updated_at"])
    _sync(stock, locked)
    return locked


@transaction.atomic
def stock_receive_at(
    *,
    actor: Actor,
    item: SupplyItem,
    place: Place,
    quantity: int,
    source: str = "",
    note: str = "",
) -> StockMovement:
    """A receipt of an item at a place, its stock made if it is the first: both or neither."""
    stock = stock_for(actor=actor, item=item, place=place)
    return stock_receive(actor=actor, stock=stock, quantity=quantity, source=source, note=note)
