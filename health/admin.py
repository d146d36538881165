"""Setup: the city's reminder schedule (city admins of that city only)."""

from __future__ import annotations

from core.admin_site import ScopedModelAdmin, site
from health.models import ReminderSchedule


class ReminderScheduleAdmin(ScopedModelAdmin):
    list_display = ["city", "am_resident_at", "am_grid_at", "am_community_at", "quiet_from"]
    fieldsets = [
        (None, {"fields": ["city"]}),
        (None, {"fields": ["am_resident_at", "am_grid_at", "am_community_at"]}),
        (None, {"fields": ["pm_resident_at", "pm_grid_at", "pm_community_at"]}),
        (None, {"fields": ["quiet_from", "quiet_until", "text_household_phones"]}),
    ]


site.register(ReminderSchedule, ReminderScheduleAdmin)
