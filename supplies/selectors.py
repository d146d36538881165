"""Every read the supplies pages need; each starts from `for_actor`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When
from django.http import Http404

from accounts.models import Grant
from core.actor import Actor
from core.roles import Role
from places.models import PLACE_ORDER, Place, PlaceKind
from supplies.models import ItemKind, MovementKind, Stock, StockMovement, SupplyItem
from supplies.policies import STOCK_PLACE_KINDS, WORKER_ROLES, own_places
from supplies.stock import RETURN_MARK, RETURNABLE_KINDS

PLACE_CHOICES_MAX = 300


def stocks_for(
    actor: Actor,
    *,
    place_id: int | None = None,
    kind: str = "",
    low_only: bool = False,
    q: str = "",
) -> QuerySet[Stock]:
    """The stocks of the actor's area, the alarmed ones first."""
    stocks = Stock.objects.for_actor(actor).select_related("item", "place")
    if place_id:
        stocks = stocks.filter(place_id=place_id)
    if kind in ItemKind.values:
        stocks = stocks.filter(item__kind=kind)
    if low_only:
        stocks = stocks.filter(low_since__isnull=False)
    if q:
        stocks = stocks.filter(item__name__icontains=q)
    alarmed = Case(
        When(low_since__isnull=False, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return stocks.annotate(alarmed=alarmed).order_by(
        "alarmed", "place_path", "item__kind", "item__name"
    )


def low_count(actor: Actor) -> int:
    return Stock.objects.for_actor(actor).filter(low_since__isnull=False).count()


def access_stock(actor: Actor, stock_id: int) -> Stock:
    stock = (
        Stock.objects.for_actor(actor).select_related("item", "place").filter(pk=stock_id).first()
    )
    if stock is None:
        raise Http404
    return stock


def access_item(actor: Actor, item_id: int) -> SupplyItem:
    item = SupplyItem.objects.for_actor(actor).filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def items_for(actor: Actor, *, q: str = "", kind: str = "") -> QuerySet[SupplyItem]:
    items = SupplyItem.objects.for_actor(actor)
    if kind in ItemKind.values:
        items = items.filter(kind=kind)
    if q:
        items = items.filter(name__icontains=q)
    return items.order_by("-is_active", "kind", "name")


def active_items(actor: Actor) -> list[SupplyItem]:
    return list(SupplyItem.objects.for_actor(actor).filter(is_active=True).order_by("kind", "name"))


def item_stocks(actor: Actor, item: SupplyItem) -> QuerySet[Stock]:
    return Stock.objects.for_actor(actor).filter(item=item).select_related("place")


def stock_history(actor: Actor, stock: Stock) -> QuerySet[StockMovement]:
    """The stock's ledger, newest first; each row carries the balance after it."""
    return (
        StockMovement.objects.for_actor(actor)
        .filter(stock_id=stock.pk)
        .select_related("by", "worker", "counterpart")
        .order_by("-at", "-pk")
    )


def returned_ids(stock: Stock, movement_ids: list[int]) -> set[int]:
    """Which of these movements were already put back."""
    marks = {RETURN_MARK % pk: pk for pk in movement_ids}
    done = StockMovement.objects.filter(stock_id=stock.pk, source__in=list(marks)).values_list(
        "source", flat=True
    )
    return {marks[m] for m in done}


def returnable(movement: StockMovement) -> bool:
    return movement.kind in RETURNABLE_KINDS and movement.delta < 0


def access_movement(actor: Actor, stock: Stock, movement_id: object) -> StockMovement | None:
    try:
        pk = int(str(movement_id))
    except ValueError:
        return None
    return (
        StockMovement.objects.for_actor(actor)
        .filter(stock_id=stock.pk, pk=pk)
        .select_related("stock")
        .first()
    )


def ledger_sum(stock: Stock) -> int:
    """The sum of the stock's ledger, which must equal its quantity."""
    total = StockMovement.objects.filter(stock_id=stock.pk).aggregate(s=Sum("delta"))["s"]
    return int(total or 0)


def my_issued(actor: Actor) -> QuerySet[StockMovement]:
    """What was handed to this worker (and put back), newest first."""
    if actor.user_id is None:
        return StockMovement.objects.none()
    return (
        StockMovement.objects.for_actor(actor)
        .filter(worker_id=actor.user_id)
        .select_related("stock__item", "stock__place")
        .order_by("-at", "-pk")
    )


def my_issued_totals(actor: Actor) -> list[tuple[str, str, int]]:
    """(item, unit, net quantity held) per item handed to this worker."""
    rows = (
        my_issued(actor)
        .order_by()
        .values("stock__item__name", "stock__item__unit")
        .annotate(total=Sum("delta"))
        .order_by("stock__item__name")
    )
    return [
        (r["stock__item__name"], r["stock__item__unit"], -int(r["total"] or 0))
        for r in rows
        if r["total"]
    ]


@dataclass(frozen=True)
class Worker:
    user_id: int
    name: str
    role: str


def workers_of(stock: Stock) -> list[Worker]:
    """The staff of the stock's place and below, who may be handed equipment from it."""
    grants = (
        Grant.objects.filter(
            role__in=WORKER_ROLES,
            place__path__startswith=stock.place_path,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__display_name", "user__username", "role")
    )
    labels = dict(Role.choices)
    seen: dict[int, Worker] = {}
    for g in grants:
        if g.user_id not in seen:
            name = g.user.display_name or g.user.username
            seen[g.user_id] = Worker(g.user_id, name, str(labels.get(g.role, g.role)))
    return list(seen.values())


def transfer_targets(stock: Stock) -> list[Place]:
    """The communities a street's stock may be sent to."""
    if stock.place.kind != PlaceKind.STREET:
        return []
    return list(Place.objects.filter(parent_id=stock.place_id, kind=PlaceKind.COMMUNITY))


def my_stock_places(actor: Actor) -> list[Place]:
    """The community or street whose stock the actor moves (for registering a receipt)."""
    ids = own_places(actor)
    if actor.is_superuser and not ids:
        return []
    return list(Place.objects.filter(pk__in=ids, kind__in=STOCK_PLACE_KINDS).order_by(*PLACE_ORDER))


def filter_places(actor: Actor) -> list[Place]:
    """The places holding stock that the actor sees, for the place filter."""
    ids = Stock.objects.for_actor(actor).order_by().values_list("place_id", flat=True).distinct()
    return list(Place.objects.filter(pk__in=ids).order_by(*PLACE_ORDER)[:PLACE_CHOICES_MAX])


def movement_label(movement: StockMovement) -> str:
    return str(MovementKind(movement.kind).label)
