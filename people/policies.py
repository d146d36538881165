"""Who may do what with the registry's imports, declared once; the import's services check
these."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.roles import EXPORT_FULL_ROLES, Role
from core.scoping import place_columns_q
from people.querysets import REGISTRY_ADMIN_ROLES
from places.models import Household, Place, PlaceKind

# Imports write the registry (REGISTRY_EDIT_ROLES below) and are seen by registry
# admins (RegistryImportQuerySet): the role in both is the community admin.
IMPORT_ROLES = frozenset({Role.COMMUNITY_ADMIN})


def may_import(actor: Actor, community: Place) -> bool:
    if actor.is_superuser:
        return True
    return any(community.path.startswith(g.place_path) for g in actor.place_grants(IMPORT_ROLES))


def check_can_import(actor: Actor, community: Place) -> None:
    if community.kind != PlaceKind.COMMUNITY:
        raise field_error("community", gettext_lazy("Choose a community."), CoreError.NOT_COMMUNITY)
    if not may_import(actor, community):
        raise NotAllowed(gettext_lazy("You may not import into this community's registry."))


# Who keeps the registry right: the community and its grid workers (street and above read it).
REGISTRY_EDIT_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.GRID_WORKER})


def may_edit_registry(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(REGISTRY_EDIT_ROLES)


def check_can_edit_place(actor: Actor, place: Place) -> None:
    """The actor edits the registry of `place` (a building, or a household's building)."""
    if actor.is_superuser:
        return
    if not any(
        place.path.startswith(g.place_path) for g in actor.place_grants(REGISTRY_EDIT_ROLES)
    ):
        raise NotAllowed(_("You may not change the registry here."))


def check_can_edit_household(actor: Actor, household: Household) -> None:
    if actor.is_superuser:
        return
    q = place_columns_q(actor, REGISTRY_EDIT_ROLES)
    if q is None or not Household.objects.filter(q, pk=household.pk).exists():
        raise NotAllowed(_("You may not change the registry here."))


def may_edit_household(actor: Actor, household: Household) -> bool:
    """Whether pages offer the edit actions (the services check again when they run)."""
    try:
        check_can_edit_household(actor, household)
    except NotAllowed:
        return False
    return True


# Who may export the registry of their area: its admins, and grid workers for their grid (the
# list a door-to-door sweep is walked with). Personal data stays masked unless EXPORT_FULL_ROLES.
REGISTRY_EXPORT_ROLES = REGISTRY_ADMIN_ROLES | {Role.GRID_WORKER}


def may_export_registry(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(REGISTRY_EXPORT_ROLES)


def may_export_full(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(EXPORT_FULL_ROLES)


def check_reads_registry(actor: Actor) -> None:
    from core.roles import REGISTRY_ROLES

    if not (actor.is_superuser or actor.has_role(REGISTRY_ROLES)):
        raise NotAllowed(_("Your role does not keep a registry."))
