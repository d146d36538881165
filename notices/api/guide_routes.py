"""The guide API (filled in with the guide capability)."""

from ninja import Router

router = Router(tags=["guide"])
