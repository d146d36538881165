"""The home page's request counts: a resident's own requests and the way to ask for help, the
requests a helper was sent to, the offices' open, overdue and escalated requests. Each count is
its list's own queryset and links that list with the same filter."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import HELPER_ROLES, Role
from service_requests.models import ServiceRequest
from service_requests.querysets import overdue_q

OFFICES = {
    Role.CITY_ADMIN,
    Role.DISTRICT_ADMIN,
    Role.STREET_ADMIN,
    Role.COMMUNITY_ADMIN,
    Role.GRID_WORKER,
}


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    requests = ServiceRequest.objects.for_actor(actor)
    if grant.household_id is not None:
        if grant.role != Role.RESIDENT:
            return []
        mine = requests.filter(household_id=grant.household_id).open().count()
        return [
            HomeCount(_("My requests still open"), mine, reverse("requests:mine")),
            HomeCount(_("Ask the community for help"), None, reverse("requests:new")),
        ]
    if grant.place_id is None:
        return []
    if grant.role in HELPER_ROLES:
        sent = requests.filter(dispatches__person_id=actor.user_id, dispatches__status="active")
        return [
            HomeCount(_("Requests I was sent to"), sent.open().count(), reverse("requests:mine"))
        ]
    if grant.role not in OFFICES:
        return []
    here = requests.filter(**{f"{grant.scope_kind}_id": grant.place_id}).open()
    overdue = here.filter(overdue_q(timezone.now())).count()
    counts = [
        HomeCount(_("Requests open"), here.count(), reverse("requests:list")),
        HomeCount(_("Requests overdue"), overdue, reverse("requests:list") + "?overdue=1"),
    ]
    if grant.role == Role.STREET_ADMIN:
        escalated = here.filter(level="street").count()
        counts.append(
            HomeCount(_("Escalated to the street"), escalated, reverse("requests:street"))
        )
    return counts
