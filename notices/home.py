"""The home page's notices counts: rumours and overdue rectifications for the offices, notices
a community has not relayed yet, and the way to report a rumour. A few counting queries, all
through for_actor."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import Role
from notices.notice_selectors import notices_to_relay
from notices.opinion_selectors import incident_counts
from notices.supervision_selectors import overdue_rectification_count
from places.models import Place

# Who handles rumours (the street and above) and who is inspected or inspects.
INCIDENT_OFFICES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN}
OFFICES = INCIDENT_OFFICES | {Role.COMMUNITY_ADMIN}


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    """For a grant on a place: what lies under that place."""
    if grant.place_id is None:
        return []
    role, place_id, place_path = grant.role, grant.place_id, grant.place_path
    counts: list[HomeCount] = []
    if role == Role.RESIDENT:
        return counts
    if role in INCIDENT_OFFICES:
        open_ = incident_counts(actor, place_path)
        url = reverse("notices:incident_list")
        counts.append(HomeCount(_("Rumours being handled"), open_["open"], url))
        if open_["critical_open"]:
            counts.append(
                HomeCount(_("Critical rumours"), open_["critical_open"], f"{url}?urgency=critical")
            )
    if role in OFFICES:
        counts.append(
            HomeCount(
                _("Overdue rectifications"),
                overdue_rectification_count(actor, place_path),
                reverse("notices:rectifications") + "?status=overdue",
            )
        )
    if role == Role.COMMUNITY_ADMIN:
        # The list it opens is the same selector (issue 15 item 17).
        community = Place.objects.get(pk=place_id)
        counts.append(
            HomeCount(
                _("Notices to relay"),
                notices_to_relay(actor, community).count(),
                f"{reverse('notices:notice_list')}?relay={place_id}",
            )
        )
    counts.append(HomeCount(_("Report a rumour"), None, reverse("notices:incident_new")))
    return counts
