"""Every change of a stock, each with its ledger row, in one place: receipts, issues to named
workers, transfers street → community, dispatches for requests, returns and stock-takes.

A stock row is locked (select_for_update) before it moves, so the ledger always sums to it and
two people taking the last boxes cannot both win; the check constraint is the last guard."""

from __future__ import annotations

from core.actor import Actor
from places.models import Place
from supplies.models import Stock, StockMovement, SupplyItem


def stock_for(*, actor: Actor, item: SupplyItem, place: Place) -> Stock:
    """The stock of `item` at a community or street in the actor's scope, made empty if new."""
    raise NotImplementedError


def stock_receive(
    *, actor: Actor, stock: Stock, quantity: int, source: str = "", note: str = ""
) -> StockMovement:
    """Goods received (a donation, from the district): + quantity."""
    raise NotImplementedError


def stock_issue(
    *, actor: Actor, stock: Stock, quantity: int, worker_user_id: int, note: str = ""
) -> StockMovement:
    """Protective equipment or disinfectant handed to a named worker of the place."""
    raise NotImplementedError


def stock_take(
    *, actor: Actor, stock: Stock, quantity: int, kind: str, note: str = ""
) -> StockMovement:
    """Take `quantity` out (kind DISPATCH for a request, ISSUE…): more than is in stock is
    refused with a "quantity" field error and nothing changes."""
    raise NotImplementedError


def stock_return(*, actor: Actor, movement: StockMovement, note: str = "") -> StockMovement:
    """Put back what a movement took out (a cancelled dispatch): the reversing movement."""
    raise NotImplementedError


def stock_transfer(
    *, actor: Actor, stock: Stock, to_place: Place, quantity: int, note: str = ""
) -> tuple[StockMovement, StockMovement]:
    """A street sends stock to one of its communities: out here, in there, both or neither."""
    raise NotImplementedError


def stock_count(*, actor: Actor, stock: Stock, counted: int, note: str) -> StockMovement | None:
    """A stock-take: the difference to the counted quantity is booked as a correction (a note
    is required); None when they agree."""
    raise NotImplementedError


def stock_threshold_set(*, actor: Actor, stock: Stock, low_threshold: int) -> Stock:
    """Set the low-stock alarm level; the alarm state follows at once."""
    raise NotImplementedError
