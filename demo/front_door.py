"""The demo city's front door (issue 17): a join code for the demo community (新华社区) and for
each of its buildings, issued by its community admin through the services; and the line `make
run` prints so a visitor can join as a new resident with the console gateway (the text codes
are read at /inbox/outbox/)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.roles import Role
from front_door.models import JoinCode
from front_door.services import join_codes_issue_all
from people.models import Resident, ResidentStatus
from places.models import PLACE_ORDER, PlaceKind

ADMIN = "community_admin"


def seed_front_door() -> int:
    """Join codes for the demo community and its buildings; returns how many were issued."""
    user = User.objects.filter(username=ADMIN).first()
    grant = (
        Grant.objects.select_related("place")
        .filter(user__username=ADMIN, role=Role.COMMUNITY_ADMIN)
        .first()
    )
    if user is None or grant is None or grant.place is None:
        return 0
    return join_codes_issue_all(actor=actor_for_user(user), community=grant.place)


def demo_join_line(base: str = "http://127.0.0.1:8000") -> str:
    """ "Join as a new resident: <link>" for the demo building's code, with a resident of it who
    has no account yet (name and last 6 of the ID number, the demo's own made-up people)."""
    resident_grant = (
        Grant.objects.select_related("household__building")
        .filter(user__username="resident", role=Role.RESIDENT)
        .first()
    )
    building = (
        resident_grant.household.building if resident_grant and resident_grant.household else None
    )
    code = None
    if building is not None:
        code = JoinCode.objects.filter(place=building, revoked_at__isnull=True).first()
    if code is None:
        code = (
            JoinCode.objects.filter(revoked_at__isnull=True, place__kind=PlaceKind.BUILDING)
            .order_by(*[f"place__{f}" for f in PLACE_ORDER])
            .first()
        )
    if code is None:
        return ""
    base = (getattr(settings, "LINLI_PUBLIC_URL", "") or base).rstrip("/")
    link = base + reverse("front_door:join", kwargs={"join_token": code.token})
    outbox = reverse("notifications:text_outbox")
    line = f"Join as a new resident: {link} (codes: {outbox})"
    someone = (
        Resident.objects.filter(
            building_id=code.place_id,
            status=ResidentStatus.PRESENT,
            person__users__isnull=True,
            person__id_number__isnull=False,
        )
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if someone is not None:
        line += (
            f"\n  e.g. as {someone.person.name}, ID number ending "
            f"{str(someone.person.id_number)[-6:]} (made-up demo resident)"
        )
    return line
