from __future__ import annotations

from typing import Any

from django.db import models

from core.actor import Actor
from core.roles import Role


class DeliveryQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def for_actor(self, actor: Actor) -> Any:
        """Text messages are the city's channel: its admins see every delivery's status (the
        numbers masked); nobody else does."""
        if actor.is_superuser or actor.has_role(Role.CITY_ADMIN):
            return self
        return self.none()
