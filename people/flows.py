"""The registry's one door up: what a resident's move or departure means to triage.

People sits below triage (docs/structure.md); an open case still follows its person, or closes
when they move out or die, in the registry's transaction, so the calls go up here, by name, and
nowhere else (core/tests/test_house_rules.py allows this module and no other people module).
"""

from __future__ import annotations

from core.actor import Actor
from people.models import Resident
from triage.cases import cases_close_for_resident, cases_follow_resident


def resident_left(*, actor: Actor, resident: Resident) -> None:
    """Moved out or deceased: their open triage case closes with that reason."""
    cases_close_for_resident(actor=actor, resident=resident)


def resident_moved(resident: Resident) -> None:
    """Joined another household: an open case and its due follow-ups move with the person (to
    the new community's health centre and grid worker)."""
    cases_follow_resident(resident)
