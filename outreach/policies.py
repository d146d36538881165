"""Who may do what in outreach: every "may this actor do this" rule of the app, in one place."""

from __future__ import annotations

from core.roles import Role

RECOGNITION_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.COMMUNITY_ADMIN}
