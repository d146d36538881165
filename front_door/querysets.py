"""Who sees which front-door rows."""

from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.scoping import ScopedQuerySet, path_prefix_q, place_columns_q
from front_door.policies import JOIN_CODE_ROLES, JOIN_REQUEST_ROLES


class JoinCodeQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return path_prefix_q(actor, JOIN_CODE_ROLES, "place_path")


class JoinQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return path_prefix_q(actor, JOIN_CODE_ROLES, "code__place_path")


class JoinRequestQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return place_columns_q(actor, JOIN_REQUEST_ROLES)
