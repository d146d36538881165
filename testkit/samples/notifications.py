"""One inbox line for a user inside and one for the other district's admin: the matrix checks
that an inbox shows only its owner's lines (the other's title carries a marker)."""

from __future__ import annotations

from accounts.models import User
from notifications.delivery import text_queue
from notifications.kinds import Kind
from notifications.services import notify
from notifications.texts import TextTemplate
from testkit.city import TinyCity


def add_notification_samples(tc: TinyCity, odi_admin: User) -> None:
    # A kind no producer's test counts for these users (join requests are answered to residents).
    notify(
        Kind.JOIN_REQUEST_ANSWERED,
        [tc.users["community_admin"].pk],
        {"place": tc.inside.building.name, "status": "confirmed"},
        dedupe_key="sample:inside",
        link="/triage/",
    )
    notify(
        Kind.JOIN_REQUEST_ANSWERED,
        [odi_admin.pk],
        {"place": tc.other_district.building.name, "status": "confirmed"},
        dedupe_key="sample:odi",
        link="/triage/",
    )
    text_queue(phone="13900000017", template=TextTemplate.REPORT_REMINDER, params={"slot": "上午"})
