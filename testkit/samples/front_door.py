"""The front door's samples: join codes of the first chain's community and building and of the
other district's building; a join request waiting in the first chain's building, one in the
sibling grid and one in the other district (their names carry the markers)."""

from __future__ import annotations

from django.utils import timezone

from front_door.models import JoinCode, JoinRequest
from places.models import Place
from places.services import ancestor_columns
from testkit.city import TinyCity


def _code(place: Place, community: Place, token: str) -> JoinCode:
    return JoinCode.objects.create(
        place=place,
        community=community,
        place_path=place.path,
        token=token,
        created_at=timezone.now(),
    )


def add_front_door_samples(tc: TinyCity) -> None:
    i, sib, odi = tc.inside, tc.sibling, tc.other_district
    _code(i.community, i.community, "tiny-community-join-code")
    inside = _code(i.building, i.community, "tiny-building-join-code")
    sibling = _code(sib.building, sib.community, "tiny-sibling-join-code-")
    other = _code(odi.building, odi.community, "tiny-other-district-join")
    for chain, code, name, phone in (
        (i, inside, "王新来", "13900000001"),
        (sib, sibling, "【SIB】新来", "13900000002"),
        (odi, other, "【ODI】新来", "13900000003"),
    ):
        columns = ancestor_columns(chain.building)
        columns.pop("building_id")
        JoinRequest.objects.create(
            code=code,
            building=chain.building,
            phone=phone,
            name=name,
            id_last6="12345X",
            room="2单元202",
            created_at=timezone.now(),
            **columns,
        )
