"""Who may do what at the front door: print and revoke join codes, answer join requests,
invite staff by text message."""

from __future__ import annotations

from core.roles import Role

# Print, revoke and re-issue a community's join codes; see how many joined through each.
JOIN_CODE_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})
