"""The home page's triage counts: the health centre's queue, the grid worker's overdue
follow-ups, the offices' open cases and people waiting for a bed."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import REGISTRY_ROLES, Role
from places.models import PlaceKind
from triage.models import FollowUpLevel, TriageCase
from triage.querysets import CASE_ROLES
from triage.selectors import follow_ups_overdue


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.place_id is None or grant.role not in CASE_ROLES:
        return []
    if grant.role not in REGISTRY_ROLES or grant.scope_kind == PlaceKind.BUILDING:
        return []
    cases = TriageCase.objects.for_actor(actor).filter(**{f"{grant.scope_kind}_id": grant.place_id})
    if grant.role == Role.HEALTH_WORKER:
        waiting = cases.awaiting_triage().count()
        return [HomeCount(_("Waiting for triage"), waiting, reverse("triage:queue"))]
    if grant.role == Role.GRID_WORKER:
        # The list's own selector and tab: the page behind the count shows that many rows.
        overdue = follow_ups_overdue(actor, level=FollowUpLevel.GRID_WORKER).count()
        url = reverse("triage:follow_ups") + "?tab=overdue"
        return [HomeCount(_("Follow-ups overdue"), overdue, url)]
    return [
        HomeCount(_("Open triage cases"), cases.open().count(), reverse("triage:cases")),
        HomeCount(
            _("Waiting for a bed"), cases.waiting_for_bed().count(), reverse("triage:transfers")
        ),
    ]
