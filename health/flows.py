"""Health's one door up: what a stored report means to the floors above it.

Health sits below triage (docs/structure.md); a report of a person in home observation still
fills that slot's follow-up in the same transaction, so the call goes up here, by name, and
nowhere else (core/tests/test_house_rules.py allows this module and no other health module).
"""

from __future__ import annotations

from typing import Any

from core.actor import Actor
from triage.follow_ups import follow_ups_fill_from_reports


def reports_stored(actor: Actor, rows: list[dict[str, Any]]) -> None:
    """Reports just inserted (inside their transaction): fill the follow-ups they answer."""
    follow_ups_fill_from_reports(actor, rows)
