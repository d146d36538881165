"""The rules of resident requests, as tables: the one place to change them."""

from __future__ import annotations

import datetime

from service_requests.models import Level, RequestCategory

# The default response and completion targets per category, in minutes, until the city sets
# its own (SlaTarget). The examples: urgent trip 30 min / 2 h, purchases 2 h / 24 h.
DEFAULT_TARGETS: dict[str, tuple[int, int]] = {
    RequestCategory.URGENT_TRIP: (30, 120),
    RequestCategory.TREATMENT_TRIP: (60, 240),
    RequestCategory.MEDICINE: (120, 24 * 60),
    RequestCategory.FOOD: (120, 24 * 60),
    RequestCategory.CARE: (60, 12 * 60),
    RequestCategory.PSYCHOLOGICAL: (120, 24 * 60),
    RequestCategory.OTHER: (240, 48 * 60),
}

# Where a request goes when it leaves a level (by hand or when a clock runs out).
NEXT_LEVEL: dict[str, str] = {Level.COMMUNITY: Level.STREET, Level.STREET: Level.DISTRICT}

# A resident may reopen a closed request within this time, with a reason.
REOPEN_WINDOW = datetime.timedelta(hours=72)
# A request marked done and not confirmed within this time closes as "not confirmed".
CONFIRM_WINDOW = datetime.timedelta(hours=48)
# A vehicle slot may be at most this long, and booked at most this far ahead.
SLOT_MAX = datetime.timedelta(hours=12)
BOOK_AHEAD_MAX = datetime.timedelta(days=14)
# Supplies sent for one request at most (a typo of 1000 boxes is refused).
SUPPLIES_PER_DISPATCH_MAX = 200
