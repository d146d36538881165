"""The home page's issue 8 counts: rumours and overdue rectifications for the offices, notices a
community has not relayed yet, and the way to the themed party day and the recognition records.
A few counting queries each, all through for_actor."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import HomeCount
from core.actor import Actor
from core.roles import PARTY_ROLES, Role

# Who handles rumours (the street and above) and who is inspected or inspects.
INCIDENT_OFFICES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN}
OFFICES = INCIDENT_OFFICES | {Role.COMMUNITY_ADMIN}
RECOGNITION_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.COMMUNITY_ADMIN}


def outreach_counts(actor: Actor, role: str, place_id: int, place_path: str) -> list[HomeCount]:
    """For a grant on a place: what lies under that place."""
    from notices.notice_selectors import notices_to_relay
    from notices.opinion_selectors import incident_counts
    from notices.supervision_selectors import overdue_rectification_count
    from places.models import Place

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
    if role in PARTY_ROLES:
        counts.append(HomeCount(_("Themed party day"), None, reverse("party:study_list")))
    if role in RECOGNITION_ROLES:
        counts.append(HomeCount(_("Recognition records"), None, reverse("party:recognition")))
    counts.append(HomeCount(_("Report a rumour"), None, reverse("notices:incident_new")))
    return counts


def unit_outreach(actor: Actor) -> list[HomeCount]:
    """A unit's party admin: study progress and the members' records."""
    return [
        HomeCount(_("Themed party day"), None, reverse("party:study_list")),
        HomeCount(_("Recognition records"), None, reverse("party:recognition")),
    ]
