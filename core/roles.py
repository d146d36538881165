"""The roles of mission.md, and the kind of scope node each role's grant hangs on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City admin")
    DISTRICT_ADMIN = "district_admin", _("District admin")
    STREET_ADMIN = "street_admin", _("Street admin")
    COMMUNITY_ADMIN = "community_admin", _("Community admin")
    GRID_WORKER = "grid_worker", _("Grid worker")
    BUILDING_HEAD = "building_head", _("Building head")
    HEALTH_WORKER = "health_worker", _("Health centre worker")
    CADRE = "cadre", _("Deployed cadre")
    VOLUNTEER = "volunteer", _("Volunteer")
    PROPERTY_STAFF = "property_staff", _("Property staff")
    COMMUNITY_POLICE = "community_police", _("Community police")
    UNIT_ADMIN = "unit_admin", _("Unit party admin")
    RESIDENT = "resident", _("Resident")


class ScopeKind(models.TextChoices):
    """What a grant points at: a place of some kind, a unit, or one household."""

    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")
    UNIT = "unit", _("Unit")
    HOUSEHOLD = "household", _("Household")


# The place kind a grant of each role must point at (health centres serve communities; helpers
# are deployed to a community).
ROLE_SCOPE_KIND: dict[str, str] = {
    Role.CITY_ADMIN: ScopeKind.CITY,
    Role.DISTRICT_ADMIN: ScopeKind.DISTRICT,
    Role.STREET_ADMIN: ScopeKind.STREET,
    Role.COMMUNITY_ADMIN: ScopeKind.COMMUNITY,
    Role.GRID_WORKER: ScopeKind.GRID,
    Role.BUILDING_HEAD: ScopeKind.BUILDING,
    Role.HEALTH_WORKER: ScopeKind.COMMUNITY,
    Role.CADRE: ScopeKind.COMMUNITY,
    Role.VOLUNTEER: ScopeKind.COMMUNITY,
    Role.PROPERTY_STAFF: ScopeKind.COMMUNITY,
    Role.COMMUNITY_POLICE: ScopeKind.COMMUNITY,
    Role.UNIT_ADMIN: ScopeKind.UNIT,
    Role.RESIDENT: ScopeKind.HOUSEHOLD,
}

# Roles that read the registry (households, residents) of their whole subtree.
REGISTRY_ROLES = frozenset(
    {
        Role.CITY_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.STREET_ADMIN,
        Role.COMMUNITY_ADMIN,
        Role.GRID_WORKER,
        Role.BUILDING_HEAD,
        Role.HEALTH_WORKER,
    }
)
# Helpers see places of their community but only the residents assigned to them (care,
# dispatched requests); those assignments arrive with later capabilities.
HELPER_ROLES = frozenset({Role.CADRE, Role.VOLUNTEER, Role.PROPERTY_STAFF, Role.COMMUNITY_POLICE})
# Roles that browse the party organisation tree of their subtree.
PARTY_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN}
)
# Roles that set up places, organisations, units and staff accounts (Django admin).
SETUP_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN})
# Roles that may see personal data in full on request (the reveal is audited).
REVEAL_ROLES = frozenset(
    {Role.COMMUNITY_ADMIN, Role.GRID_WORKER, Role.HEALTH_WORKER, Role.STREET_ADMIN}
)
# Roles that may export the registry with ID and phone in full (with a reason; audited). Everyone
# else who may export gets them masked.
EXPORT_FULL_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})
