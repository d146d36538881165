"""The opinion API (filled in with the opinion capability)."""

from ninja import Router

router = Router(tags=["opinion"])
