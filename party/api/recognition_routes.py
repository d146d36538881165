"""The recognition API (filled in with the recognition capability)."""

from ninja import Router

router = Router(tags=["recognition"])
