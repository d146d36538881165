"""Small helpers shared by pages."""

from __future__ import annotations

from django.http import HttpRequest

from core.actor import Actor


def actor_of(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    return actor if isinstance(actor, Actor) else Actor.anonymous()
