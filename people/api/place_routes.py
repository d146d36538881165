from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import ErrorOut
from core.disclosure import MaskedPhone
from core.error_codes import CoreError
from core.errors import field_error, rename_fields
from core.http import actor_of
from core.pagination import ApiPagination
from people import services as registry
from people.selectors import access_household
from places import selectors
from places.models import Household, Place

ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
API_NAMES = {"building": "building_id"}

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
    phone_masked: MaskedPhone  # as the household page shows it

    @staticmethod
    def resolve_phone_masked(obj: Household) -> str:
        return obj.phone  # masked by its type


class HouseholdFilter(Schema):
    place: int | None = None
    q: str | None = None


@router.get("/places", response=list[PlaceOut])
@paginate(ApiPagination)
def list_places(request: HttpRequest, filters: Query[PlaceFilter]):  # type: ignore[no-untyped-def]
    """Places the caller may see; `parent` lists one node's children."""
    return selectors.place_list(
        actor_of(request), parent_id=filters.parent, kind=filters.kind, q=filters.q or ""
    )


@router.get("/places/{place_id}", response={200: PlaceOut, 404: ErrorOut})
def get_place(request: HttpRequest, place_id: int) -> Place:
    return selectors.access_place(actor_of(request), place_id)


@router.get("/households", response=list[HouseholdOut])
@paginate(ApiPagination)
def list_households(request: HttpRequest, filters: Query[HouseholdFilter]):  # type: ignore[no-untyped-def]
    return selectors.household_list(actor_of(request), place_id=filters.place, q=filters.q or "")


@router.get("/households/{household_id}", response={200: HouseholdOut, 404: ErrorOut})
def get_household(request: HttpRequest, household_id: int) -> Household:
    return access_household(actor_of(request), household_id)


class HouseholdIn(Schema):
    """A new household in a building of the caller's area (community admin, grid worker)."""

    building_id: int | None = None
    room: str = ""
    phone: str = ""


class HouseholdPatch(Schema):
    """Only the fields sent change."""

    room: str | None = None
    phone: str | None = None


class HouseholdMoveIn(Schema):
    building_id: int | None = None


@router.post("/households", response={201: HouseholdOut, **ERRORS})
def create_household(request: HttpRequest, payload: HouseholdIn) -> Status[Household]:
    actor = actor_of(request)
    building = _building(request, payload.building_id)
    try:
        household = registry.household_register(
            actor=actor, building=building, room=payload.room, phone=payload.phone
        )
    except ValidationError as e:
        raise rename_fields(e, API_NAMES) from e
    return Status(201, household)


@router.patch("/households/{household_id}", response={200: HouseholdOut, **ERRORS})
def update_household(request: HttpRequest, household_id: int, payload: HouseholdPatch) -> Household:
    """Change the room or the contact phone; each change is kept in the history."""
    actor = actor_of(request)
    household = access_household(actor, household_id)
    household, _changed = registry.household_update(
        actor=actor,
        household=household,
        room=household.room if payload.room is None else payload.room,
        phone=household.phone if payload.phone is None else payload.phone,
    )
    return household


@router.post("/households/{household_id}/move", response={200: HouseholdOut, **ERRORS})
def move_household(request: HttpRequest, household_id: int, payload: HouseholdMoveIn) -> Household:
    """The household moves to another building; its residents and every count follow."""
    actor = actor_of(request)
    household = access_household(actor, household_id)
    registry.check_can_edit_household(actor, household)
    building = _building(request, payload.building_id)
    try:
        return registry.household_move(actor=actor, household=household, building=building)
    except ValidationError as e:
        raise rename_fields(e, API_NAMES) from e


def _building(request: HttpRequest, building_id: int | None) -> Place:
    if building_id is None:
        raise field_error("building_id", _("Choose a building."), CoreError.REQUIRED)
    try:
        return selectors.access_place(actor_of(request), building_id)
    except Http404:
        raise field_error(
            "building_id", _("There is no such building in your area."), CoreError.NOT_FOUND
        ) from None
