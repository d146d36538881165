"""What each role may do with supplies, declared once; the services and pages check these."""

from __future__ import annotations

from core.actor import Actor
from core.roles import Role
from places.models import Place, PlaceKind
from supplies.models import Stock
from supplies.querysets import SUPPLY_ROLES

# The offices that move their own place's stock (receive, issue, transfer, count, alarm).
MOVE_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})
# District and city offices read their subtree's stocks and keep the catalogue.
READ_ROLES = SUPPLY_ROLES
CATALOGUE_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN})
# Who may be handed protective equipment: any staff grant (not residents, not unit admins).
WORKER_ROLES = frozenset(r for r in Role.values if r not in (Role.RESIDENT, Role.UNIT_ADMIN))
# Only communities and streets hold stock.
STOCK_PLACE_KINDS = (PlaceKind.COMMUNITY, PlaceKind.STREET)


def may_move(actor: Actor, stock: Stock) -> bool:
    """Community and street offices move the stock of their own place, nobody else's."""
    if actor.is_superuser:
        return True
    return any(g.place_id == stock.place_id for g in actor.place_grants(MOVE_ROLES))


def may_move_somewhere(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(MOVE_ROLES)


def may_read_place(actor: Actor, place: Place) -> bool:
    if actor.is_superuser:
        return True
    return any(place.path.startswith(g.place_path) for g in actor.place_grants(READ_ROLES))


def may_keep_catalogue(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(CATALOGUE_ROLES)


def may_see_supplies(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(READ_ROLES)


def own_places(actor: Actor) -> list[int]:
    """The ids of the places whose stock the actor moves (their community or street)."""
    return sorted({g.place_id for g in actor.place_grants(MOVE_ROLES) if g.place_id})
