"""The home page's front-door counts: the grid worker's join requests waiting, and the community
admin's (their area's) too."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import Role
from front_door.models import JoinRequestStatus
from front_door.selectors import pending_join_requests


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.place_id is None or grant.role not in (Role.GRID_WORKER, Role.COMMUNITY_ADMIN):
        return []
    waiting = (
        pending_join_requests(actor).filter(**{f"{grant.scope_kind}_id": grant.place_id}).count()
    )
    url = reverse("front_door:join_requests") + f"?status={JoinRequestStatus.PENDING}"
    return [HomeCount(_("Join requests waiting"), waiting, url)]
