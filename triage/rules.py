"""The triage state rules, as tables: which category may follow which, which dispositions each
category allows, and the clocks. Services check these; the table-driven tests list them all."""

from __future__ import annotations

import datetime

from triage.models import Category, Disposition

C, D = Category, Disposition

# category now ("" = not triaged yet) → categories it may change to. A change from a set
# category needs a reason. Confirmed only leaves for cleared (recovered, e.g. two negative
# tests); nothing goes back to "not triaged".
CATEGORY_NEXT: dict[str, frozenset[str]] = {
    "": frozenset(C.values),
    C.SUSPECTED: frozenset({C.CONFIRMED, C.FEBRILE, C.CLOSE_CONTACT, C.CLEARED}),
    C.FEBRILE: frozenset({C.CONFIRMED, C.SUSPECTED, C.CLOSE_CONTACT, C.CLEARED}),
    C.CLOSE_CONTACT: frozenset({C.CONFIRMED, C.SUSPECTED, C.FEBRILE, C.CLEARED}),
    C.CONFIRMED: frozenset({C.CLEARED}),
    C.CLEARED: frozenset({C.CONFIRMED, C.SUSPECTED, C.FEBRILE, C.CLOSE_CONTACT}),
}

# category → the dispositions it allows (应收尽收: a confirmed case goes to a designated
# hospital; a suspected one is never sent home). Not triaged: no disposition yet.
DISPOSITIONS_FOR: dict[str, frozenset[str]] = {
    "": frozenset(),
    C.CONFIRMED: frozenset({D.HOSPITAL}),
    C.SUSPECTED: frozenset({D.HOSPITAL, D.ISOLATION, D.FEVER_CLINIC}),
    C.FEBRILE: frozenset({D.HOSPITAL, D.ISOLATION, D.FEVER_CLINIC, D.HOME_OBSERVATION, D.RELEASED}),
    C.CLOSE_CONTACT: frozenset({D.ISOLATION, D.HOME_OBSERVATION, D.RELEASED}),
    C.CLEARED: frozenset({D.RELEASED}),
}

# Observation lasts 14 days: from the last contact for a close contact, from its start for
# anyone else (the start day is day 1).
OBSERVATION_DAYS = 14
# An empty follow-up slot goes to the grid worker when the slot closes, and to the health
# centre this long after that.
FOLLOW_UP_GRACE = datetime.timedelta(hours=4)
# A person waiting this long for a bed raises the street's transfer-queue alarm.
TRANSFER_ALARM_AFTER = datetime.timedelta(hours=2)
# A contact whose last contact is older than the observation has nothing left to observe.
CONTACT_MAX_AGE = datetime.timedelta(days=OBSERVATION_DAYS)


def observation_end(start: datetime.date, last_contact_on: datetime.date | None) -> datetime.date:
    """The last day of home observation (inclusive)."""
    if last_contact_on is not None:
        return last_contact_on + datetime.timedelta(days=OBSERVATION_DAYS)
    return start + datetime.timedelta(days=OBSERVATION_DAYS - 1)
