"""The rules of a care plan: how often, when the alarm goes, and how each contact moves the due
days. Due days are days in Beijing time (timezone.localdate)."""

from __future__ import annotations

import datetime

from care.models import ContactKind

# Phone every 1–14 days; visit every 0–30 days. 0 = not planned; a plan has at least one.
PHONE_EVERY_MAX = 14
VISIT_EVERY_MAX = 30
# No successful contact for this long since the later of the start and the last success:
# the periodic job raises the no-contact alarm once.
NO_CONTACT_ALARM_AFTER = datetime.timedelta(hours=48)
# A contact may be recorded a little ahead of the server's clock (phones drift), not more.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
# Contacts that count as a successful check (the alarm clears, the days move).
SUCCESS_KINDS = frozenset({ContactKind.PHONE, ContactKind.VISIT})


def next_due(day: datetime.date, every_days: int) -> datetime.date | None:
    """The next due day after a contact on `day`; None when that kind is not planned."""
    return day + datetime.timedelta(days=every_days) if every_days else None


def first_due(today: datetime.date, every_days: int) -> datetime.date | None:
    """A new assignment or plan: the first check of each planned kind is due today."""
    return today if every_days else None


def later(a: datetime.date | None, b: datetime.date | None) -> datetime.date | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def moved_due_days(
    kind: str,
    day: datetime.date,
    phone_every: int,
    visit_every: int,
    phone_due: datetime.date | None,
    visit_due: datetime.date | None,
) -> tuple[datetime.date | None, datetime.date | None]:
    """(phone_due_on, visit_due_on) after a contact of `kind` on `day`. A phone check moves the
    phone day; a visit moves both (a visit is also a check); a failed attempt moves nothing.
    Days never move back (a contact recorded late does not undo a later one)."""
    if kind == ContactKind.PHONE:
        return later(phone_due, next_due(day, phone_every)), visit_due
    if kind == ContactKind.VISIT:
        return (
            later(phone_due, next_due(day, phone_every)),
            later(visit_due, next_due(day, visit_every)),
        )
    return phone_due, visit_due


def is_overdue(
    phone_due: datetime.date | None, visit_due: datetime.date | None, today: datetime.date
) -> bool:
    return any(d is not None and d < today for d in (phone_due, visit_due))


def is_due_today(
    phone_due: datetime.date | None, visit_due: datetime.date | None, today: datetime.date
) -> bool:
    return any(d is not None and d <= today for d in (phone_due, visit_due))
