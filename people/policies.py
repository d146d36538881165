"""Who may do what with the registry's imports, declared once; the import's services check
these."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.roles import Role
from places.models import Place, PlaceKind

# Imports write the registry (people.services.REGISTRY_EDIT_ROLES) and are seen by registry
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
