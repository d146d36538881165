from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from core.api import actor_of_api
from core.masking import mask_id_number, mask_phone
from people.models import Resident
from people.selectors import access_resident, resident_list

router = Router(tags=["people"])


class ResidentOut(Schema):
    """A resident as lists show them: personal data masked (revealing is an audited page)."""

    id: int
    name: str
    sex: str
    birth_year: int | None
    id_number_masked: str
    phone_masked: str
    relation: str
    status: str
    household_id: int
    building_id: int
    grid_id: int
    community_id: int

    @staticmethod
    def resolve_name(obj: Resident) -> str:
        return obj.person.name

    @staticmethod
    def resolve_sex(obj: Resident) -> str:
        return obj.person.sex

    @staticmethod
    def resolve_birth_year(obj: Resident) -> int | None:
        return obj.person.birth_date.year if obj.person.birth_date else None

    @staticmethod
    def resolve_id_number_masked(obj: Resident) -> str:
        return mask_id_number(obj.person.id_number or "")

    @staticmethod
    def resolve_phone_masked(obj: Resident) -> str:
        return mask_phone(obj.person.phone)


class ResidentFilter(Schema):
    place: int | None = None
    household: int | None = None
    q: str | None = None


@router.get("/residents", response=list[ResidentOut])
@paginate(LimitOffsetPagination)
def list_residents(request: HttpRequest, filters: Query[ResidentFilter]):  # type: ignore[no-untyped-def]
    return resident_list(
        actor_of_api(request),
        place_id=filters.place,
        household_id=filters.household,
        q=filters.q or "",
    )


@router.get("/residents/{resident_id}", response=ResidentOut)
def get_resident(request: HttpRequest, resident_id: int) -> Resident:
    return access_resident(actor_of_api(request), resident_id)
