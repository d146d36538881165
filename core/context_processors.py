from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.actor import Actor
from core.roles import REGISTRY_ROLES


def actor(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "actor", Actor.anonymous())
    return {
        "actor": current,
        # The registry (实有人口) tab, for the roles that read it.
        "nav_registry": current.is_superuser or current.has_role(REGISTRY_ROLES),
    }
