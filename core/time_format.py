"""How long something took or has waited, as the pages show it ("2 h 15 min", "2 d 2 h").

Shared by triage and service requests; core is the lowest layer, so this imports no app."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

__all__ = ["minutes_text", "waited"]


def waited(since: datetime.datetime | None, now: datetime.datetime) -> str:
    """ "2小时15分": how long since `since`, to the minute (days and hours past a day)."""
    if since is None:
        return ""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}


def minutes_text(minutes: float | None) -> str:
    """42.5 → "43 min"; 125 → "2 h 5 min"; 3000 → "2 d 2 h"; None → "—"."""
    if minutes is None:
        return "—"
    whole = round(minutes)
    if whole < 60:
        return _("%(m)s min") % {"m": whole}
    hours, mins = divmod(whole, 60)
    if hours < 24:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": mins}
    days, hours = divmod(hours, 24)
    return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
