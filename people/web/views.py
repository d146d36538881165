from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actor import Actor
from core.errors import field_errors
from core.http import actor_of
from core.roles import REGISTRY_ROLES, REVEAL_ROLES
from people import policies as people_policies
from people import services
from people.models import Resident
from people.selectors import access_resident, resident_history
from places.selectors import place_breadcrumbs


def resident_detail(request: HttpRequest, resident_id: int) -> HttpResponse:
    actor = actor_of(request)
    resident = access_resident(actor, resident_id)
    return render(request, "people/resident.html", _context(actor, resident))


@require_POST
def resident_reveal(request: HttpRequest, resident_id: int) -> HttpResponse:
    actor = actor_of(request)
    resident = access_resident(actor, resident_id)
    try:
        revealed = services.resident_reveal(
            actor=actor, resident=resident, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        context = _context(actor, resident) | {"errors": field_errors(error)}
        return render(request, "people/resident.html", context, status=400)
    context = _context(actor, resident) | {"revealed": revealed}
    return render(request, "people/resident.html", context)


def _context(actor: Actor, resident: Resident) -> dict[str, Any]:
    staff = actor.is_superuser or actor.has_role(REGISTRY_ROLES)
    return {
        "resident": resident,
        "person": resident.person,
        "crumbs": place_breadcrumbs(actor, resident.building, include_self=True),
        "may_reveal": actor.is_superuser or actor.has_role(REVEAL_ROLES),
        "may_edit": people_policies.may_edit_household(actor, resident.household),
        "show_history": staff,
        "history": resident_history(actor, resident) if staff else [],
        "reveal_label": _("Show in full (recorded)"),
    }
