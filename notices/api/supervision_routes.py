"""The supervision API (filled in with the supervision capability)."""

from ninja import Router

router = Router(tags=["supervision"])
