from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from core.api import actor_of_api
from core.masking import mask_phone
from people.selectors import access_household
from places import selectors
from places.models import Household, Place

router = Router(tags=["places"])


class PlaceOut(Schema):
    id: int
    kind: str
    variant: str
    name: str
    code: str
    parent_id: int | None
    depth: int


class PlaceFilter(Schema):
    parent: int | None = None
    kind: str | None = None
    q: str | None = None


class HouseholdOut(Schema):
    id: int
    room: str
    building_id: int
    grid_id: int
    community_id: int
    street_id: int
    district_id: int
    phone_masked: str

    @staticmethod
    def resolve_phone_masked(obj: Household) -> str:
        return mask_phone(obj.phone)


class HouseholdFilter(Schema):
    place: int | None = None
    q: str | None = None


@router.get("/places", response=list[PlaceOut])
@paginate(LimitOffsetPagination)
def list_places(request: HttpRequest, filters: Query[PlaceFilter]):  # type: ignore[no-untyped-def]
    """Places the caller may see; `parent` lists one node's children."""
    return selectors.place_list(
        actor_of_api(request), parent_id=filters.parent, kind=filters.kind, q=filters.q or ""
    )


@router.get("/places/{place_id}", response=PlaceOut)
def get_place(request: HttpRequest, place_id: int) -> Place:
    return selectors.access_place(actor_of_api(request), place_id)


@router.get("/households", response=list[HouseholdOut])
@paginate(LimitOffsetPagination)
def list_households(request: HttpRequest, filters: Query[HouseholdFilter]):  # type: ignore[no-untyped-def]
    return selectors.household_list(
        actor_of_api(request), place_id=filters.place, q=filters.q or ""
    )


@router.get("/households/{household_id}", response=HouseholdOut)
def get_household(request: HttpRequest, household_id: int) -> Household:
    return access_household(actor_of_api(request), household_id)
