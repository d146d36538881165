"""The study API (filled in with the study capability)."""

from ninja import Router

router = Router(tags=["study"])
