"""The notice API (filled in with the notice capability)."""

from ninja import Router

router = Router(tags=["notice"])
