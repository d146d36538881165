"""The home page's way to the themed party day and the recognition records."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import PARTY_ROLES
from outreach.policies import RECOGNITION_ROLES


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    study = HomeCount(_("Themed party day"), None, reverse("party:study_list"))
    recognition = HomeCount(_("Recognition records"), None, reverse("party:recognition"))
    if grant.unit_id is not None:
        # A unit's party admin: study progress and the members' records.
        return [study, recognition]
    if grant.place_id is None:
        return []
    counts = []
    if grant.role in PARTY_ROLES:
        counts.append(study)
    if grant.role in RECOGNITION_ROLES:
        counts.append(recognition)
    return counts
