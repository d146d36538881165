from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from core.http import actor_of
from core.pagination import ApiPagination
from party import selectors
from party.models import PartyMember, PartyOrg, Unit

router = Router(tags=["party"])


class PartyOrgOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    place_id: int | None
    household_id: int | None
    unit_id: int | None
    depth: int


class PartyOrgFilter(Schema):
    parent: int | None = None
    kind: str | None = None
    q: str | None = None


class PartyMemberOut(Schema):
    id: int
    name: str
    org_id: int
    unit_id: int | None
    status: str
    is_cadre: bool

    @staticmethod
    def resolve_name(obj: PartyMember) -> str:
        return obj.person.name


class PartyMemberFilter(Schema):
    org: int | None = None
    unit: int | None = None
    q: str | None = None


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    place_id: int


@router.get("/party-orgs", response=list[PartyOrgOut])
@paginate(ApiPagination)
def list_party_orgs(request: HttpRequest, filters: Query[PartyOrgFilter]):  # type: ignore[no-untyped-def]
    return selectors.party_org_list(
        actor_of(request), parent_id=filters.parent, kind=filters.kind, q=filters.q or ""
    )


@router.get("/party-orgs/{org_id}", response=PartyOrgOut)
def get_party_org(request: HttpRequest, org_id: int) -> PartyOrg:
    return selectors.access_party_org(actor_of(request), org_id)


@router.get("/party-members", response=list[PartyMemberOut])
@paginate(ApiPagination)
def list_party_members(request: HttpRequest, filters: Query[PartyMemberFilter]):  # type: ignore[no-untyped-def]
    return selectors.party_member_list(
        actor_of(request), org_id=filters.org, unit_id=filters.unit, q=filters.q or ""
    )


@router.get("/party-members/{member_id}", response=PartyMemberOut)
def get_party_member(request: HttpRequest, member_id: int) -> PartyMember:
    return selectors.access_party_member(actor_of(request), member_id)


@router.get("/units", response=list[UnitOut])
@paginate(ApiPagination)
def list_units(request: HttpRequest, q: str = ""):  # type: ignore[no-untyped-def]
    return selectors.unit_list(actor_of(request), q)


@router.get("/units/{unit_id}", response=UnitOut)
def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    return selectors.access_unit(actor_of(request), unit_id)
