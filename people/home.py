"""The home page's registry counts: households and residents under an office's grant, the
residents assigned to a helper, a resident's household members."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import REGISTRY_ROLES
from people.models import Resident
from places.models import Household


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.place_id is not None:
        column = {f"{grant.scope_kind}_id": grant.place_id}
        if grant.role in REGISTRY_ROLES:
            households = Household.objects.for_actor(actor).filter(**column).count()
            residents = Resident.objects.for_actor(actor).living().filter(**column).count()
            return [HomeCount(_("Households"), households), HomeCount(_("Residents"), residents)]
        return [HomeCount(_("Residents assigned to me"), Resident.objects.for_actor(actor).count())]
    if grant.household_id is not None:
        members = Resident.objects.for_actor(actor).living().filter(household_id=grant.household_id)
        url = reverse("home:household", args=[grant.household_id])
        return [HomeCount(_("Household members"), members.count(), url)]
    return []
