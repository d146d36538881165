from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.actor import Actor


def actor(request: HttpRequest) -> dict[str, Any]:
    return {"actor": getattr(request, "actor", Actor.anonymous())}
