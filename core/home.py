"""What each app offers the home page: `home_counts(actor, grant) -> list[HomeCount]` in its own
`home.py`, one tile per count of what is the actor's under that grant (the way Zulip's
`fetch_initial_state_data` asks each subsystem). `home/` only puts them together."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class HomeCount:
    label: str
    value: int | None  # None: a link with no count (e.g. "ask for help")
    url: str = ""
